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
export { sinkhornKernel } from "./ot/sinkhornKernel.js";
export { sinkhornDivergence } from "./ot/divergence.js";
export type { SinkhornDivergence, SinkhornDivergenceOptions } from "./ot/divergence.js";
export { exactOt } from "./ot/exact/exactOt.js";
export type { ExactOtOptions, ExactOtResult } from "./ot/exact/exactOt.js";
export { linearAssignment } from "./ot/exact/assignment.js";
export type { AssignmentResult } from "./ot/exact/assignment.js";
export { networkSimplex } from "./ot/exact/networkSimplex.js";
export type { NetworkSimplexOptions, NetworkSimplexResult } from "./ot/exact/networkSimplex.js";
export { wasserstein1, wasserstein2 } from "./metrics/wasserstein.js";
export type { WassersteinOptions } from "./metrics/wasserstein.js";
export {
  identity, diag, transpose, matmul, matVec, trace, frobeniusNorm, isSymmetric, cholesky, symmetricEigen,
  sqrtmSpd, invSqrtmSpd, solveSpd, inverseSpd, solve, logDetSpd,
} from "./core/linalg.js";
export type { SymmetricEigen } from "./core/linalg.js";
export { toGaussian, sampleGaussianLaw, gaussianLogPdf } from "./gaussian/gaussian.js";
export type { Gaussian, GaussianLike } from "./gaussian/gaussian.js";
export { gaussianKl } from "./gaussian/gaussianKl.js";
export { buresMapMatrix, buresCrossCovariance, buresOtMap, buresWassersteinSquared } from "./gaussian/bures.js";
export { GaussianSb, gaussianSb, gaussianSbCrossCovariance } from "./gaussian/gaussianSb.js";
export type { GaussianSbProblem } from "./gaussian/gaussianSb.js";
export { gaussianSbEntropic } from "./gaussian/gaussianSbEntropic.js";
export type { GaussianSbEntropic } from "./gaussian/gaussianSbEntropic.js";
export {
  brownianReference, ornsteinUhlenbeckReference, linearBetaSchedule, vpReference, veReference,
} from "./sde/reference.js";
export type { LinearReference, BetaSchedule } from "./sde/reference.js";
export { transitionKernel, sampleTransition, referenceMarginal } from "./sde/transition.js";
export { ReferenceBridge, brownianBridge, ornsteinUhlenbeckBridge } from "./sde/bridge.js";
export { integrateSde, integrateOde } from "./sde/integrate.js";
export type { GridOptions, SdeOptions, OdeOptions, IntegrationResult } from "./sde/integrate.js";
export type { VectorField, DiffusionCoefficient, Sde } from "./sde/types.js";
export { uniformTimeGrid } from "./sde/time.js";
export { reverseSde, probabilityFlow } from "./sde/reverse.js";
export { girsanovPathKl } from "./sde/girsanov.js";
export type { PathKlEstimate } from "./sde/girsanov.js";
export { doobHTransform, hitPointDrift, hitGaussianDrift } from "./sde/hTransform.js";
export { fbmCovariance, markovApproximateFbm } from "./sde/fractionalBrownian.js";
export type { MarkovFbm, MarkovFbmOptions } from "./sde/fractionalBrownian.js";
export { uniformGrid, gridPoints, discretizeDensity, gridMass } from "./pde/grid.js";
export type { UniformGrid } from "./pde/grid.js";
export { GridSchrodingerBridge, solveGridSchrodinger } from "./pde/schrodingerSystem.js";
export type { GridSchrodingerProblem, GridSchrodingerOptions, GridSchrodingerFields } from "./pde/schrodingerSystem.js";
