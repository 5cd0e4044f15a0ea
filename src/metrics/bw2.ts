/**
 * The Bures–Wasserstein distance between two Gaussians given by mean and covariance (Dowson & Landau 1982;
 * Gelbrich 1990) — the W2 distance between `N(m̂, Ĉ)` and `N(m, C)`, and the moment-matching distance the EOT
 * benchmark scores with (Gushchin et al., "Building the Bridge of Schrödinger", NeurIPS 2023):
 *
 *   BW2²(m̂, Ĉ; m, C) = ‖m̂ − m‖² + tr Ĉ + tr C − 2 tr (Ĉ^½ C Ĉ^½)^½      (full squared distance ‖x − y‖²).
 *
 * `tr (Ĉ^½ C Ĉ^½)^½ = Σ_i √λ_i(Lᵀ Ĉ L)` with `C = L Lᵀ` (the matrices `Ĉ C`, `Ĉ^½ C Ĉ^½` and `Lᵀ Ĉ L` are similar),
 * so one Cholesky factor and one eigenvalue-only decomposition suffice. When `C` is only semidefinite the
 * computation falls back to {@link buresWassersteinSquared} (matrix square roots).
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { choleskyOrUndefined } from "../core/cholesky.js";
import { check } from "../core/errors.js";
import { buresWassersteinSquared } from "../gaussian/bures.js";
import { symmetricEigenvalues } from "./symmetricEigenvalues.js";

/** `Lᵀ A L` for lower-triangular `L` and symmetric `A` (both `[d, d]`). */
function congruence(a: Float64Array, l: Float64Array, d: number): Float64Array {
  const al = new Float64Array(d * d); // A L
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      if (aik === 0) continue;
      for (let j = 0; j <= k; j++) al[i * d + j] += aik * l[k * d + j];
    }
  }
  const out = new Float64Array(d * d); // Lᵀ (A L), lower triangle
  for (let k = 0; k < d; k++) {
    for (let i = 0; i <= k; i++) {
      const lki = l[k * d + i];
      if (lki === 0) continue;
      for (let j = 0; j <= i; j++) out[i * d + j] += lki * al[k * d + j];
    }
  }
  return out;
}

function checkMoments(mean: ArrayLike<number>, cov: Array2D, d: number, fn: string, name: string): void {
  check(mean.length === d, fn, `${name}Mean`, `has length ${mean.length}, expected d = ${d}`);
  checkAllFinite(mean, fn, `${name}Mean`);
  check(cov.rows === d && cov.cols === d, fn, `${name}Covariance`, `has shape [${cov.rows}, ${cov.cols}], expected [${d}, ${d}]`);
  checkAllFinite(cov.data, fn, `${name}Covariance`, d);
}

/**
 * Squared Bures–Wasserstein distance `BW2²(N(m̂, Ĉ), N(m, C))` (see the module comment). Both covariances must be
 * symmetric positive semidefinite; `[d, d]`. Round-off negatives of the eigenvalues and of the result (the true
 * values are ≥ 0) are clamped to 0.
 */
export function bw2Squared(meanA: ArrayLike<number>, covarianceA: Array2DLike, meanB: ArrayLike<number>, covarianceB: Array2DLike): number {
  const fn = "bw2Squared";
  const ca = toArray2D(covarianceA, fn, "covarianceA");
  const cb = toArray2D(covarianceB, fn, "covarianceB");
  const d = meanA.length;
  check(d >= 1, fn, "meanA", "must not be empty");
  checkMoments(meanA, ca, d, fn, "a");
  checkMoments(meanB, cb, d, fn, "b");
  let meanPart = 0;
  for (let j = 0; j < d; j++) meanPart += (meanA[j] - meanB[j]) ** 2;
  const l = choleskyOrUndefined(cb.data, d);
  if (l === undefined) return buresWassersteinSquared({ mean: meanA, covariance: ca }, { mean: meanB, covariance: cb });
  let traces = 0;
  for (let j = 0; j < d; j++) traces += ca.data[j * d + j] + cb.data[j * d + j];
  const eig = symmetricEigenvalues(congruence(ca.data, l, d), d);
  let cross = 0;
  for (const v of eig) cross += Math.sqrt(Math.max(v, 0));
  return Math.max(0, meanPart + traces - 2 * cross);
}

/** The Bures–Wasserstein distance `BW2 = √BW2²` (see {@link bw2Squared}). */
export function bw2(meanA: ArrayLike<number>, covarianceA: Array2DLike, meanB: ArrayLike<number>, covarianceB: Array2DLike): number {
  return Math.sqrt(bw2Squared(meanA, covarianceA, meanB, covarianceB));
}
