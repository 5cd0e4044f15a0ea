/**
 * Gaussians and Gaussian mixtures: keyed samplers and a log-sum-exp-stable mixture log-density.
 * Sampling uses the Cholesky factor `Σ = L Lᵀ` (from `core/linalg`): `x = μ + L z`, `z ~ N(0, I_d)`.
 */
import { array2d, checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import { cholesky } from "../core/linalg.js";
import { categorical, KeyStream, split, type Key } from "../core/rng.js";

/** A Gaussian mixture `Σ_k w_k N(μ_k, Σ_k)` on `R^d` with `K` components. */
export interface GaussianMixture {
  /** `[K]` non-negative weights with a positive sum; normalized internally (`w_k / Σ_j w_j`). */
  readonly weights: ArrayLike<number>;
  /** `[K, d]` component means, one per row. */
  readonly means: Array2DLike;
  /** `K` covariance matrices, each `[d, d]` symmetric positive definite. */
  readonly covs: readonly Array2DLike[];
}

/** A sample from a mixture: the points and the component each came from. */
export interface GaussianMixtureSample {
  /** `[n, d]` points. */
  readonly points: Array2D;
  /** `[n]` component index of each point, in `0..K-1`. */
  readonly labels: Int32Array;
}

/** One validated component: mean, Cholesky factor and `log w_k − ½ d log 2π − log det L`. */
interface Component {
  readonly mean: Float64Array;
  readonly chol: Array2D;
  readonly logConstant: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Checks a `[d, d]` covariance and returns its Cholesky factor; errors name `fn` and `argument`. */
function choleskyOf(cov: Array2DLike, d: number, fn: string, argument: string): Array2D {
  const c = toArray2D(cov, fn, argument);
  check(c.rows === d && c.cols === d, fn, argument, `has shape [${c.rows}, ${c.cols}], expected [${d}, ${d}] to match the mean`);
  return cholesky(c, fn, argument);
}

/** `−½ d log 2π − Σ_i log L_ii`: the log normalizing constant of `N(μ, L Lᵀ)`. */
function logNormalizer(chol: Array2D): number {
  const d = chol.rows;
  let s = -0.5 * d * LOG_2PI;
  for (let i = 0; i < d; i++) s -= Math.log(chol.data[i * d + i]);
  return s;
}

/** Writes `μ + L z` into `out` at `offset`, drawing `z ~ N(0, I_d)` from `stream`. */
function drawInto(out: Float64Array, offset: number, mean: Float64Array, chol: Array2D, stream: KeyStream, z: Float64Array): void {
  const d = mean.length;
  for (let j = 0; j < d; j++) z[j] = stream.nextNormal();
  for (let j = 0; j < d; j++) {
    let s = mean[j];
    for (let k = 0; k <= j; k++) s += chol.data[j * d + k] * z[k];
    out[offset + j] = s;
  }
}

/**
 * `n` draws from `N(mean, cov)`, shape `[n, d]`: `x = μ + L z` with `Σ = L Lᵀ` (Cholesky) and `z ~ N(0, I_d)`.
 * The same key gives the same points.
 *
 * @param mean `[d]` finite mean, `d ≥ 1`.
 * @param cov `[d, d]` symmetric positive-definite covariance.
 * @throws SbkitInputError for a NaN/∞ entry, mismatched shapes, a non-symmetric or non-SPD `cov`, or a bad `n`.
 */
export function sampleGaussian(mean: Float64Array | readonly number[], cov: Array2DLike, n: number, key: Key): Array2D {
  const fn = "sampleGaussian";
  check(mean.length >= 1, fn, "mean", "must have length >= 1");
  checkAllFinite(mean, fn, "mean");
  const mu = Float64Array.from(mean);
  const chol = choleskyOf(cov, mu.length, fn, "cov");
  checkInteger(n, fn, "n", 0);
  const d = mu.length;
  const stream = new KeyStream(key);
  const out = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) drawInto(out, i * d, mu, chol, stream, z);
  return array2d(out, n, d);
}

/** Validates a mixture and precomputes each component's Cholesky factor and log constant. */
function prepareMixture(mixture: GaussianMixture, fn: string): { components: Component[]; weights: Float64Array; d: number } {
  check(typeof mixture === "object" && mixture !== null, fn, "mixture", "must be an object {weights, means, covs}");
  const { weights, means, covs } = mixture;
  const K = weights?.length ?? 0;
  check(K >= 1, fn, "weights", "must have at least one component");
  const m = toArray2D(means, fn, "means");
  check(m.rows === K, fn, "means", `has ${m.rows} rows, expected one per weight (${K})`);
  check(m.cols >= 1, fn, "means", "must have at least one column");
  checkAllFinite(m.data, fn, "means", m.cols);
  check(Array.isArray(covs) && covs.length === K, fn, "covs", `must be an array of ${K} matrices (got ${Array.isArray(covs) ? covs.length : typeof covs})`);
  let total = 0;
  for (let k = 0; k < K; k++) {
    const w = weights[k];
    check(Number.isFinite(w) && w >= 0, fn, "weights", `must be finite and >= 0 (got ${w} at [${k}])`);
    total += w;
  }
  check(total > 0, fn, "weights", "must have a positive sum");
  const d = m.cols;
  const normalized = new Float64Array(K);
  const components: Component[] = [];
  for (let k = 0; k < K; k++) {
    normalized[k] = weights[k] / total;
    const chol = choleskyOf(covs[k], d, fn, `covs[${k}]`);
    const mean = m.data.slice(k * d, (k + 1) * d);
    components.push({ mean, chol, logConstant: Math.log(normalized[k]) + logNormalizer(chol) });
  }
  return { components, weights: normalized, d };
}

/**
 * `n` draws from the mixture `Σ_k w_k N(μ_k, Σ_k)`: labels `k_i ~ Categorical(w / Σw)` i.i.d., then
 * `x_i = μ_{k_i} + L_{k_i} z_i`. Returns `points` `[n, d]` and `labels` `[n]`. The same key gives the same sample.
 *
 * @throws SbkitInputError when the shapes disagree, a weight is negative or NaN, the weights sum to 0, a mean is
 * not finite, or a covariance is not symmetric positive definite.
 */
export function sampleGaussianMixture(mixture: GaussianMixture, n: number, key: Key): GaussianMixtureSample {
  const fn = "sampleGaussianMixture";
  const { components, weights, d } = prepareMixture(mixture, fn);
  checkInteger(n, fn, "n", 0);
  const [labelKey, drawKey] = split(key);
  const labels = categorical(labelKey, weights, n);
  const stream = new KeyStream(drawKey);
  const out = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = components[labels[i]];
    drawInto(out, i * d, c.mean, c.chol, stream, z);
  }
  return { points: array2d(out, n, d), labels };
}

