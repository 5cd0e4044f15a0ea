/**
 * How far the end points of simulated paths are from the data they should reach — the marginal mismatch that
 * IPF (DSB; De Bortoli et al. 2021, §3) shrinks over iterations and that IMF (DSBM; Shi et al. 2023, §4) keeps
 * small while it moves the coupling towards the Schrödinger bridge.
 *
 * - `meanError = ‖m̂ − m‖` and `covarianceError = ‖Ĉ − C‖_F / ‖C‖_F` (first two moments, all rows);
 * - `sinkhornDivergence = S_ε(samples, data)` (Feydy et al. 2019) at the problem's own ε = σ² on at most
 *   `subsample` rows of each (drawn without replacement), a distribution-level statistic that also sees what the
 *   moments miss (modes, shape). On finite subsamples it is biased upwards (of order ε·d/subsample for smooth
 *   laws), so compare values within one fit rather than against 0.
 */
import { columnMeans, covariance, type Array2D } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { frobeniusNorm, sub } from "../core/linalg.js";
import { permutation, split, type Key } from "../core/rng.js";
import { sinkhornDivergence } from "../ot/divergence.js";
import { gatherRows } from "./coupling.js";

/** Mismatch of simulated end points against data (see the module notes). */
export interface MarginalMismatch {
  /** `‖m̂ − m‖` between the end points' mean and the data mean. */
  readonly meanError: number;
  /** `‖Ĉ − C‖_F / ‖C‖_F` between the end points' covariance and the data covariance. */
  readonly covarianceError: number;
  /** Debiased Sinkhorn divergence `S_ε` (ε = σ², cost ½‖x − y‖²) between subsamples of the two. */
  readonly sinkhornDivergence: number;
}

/** Rows kept by default for the Sinkhorn divergence. */
export const MISMATCH_SUBSAMPLE = 512;

function subsampleRows(x: Array2D, count: number, key: Key): Array2D {
  if (x.rows <= count) return x;
  return gatherRows(x, permutation(key, x.rows).subarray(0, count));
}

/**
 * The {@link MarginalMismatch} of `samples` `[n, d]` against `data` `[m, d]` (n, m ≥ 2), with `ε = epsilon` for the
 * Sinkhorn divergence on at most `subsample` rows of each drawn by `key`.
 */
export function marginalMismatch(samples: Array2D, data: Array2D, epsilon: number, key: Key, subsample = MISMATCH_SUBSAMPLE): MarginalMismatch {
  const fn = "marginalMismatch";
  check(samples.rows >= 2 && data.rows >= 2, fn, "samples", `and data need at least 2 rows each (got ${samples.rows} and ${data.rows})`);
  check(samples.cols === data.cols, fn, "samples", `has ${samples.cols} columns, data has ${data.cols}`);
  checkPositive(epsilon, fn, "epsilon");
  checkInteger(subsample, fn, "subsample", 2);
  const m1 = columnMeans(samples);
  const m0 = columnMeans(data);
  let s = 0;
  for (let k = 0; k < m0.length; k++) s += (m1[k] - m0[k]) ** 2;
  const c0 = covariance(data);
  const scale = frobeniusNorm(c0);
  const [ka, kb] = split(key, 2);
  const divergence = sinkhornDivergence(subsampleRows(samples, subsample, ka), subsampleRows(data, subsample, kb), { epsilon, tolerance: 1e-4 });
  return {
    meanError: Math.sqrt(s),
    covarianceError: frobeniusNorm(sub(covariance(samples), c0)) / (scale > 0 ? scale : 1),
    sinkhornDivergence: divergence.value,
  };
}

/** Mean transport cost `½ mean_i ‖x1_i − x0_i‖²` of paired rows `x0`, `x1` (`[n, d]`). */
export function meanTransportCost(x0: Array2D, x1: Array2D): number {
  check(x0.rows === x1.rows && x0.cols === x1.cols, "meanTransportCost", "x1", `has shape [${x1.rows}, ${x1.cols}], x0 has [${x0.rows}, ${x0.cols}]`);
  let s = 0;
  for (let k = 0; k < x0.data.length; k++) s += (x1.data[k] - x0.data[k]) ** 2;
  return (0.5 * s) / Math.max(1, x0.rows);
}
