/**
 * A multivariate normal `N(μ, Σ)` as plain data (mean length `d`, covariance `[d, d]` SPD), with validation,
 * sampling through explicit keys, and the log-density. Shared by the closed-form Gaussian SB, Bures OT and KL.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { cholesky, logDetSpd, solveLower } from "../core/linalg.js";
import { type Key } from "../core/rng.js";
import { sampleGaussian } from "../data/gaussian.js";

/** A validated normal law `N(mean, covariance)`: `mean` length `d`, `covariance` `[d, d]` symmetric PD. */
export interface Gaussian {
  readonly mean: Float64Array;
  readonly covariance: Array2D;
}

/** What the API accepts for a Gaussian: plain arrays are fine. */
export interface GaussianLike {
  readonly mean: ArrayLike<number>;
  readonly covariance: Array2DLike;
}

/**
 * Validates and copies a Gaussian: finite mean, square finite covariance of matching size that is symmetric
 * positive definite (checked by Cholesky). Errors name `fn` and `argument` (e.g. `gaussianSb: cov0 ...`).
 */
export function toGaussian(g: GaussianLike, fn: string, argument: string): Gaussian {
  check(typeof g === "object" && g !== null, fn, argument, "must be an object {mean, covariance}");
  const mean = Float64Array.from(g.mean ?? []);
  checkAllFinite(mean, fn, `${argument}.mean`);
  check(mean.length > 0, fn, `${argument}.mean`, "must not be empty");
  const cov = toArray2D(g.covariance, fn, `${argument}.covariance`);
  checkAllFinite(cov.data, fn, `${argument}.covariance`, cov.cols);
  const d = mean.length;
  check(cov.rows === d && cov.cols === d, fn, `${argument}.covariance`, `has shape [${cov.rows}, ${cov.cols}], expected [${d}, ${d}] to match the mean`);
  cholesky(cov, fn, `${argument}.covariance`);
  return { mean, covariance: { data: Float64Array.from(cov.data), rows: d, cols: d } };
}

/**
 * `n` samples `x_i = μ + L z_i` (L Lᵀ = Σ, z_i ~ N(0, I)) as an `[n, d]` array, for a law given as an object.
 * Same draws as `sampleGaussian(mean, cov, n, key)` of the data module, which does the work.
 */
export function sampleGaussianLaw(key: Key, g: GaussianLike, n: number): Array2D {
  const { mean, covariance } = toGaussian(g, "sampleGaussianLaw", "g");
  return sampleGaussian(mean, covariance, n, key);
}

/** Log-density `log N(x | μ, Σ) = −½[(x−μ)ᵀΣ⁻¹(x−μ) + log det Σ + d log 2π]` for each row of `x` (`[n, d]` → `[n]`). */
export function gaussianLogPdf(g: GaussianLike, x: Array2DLike): Float64Array {
  const { mean, covariance } = toGaussian(g, "gaussianLogPdf", "g");
  const pts = toArray2D(x, "gaussianLogPdf", "x");
  const d = mean.length;
  check(pts.cols === d, "gaussianLogPdf", "x", `has ${pts.cols} columns, expected d = ${d}`);
  const l = cholesky(covariance);
  const centered = new Float64Array(pts.rows * d);
  for (let i = 0; i < pts.rows; i++) for (let a = 0; a < d; a++) centered[a * pts.rows + i] = pts.data[i * d + a] - mean[a];
  const w = solveLower(l, { data: centered, rows: d, cols: pts.rows });
  const constant = logDetSpd(covariance) + d * Math.log(2 * Math.PI);
  const out = new Float64Array(pts.rows);
  for (let i = 0; i < pts.rows; i++) {
    let q = 0;
    for (let a = 0; a < d; a++) q += w.data[a * pts.rows + i] ** 2;
    out[i] = -0.5 * (q + constant);
  }
  return out;
}
