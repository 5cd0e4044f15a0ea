/**
 * Exact moments of a linear Gaussian chain `X_b = P X_a + γc + σ√γ Z` (`P = I + γA`, drift `A x + c`) and the
 * minimizer of DSB's mean-matching regression for its time reversal (De Bortoli et al. 2021, Prop. 3): with
 * `E[X_a | X_b = x] = μ_a + G (x − μ_b)`, `G = Σ_a Pᵀ Σ_b⁻¹`, the target `(X_a − X_b)/γ + A(X_a − X_b)` has
 * conditional mean `K x + h`, `K = P (G − I)/γ`, `h = P (μ_a − G μ_b)/γ`. Shared by the DSB test (against the
 * solver's cached targets) and bench/dsbBias.ts (IPF run on moments).
 */
import type { Array2D } from "../../src/core/array2d.js";
import { addIdentity, inverseSpd, matmul, matVec, scale, transpose } from "../../src/core/linalg.js";

/** An affine drift `x ↦ a x + c`. */
export interface AffineDrift {
  readonly a: Array2D;
  readonly c: ArrayLike<number>;
}

/** Mean and covariance of a Gaussian. */
export interface Moments {
  readonly mean: Float64Array;
  readonly cov: Array2D;
}

/** `P = I + γ a`, the mean map of one step. */
export function stepMatrix(drift: AffineDrift, gamma: number): Array2D {
  return addIdentity(scale(drift.a, gamma), 1);
}

/** Moments of `X_b` from those of `X_a` after one step of size γ with noise variance σ²γ. */
export function chainStep(drift: AffineDrift, gamma: number, sigma2: number, from: { mean: ArrayLike<number>; cov: Array2D }): Moments {
  const p = stepMatrix(drift, gamma);
  return {
    mean: Float64Array.from(matVec(p, from.mean), (v, i) => v + gamma * drift.c[i]),
    cov: addIdentity(matmul(matmul(p, from.cov), transpose(p)), gamma * sigma2),
  };
}

/** DSB's mean-matching minimizer `K x + h` for the reversal of the step `from → to` (the module formula). */
export function dsbReversal(drift: AffineDrift, gamma: number, from: { mean: ArrayLike<number>; cov: Array2D }, to: Moments): { a: Array2D; c: Float64Array } {
  const p = stepMatrix(drift, gamma);
  const g = matmul(matmul(from.cov, transpose(p)), inverseSpd(to.cov));
  const gm = matVec(g, to.mean);
  return { a: scale(matmul(p, addIdentity(g, -1)), 1 / gamma), c: matVec(p, Float64Array.from(from.mean, (v, i) => (v - gm[i]) / gamma)) };
}
