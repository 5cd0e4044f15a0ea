/**
 * Unexplained-variance-percentage scores of the EOT benchmark (Gushchin et al., "Building the Bridge of
 * Schrödinger: A Continuous Entropic Optimal Transport Benchmark", NeurIPS 2023, §4):
 *
 * - BW2-UVP of a marginal: `100 · BW2²(m̂, Ĉ; m, C) / tr C`, with `(m̂, Ĉ)` the sample moments of the model's
 *   samples and `(m, C)` the true moments of the target `p1`.
 * - cBW2-UVP of a conditional plan: `100 · mean_i BW2²(m̂_i, Ĉ_i; m_i, C_i) / tr Cov(p1)`, where `(m̂_i, Ĉ_i)` are the
 *   sample moments of `S` model samples `y ~ π̂(·|x_i)` (default S = 1000) and `(m_i, C_i)` the moments of the true
 *   conditional `π(·|x_i)`, over test points `x_i ~ p0`.
 *
 * Both are 0 for a perfect model up to Monte-Carlo error of the sample moments (for `S` samples in `d` dimensions
 * roughly `100 · (d/4 + 1) · c / S` percent, with `c` the per-coordinate conditional variance over that of `p1`).
 */
import { array2d, checkAllFinite, columnMeans, covariance, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { bw2Squared } from "./bw2.js";

/** Mean `[d]` and covariance `[d, d]` of a law. */
export interface Moments {
  readonly mean: Float64Array;
  readonly covariance: Array2D;
}

/**
 * Draws `perPoint` samples from a model's conditional `π̂(·|x)` for every row of `x` (`[n, d]`); returns
 * `[n · perPoint, d]` with the samples of row `i` in rows `i·perPoint … (i+1)·perPoint − 1`.
 */
export type ConditionalSampler = (x: Array2D, perPoint: number) => Array2D | Promise<Array2D>;

/** Options of {@link cbw2Uvp}. */
export interface Cbw2UvpOptions {
  /** Model samples per test point (default 1000). */
  readonly samplesPerPoint?: number;
  /** Test points handed to the sampler at once (default 16; bounds memory at chunk·samples·d numbers). */
  readonly chunkSize?: number;
}

/** Result of {@link cbw2Uvp}. */
export interface Cbw2UvpResult {
  /** cBW2-UVP in percent. */
  readonly value: number;
  /** `BW2²` of each test point (before normalization). */
  readonly perPoint: Float64Array;
  /** Samples per test point used. */
  readonly samplesPerPoint: number;
}

/** Sample mean and covariance (`1/(n−1)` normalization) of `[n, d]` samples. */
export function sampleMoments(samples: Array2DLike): Moments {
  const x = toArray2D(samples, "sampleMoments", "samples");
  check(x.rows >= 2, "sampleMoments", "samples", `needs at least 2 rows (got ${x.rows})`);
  checkAllFinite(x.data, "sampleMoments", "samples", x.cols);
  return { mean: columnMeans(x), covariance: covariance(x) };
}

/**
 * BW2-UVP of a marginal: `100 · BW2²(sample moments of samples; truth) / tr(truth.covariance)` (percent).
 * `normalizer` replaces `tr(truth.covariance)` when given (e.g. a fixed `tr Cov(p1)`).
 */
export function bw2Uvp(samples: Array2DLike, truth: Moments, normalizer?: number): number {
  const fn = "bw2Uvp";
  const x = toArray2D(samples, fn, "samples");
  check(x.cols === truth.mean.length, fn, "samples", `has ${x.cols} columns, truth is ${truth.mean.length}-dimensional`);
  const m = sampleMoments(x);
  const norm = normalizer ?? traceOf(truth.covariance);
  checkPositive(norm, fn, "normalizer");
  return (100 * bw2Squared(m.mean, m.covariance, truth.mean, truth.covariance)) / norm;
}

function traceOf(c: Array2D): number {
  let s = 0;
  for (let j = 0; j < c.rows; j++) s += c.data[j * c.cols + j];
  return s;
}

/**
 * cBW2-UVP (percent) of a conditional sampler against the true conditional moments (see the module comment).
 *
 * @param testPoints `[n, d]` test points `x_i` (drawn from p0).
 * @param sampler the model's conditional sampler.
 * @param trueMoments the true conditional moments of each row of a `[m, d]` batch of points.
 * @param targetVarianceTrace `tr Cov(p1)`, the normalizer.
 */
export async function cbw2Uvp(
  testPoints: Array2DLike,
  sampler: ConditionalSampler,
  trueMoments: (x: Array2D) => readonly Moments[],
  targetVarianceTrace: number,
  options: Cbw2UvpOptions = {},
): Promise<Cbw2UvpResult> {
  const fn = "cbw2Uvp";
  const x = toArray2D(testPoints, fn, "testPoints");
  check(x.rows >= 1, fn, "testPoints", "is empty");
  checkAllFinite(x.data, fn, "testPoints", x.cols);
  checkPositive(targetVarianceTrace, fn, "targetVarianceTrace");
  const perPoint = checkInteger(options.samplesPerPoint ?? 1000, fn, "samplesPerPoint", 2);
  const chunk = checkInteger(options.chunkSize ?? 16, fn, "chunkSize", 1);
  const d = x.cols;
  const bw = new Float64Array(x.rows);
  for (let start = 0; start < x.rows; start += chunk) {
    const stop = Math.min(x.rows, start + chunk);
    const points = array2d(x.data.slice(start * d, stop * d), stop - start, d);
    const samples = await sampler(points, perPoint);
    check(samples.rows === points.rows * perPoint && samples.cols === d, fn, "sampler", `returned shape [${samples.rows}, ${samples.cols}], expected [${points.rows * perPoint}, ${d}]`);
    const truth = trueMoments(points);
    check(truth.length === points.rows, fn, "trueMoments", `returned ${truth.length} laws for ${points.rows} points`);
    for (let i = 0; i < points.rows; i++) {
      const block = array2d(samples.data.subarray(i * perPoint * d, (i + 1) * perPoint * d), perPoint, d);
      const m = sampleMoments(block);
      bw[start + i] = bw2Squared(m.mean, m.covariance, truth[i].mean, truth[i].covariance);
    }
  }
  let total = 0;
  for (const v of bw) total += v;
  return { value: (100 * total) / (x.rows * targetVarianceTrace), perPoint: bw, samplesPerPoint: perPoint };
}
