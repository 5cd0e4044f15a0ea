/**
 * Gaussian mixtures with diagonal covariances, `Σ_k α_k N(y | μ_k, diag(σ_k))`: the form of the Schrödinger
 * potential `exp(f/ε)` in the EOT benchmark construction (Gushchin et al., NeurIPS 2023) and of LightSB's adjusted
 * potential (Korotin et al., ICLR 2024). Everything here is `O(n·K·d)`.
 */
import { array2d, checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../../core/array2d.js";
import type { KeyStream } from "../../core/rng.js";
import { check } from "../../core/errors.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** `Σ_k α_k N(μ_k, diag(σ_k))` on `R^d` with `K` components. */
export interface DiagonalGaussianMixture {
  /** `[K]` positive weights α (any positive scale; they need not sum to 1). */
  readonly weights: Float64Array;
  /** `[K, d]` means μ_k. */
  readonly means: Array2D;
  /** `[K, d]` per-coordinate variances σ_kj > 0. */
  readonly variances: Array2D;
}

/** What the API accepts for a {@link DiagonalGaussianMixture}. */
export interface DiagonalGaussianMixtureLike {
  readonly weights: ArrayLike<number>;
  readonly means: Array2DLike;
  readonly variances: Array2DLike;
}

/** Validates and copies a diagonal mixture; errors name `fn` and `argument`. */
export function toDiagonalMixture(m: DiagonalGaussianMixtureLike, fn: string, argument: string): DiagonalGaussianMixture {
  check(typeof m === "object" && m !== null, fn, argument, "must be an object {weights, means, variances}");
  const weights = Float64Array.from(m.weights ?? []);
  const K = weights.length;
  check(K >= 1, fn, `${argument}.weights`, "must have at least one component");
  for (let k = 0; k < K; k++) check(Number.isFinite(weights[k]) && weights[k] > 0, fn, `${argument}.weights`, `must be finite and > 0 (got ${weights[k]} at [${k}])`);
  const means = toArray2D(m.means, fn, `${argument}.means`);
  const variances = toArray2D(m.variances, fn, `${argument}.variances`);
  check(means.rows === K && means.cols >= 1, fn, `${argument}.means`, `has shape [${means.rows}, ${means.cols}], expected [${K}, d] (one row per weight)`);
  check(variances.rows === K && variances.cols === means.cols, fn, `${argument}.variances`, `has shape [${variances.rows}, ${variances.cols}], expected [${K}, ${means.cols}] like means`);
  checkAllFinite(means.data, fn, `${argument}.means`, means.cols);
  for (let i = 0; i < variances.data.length; i++) {
    const v = variances.data[i];
    check(Number.isFinite(v) && v > 0, fn, `${argument}.variances`, `must be finite and > 0 (got ${v} at [${Math.floor(i / means.cols)}, ${i % means.cols}])`);
  }
  return {
    weights,
    means: { data: Float64Array.from(means.data), rows: K, cols: means.cols },
    variances: { data: Float64Array.from(variances.data), rows: K, cols: means.cols },
  };
}

/**
 * `[n, K]` log-terms `log α_k + log N(x_i | μ_k, diag(σ_k + extra))` for each row of `x` (`[n, d]`): the
 * log-sum-exp over k is the log-density of the mixture with every variance increased by `extra ≥ 0`.
 */
export function diagonalLogTerms(mixture: DiagonalGaussianMixture, x: Array2D, extra = 0): Float64Array {
  const { means, variances, weights } = mixture;
  const K = weights.length;
  const d = means.cols;
  const precision = new Float64Array(K * d);
  const constant = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let logDet = 0;
    for (let j = 0; j < d; j++) {
      const v = variances.data[k * d + j] + extra;
      precision[k * d + j] = 1 / v;
      logDet += Math.log(v);
    }
    constant[k] = Math.log(weights[k]) - 0.5 * (logDet + d * LOG_2PI);
  }
  const out = new Float64Array(x.rows * K);
  for (let i = 0; i < x.rows; i++) {
    for (let k = 0; k < K; k++) {
      let q = 0;
      for (let j = 0; j < d; j++) {
        const diff = x.data[i * d + j] - means.data[k * d + j];
        q += diff * diff * precision[k * d + j];
      }
      out[i * K + k] = constant[k] - 0.5 * q;
    }
  }
  return out;
}

/** In place: each row of the `[n, K]` log-terms becomes its softmax; returns the `[n]` log-sum-exps. */
export function softmaxRows(terms: Float64Array, n: number, K: number): Float64Array {
  const lse = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < K; k++) best = Math.max(best, terms[i * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(terms[i * K + k] - best);
      terms[i * K + k] = e;
      s += e;
    }
    for (let k = 0; k < K; k++) terms[i * K + k] /= s;
    lse[i] = best + Math.log(s);
  }
  return lse;
}

/**
 * `perPoint` draws per row i of a row-dependent diagonal mixture `Σ_k w_ik N(m_ik, diag(sd_k²))` — the form of
 * both the benchmark's and LightSB's conditional plan π(·|x_i). `weights` `[n, K]` (rows sum to 1), `means`
 * `[n·K, d]`, `sd` `[K, d]`. Per draw: one uniform picks k, then d normals. Returns `[n·perPoint, d]`, the draws of
 * row i consecutive.
 */
export function sampleRowMixtures(stream: KeyStream, weights: Float64Array, means: Float64Array, sd: ArrayLike<number>, n: number, K: number, d: number, perPoint: number): Array2D {
  const out = new Float64Array(n * perPoint * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < perPoint; r++) {
      const u = stream.nextUniform();
      let k = 0;
      let acc = weights[i * K];
      while (k < K - 1 && u >= acc) acc += weights[i * K + ++k];
      const o = (i * perPoint + r) * d;
      const m = (i * K + k) * d;
      for (let j = 0; j < d; j++) out[o + j] = means[m + j] + sd[k * d + j] * stream.nextNormal();
    }
  }
  return array2d(out, n * perPoint, d);
}
