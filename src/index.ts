/**
 * sbkit: the Schrödinger-bridge toolkit. Explicit named exports only.
 * Convention everywhere: reference dX = σ dW on t ∈ [0,1], ε = σ², cost c(x,y) = ½‖x−y‖², arrays row-major [n, d].
 */
export { SbkitInputError, SbkitNumericalError } from "./core/errors.js";
export { array2d, zeros2d, toArray2D, toNested, columnMeans, covariance } from "./core/array2d.js";
export type { Array2D, Array2DLike } from "./core/array2d.js";
export { makeKey, split, foldIn, KeyStream, uniform, normal, normal2d, categorical, permutation } from "./core/rng.js";
export type { Key } from "./core/rng.js";
export { writeFileAtomic, writeFileAtomicAsync } from "./core/atomicWrite.js";
export { parseNpy, encodeNpy, readNpy, writeNpy, readNpy1D, readNpy2D, writeNpy2D } from "./core/npy.js";
export type { NpyArray, NpyDtype, NpyWriteDtype } from "./core/npy.js";
export { parseCsv, formatCsv, readCsv, writeCsv } from "./core/csv.js";
export type { CsvParseOptions, CsvTable } from "./core/csv.js";
export { readArray2D, writeArray2D, ARRAY_FILE_EXTENSIONS } from "./core/arrayFile.js";
export { TOY_NAMES, isToyName, sampleToy } from "./data/toys.js";
export type { ToyName } from "./data/toys.js";
export { sampleGaussian, sampleGaussianMixture, gaussianMixtureLogDensity } from "./data/gaussian.js";
export type { GaussianMixture, GaussianMixtureSample } from "./data/gaussian.js";
export { BUILTIN_NAMES, loadBuiltin } from "./data/registry.js";
export { otProblem, meanCost, isBalanced } from "./ot/problem.js";
export type { OtProblem, OtProblemOptions } from "./ot/problem.js";
export { sinkhorn } from "./ot/sinkhorn.js";
export { sinkhornAsync } from "./ot/sinkhornAsync.js";
export type { SinkhornOptions, SinkhornProgress } from "./ot/sinkhornOptions.js";
export { SinkhornResult } from "./ot/sinkhornResult.js";
export type { SinkhornSummary } from "./ot/sinkhornResult.js";
