/**
 * sbkit: the Schrödinger-bridge toolkit. Explicit named exports only.
 * Convention everywhere: reference dX = σ dW on t ∈ [0,1], ε = σ², cost c(x,y) = ½‖x−y‖², arrays row-major [n, d].
 */
export { SbkitInputError, SbkitNumericalError } from "./core/errors.js";
export { array2d, zeros2d, toArray2D, toNested, columnMeans, covariance } from "./core/array2d.js";
export type { Array2D, Array2DLike } from "./core/array2d.js";
export { makeKey, split, foldIn, KeyStream, uniform, normal, normal2d, categorical, permutation } from "./core/rng.js";
export type { Key } from "./core/rng.js";