/**
 * Log-density of the mixture at each row of `points` (`[m, d]` → `[m]`):
 * `log p(x) = LSE_k [ log w_k − ½ d log 2π − log det L_k − ½ ‖L_k⁻¹(x − μ_k)‖² ]`, with `Σ_k = L_k L_kᵀ` and
 * `w` normalized. The log-sum-exp subtracts the largest term, so far-away points give finite (very negative)
 * values instead of `log 0`. Components with weight 0 are skipped.
 *
 * @throws SbkitInputError for an invalid mixture (see {@link sampleGaussianMixture}), `points` with the wrong
 * number of columns, or a non-finite point.
 */
export function gaussianMixtureLogDensity(mixture: GaussianMixture, points: Array2DLike): Float64Array {
  const fn = "gaussianMixtureLogDensity";
  const { components, weights, d } = prepareMixture(mixture, fn);
  const x = toArray2D(points, fn, "points");
  check(x.cols === d, fn, "points", `has ${x.cols} columns, expected d = ${d}`);
  checkAllFinite(x.data, fn, "points", x.cols);
  const active = components.filter((_, k) => weights[k] > 0);
  const terms = new Float64Array(active.length);
  const y = new Float64Array(d);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let best = -Infinity;
    active.forEach((c, k) => {
      // Forward substitution L y = x − μ, accumulating ‖y‖².
      let q = 0;
      for (let a = 0; a < d; a++) {
        let s = x.data[i * d + a] - c.mean[a];
        for (let b = 0; b < a; b++) s -= c.chol.data[a * d + b] * y[b];
        y[a] = s / c.chol.data[a * d + a];
        q += y[a] * y[a];
      }
      terms[k] = c.logConstant - 0.5 * q;
      if (terms[k] > best) best = terms[k];
    });
    let sum = 0;
    for (let k = 0; k < active.length; k++) sum += Math.exp(terms[k] - best);
    out[i] = best + Math.log(sum);
  }
  return out;
}
