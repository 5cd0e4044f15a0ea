/**
 * The simulated trajectories of one SB-FBSDE stage (Chen, Liu & Theodorou, ICLR 2022, Alg. 1 "alternate
 * training"): M Euler–Maruyama paths of the current (frozen) SDE on the uniform grid `t_n = n/N`, cached with
 * the drift network's values along them, from which every optimizer step of the stage draws its minibatch.
 *
 * Drift conventions are those of two-drift models (bridgeModel.ts): `f` is a forward-time drift, `b` a
 * reverse-time drift (a step from t to t − Δ is `X + b(t, X)Δ + σ√Δ Z`).
 * - `forward` paths: `dX = f(t, X) dt + σ dW` from source rows, t: 0 → 1. They train `b`, which sampling uses at
 *   `t_1, …, t_N` (a step from `t_n` evaluates `b(t_n, ·)`), so the cache holds `(t_n, X_{t_n}, f(t_n, X_{t_n}))`
 *   for n = 1..N.
 * - `backward` paths: the reverse-time SDE with drift `b` from target rows, t: 1 → 0. They train `f`, used at
 *   `t_0, …, t_{N−1}`, so the cache holds `(t_n, X_{t_n}, b(t_n, X_{t_n}))` for n = 0..N−1.
 *
 * Each cache also reports how far its end points are from the data they should reach (the marginal mismatch
 * that alternating training shrinks, as in IPF).
 */
import { array2d, columnMeans, covariance, type Array2D } from "../core/array2d.js";
import { frobeniusNorm, sub } from "../core/linalg.js";
import { foldIn, split, uniform, type Key } from "../core/rng.js";
import { integrateSde } from "../sde/integrate.js";
import type { VectorField } from "../sde/types.js";
import { sampleRows } from "./fitSettings.js";

/** Direction of the simulated paths. */
export type FbsdeDirection = "forward" | "backward";

/** States, times and generating drift of one stage's paths, flattened as `[N·M, d]` / `[N·M]`. */
export interface TrajectoryCache {
  readonly direction: FbsdeDirection;
  /** States `X_{t_n}` of every path at every cached grid time. */
  readonly states: Array2D;
  /** The time of each row of `states`. */
  readonly times: Float64Array;
  /** The drift network that generated the paths (f forward, b backward, as in the module notes) at each row. */
  readonly drifts: Array2D;
  /** End points of the paths (at t = 1 for forward, t = 0 for backward), `[M, d]`. */
  readonly endpoints: Array2D;
}

/** How far simulated end points are from the data they should match (first two moments). */
export interface MarginalMismatch {
  /** `‖m̂ − m‖` between the end points' mean and the data mean. */
  readonly meanError: number;
  /** `‖Ĉ − C‖_F / ‖C‖_F` between the end points' covariance and the data covariance. */
  readonly covarianceError: number;
}

/**
 * Simulates M paths (`start` rows drawn with replacement by `key`) with `timeSteps` Euler–Maruyama steps:
 * forward, `dX = drift dt + σ dW` from t = 0 to 1, or backward with the reverse-time drift, `X ← X + drift·Δ + σ√Δ Z`
 * from t = 1 to 0; caches the states with the drift's values.
 */
export function simulateTrajectories(direction: FbsdeDirection, drift: VectorField, sigma: number, start: Array2D, paths: number, timeSteps: number, key: Key): TrajectoryCache {
  const [kStart, kNoise] = split(key, 2);
  const x0 = sampleRows(start, kStart, paths);
  const d = x0.cols;
  const recorded: Array2D[] = [];
  // integrateSde steps X + v·Δt with Δt < 0 on a backward grid, so a reverse-time drift enters as v = −drift.
  const recording: VectorField = (t, x) => {
    const v = drift(t, x);
    recorded.push(v);
    if (direction === "forward") return v;
    const out = new Float64Array(v.data.length);
    for (let k = 0; k < out.length; k++) out[k] = -v.data[k];
    return array2d(out, v.rows, v.cols);
  };
  const [t0, t1] = direction === "forward" ? [0, 1] : [1, 0];
  const run = integrateSde({ drift: recording, diffusion: () => sigma }, x0, kNoise, { steps: timeSteps, t0, t1, saveEvery: 1 });
  // states[n] is at grid[n]; recorded[n] = drift(grid[n], states[n]) for n < N. Forward keeps n = 1..N (one more
  // drift evaluation at the end point), backward keeps n = 0..N−1.
  const keep = direction === "forward" ? [1, timeSteps] : [0, timeSteps - 1];
  if (direction === "forward") recorded.push(drift(run.grid[timeSteps], run.states[timeSteps]));
  const count = keep[1] - keep[0] + 1;
  const states = new Float64Array(count * paths * d);
  const drifts = new Float64Array(count * paths * d);
  const times = new Float64Array(count * paths);
  for (let n = keep[0]; n <= keep[1]; n++) {
    const r = (n - keep[0]) * paths;
    states.set(run.states[n].data, r * d);
    drifts.set(recorded[n].data, r * d);
    times.fill(run.grid[n], r, r + paths);
  }
  return { direction, states: array2d(states, count * paths, d), times, drifts: array2d(drifts, count * paths, d), endpoints: run.final };
}

/** B rows of the cache drawn uniformly with replacement: points, their times and the generating drift. */
export function drawFromCache(cache: TrajectoryCache, key: Key, batchSize: number): { x: Array2D; t: Float64Array; drift: Array2D } {
  const u = uniform(key, batchSize);
  const total = cache.times.length;
  const d = cache.states.cols;
  const x = new Float64Array(batchSize * d);
  const g = new Float64Array(batchSize * d);
  const t = new Float64Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    const r = Math.min(total - 1, Math.floor(u[i] * total));
    x.set(cache.states.data.subarray(r * d, r * d + d), i * d);
    g.set(cache.drifts.data.subarray(r * d, r * d + d), i * d);
    t[i] = cache.times[r];
  }
  return { x: array2d(x, batchSize, d), t, drift: array2d(g, batchSize, d) };
}

/** Mean and covariance mismatch of `endpoints` against `data` (both `[·, d]`, at least 2 rows each). */
export function marginalMismatch(endpoints: Array2D, data: Array2D): MarginalMismatch {
  const m1 = columnMeans(endpoints);
  const m0 = columnMeans(data);
  let s = 0;
  for (let k = 0; k < m0.length; k++) s += (m1[k] - m0[k]) ** 2;
  const c0 = covariance(data);
  const scale = frobeniusNorm(c0);
  return { meanError: Math.sqrt(s), covarianceError: frobeniusNorm(sub(covariance(endpoints), c0)) / (scale > 0 ? scale : 1) };
}

/** The key of stage `s`'s paths. */
export function stageKey(root: Key, stage: number): Key {
  return foldIn(root, stage);
}
