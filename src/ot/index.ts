/**
 * `sbkit/ot`: the static Schrödinger bridge (entropic OT), exact OT and the Wasserstein metrics, with the array,
 * file and random-key helpers they take — without the neural engine, so an OT-only program does not load
 * `@jax-js/jax` (the root `sbkit` entry re-exports all of this). Explicit named exports only.
 */
export { SbkitInputError, SbkitNumericalError } from "../core/errors.js";
export { array2d, zeros2d, toArray2D, toNested, columnMeans, covariance } from "../core/array2d.js";
export type { Array2D, Array2DLike } from "../core/array2d.js";
export { makeKey, split, foldIn, KeyStream, uniform, normal, normal2d, categorical, permutation } from "../core/rng.js";
export type { Key } from "../core/rng.js";
export { parseNpy, encodeNpy, readNpy, writeNpy, readNpy1D, readNpy2D, writeNpy2D } from "../core/npy.js";
export type { NpyArray, NpyDtype, NpyWriteDtype } from "../core/npy.js";
export { parseCsv, formatCsv, readCsv, writeCsv } from "../core/csv.js";
export type { CsvParseOptions, CsvTable } from "../core/csv.js";
export { readArray2D, writeArray2D, ARRAY_FILE_EXTENSIONS } from "../core/arrayFile.js";
export { otProblem, meanCost, isBalanced } from "./problem.js";
export type { OtProblem, OtProblemOptions } from "./problem.js";
export { sinkhorn } from "./sinkhorn.js";
export { sinkhornAsync } from "./sinkhornAsync.js";
export type { SinkhornOptions, SinkhornProgress, SinkhornBackend, SinkhornAcceleration } from "./sinkhornOptions.js";
export { SinkhornResult } from "./sinkhornResult.js";
export type { SinkhornSummary, SinkhornBackendInfo, SinkhornAccelerationInfo } from "./sinkhornResult.js";
export { sinkhornKernel } from "./sinkhornKernel.js";
export { sinkhornDivergence } from "./divergence.js";
export type { SinkhornDivergence, SinkhornDivergenceOptions } from "./divergence.js";
export { exactOt } from "./exact/exactOt.js";
export type { ExactOtOptions, ExactOtResult } from "./exact/exactOt.js";
export { linearAssignment } from "./exact/assignment.js";
export type { AssignmentResult } from "./exact/assignment.js";
export { networkSimplex } from "./exact/networkSimplex.js";
export type { NetworkSimplexOptions, NetworkSimplexResult } from "./exact/networkSimplex.js";
export { wasserstein1, wasserstein2 } from "../metrics/wasserstein.js";
export type { WassersteinOptions } from "../metrics/wasserstein.js";
