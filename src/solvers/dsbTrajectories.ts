/**
 * The simulated trajectories of one DSB stage and their mean-matching targets (De Bortoli, Thornton, Heng &
 * Doucet, NeurIPS 2021, "Diffusion Schrödinger Bridge with Applications to Score-Based Generative Modeling",
 * §3.2 and Alg. 1), for the reference `dX = σ dW` on the uniform grid `t_k = k γ`, γ = 1/N (the step sizes γ_k of
 * the paper, here all equal and summing to 1; each step adds noise of variance σ²γ).
 *
 * Networks predict drifts, and the paper's mean functions are `F(k, x) = x + γ f(t_k, x)` (forward step
 * `X_{k+1} = F(k, X_k) + σ√γ Z`) and `B(k+1, x) = x + γ b(t_{k+1}, x)` (backward step
 * `X_k = B(k+1, X_{k+1}) + σ√γ Z`, b in reverse time as in bridgeModel.ts). The mean-matching losses of Alg. 1,
 * `‖B(k+1, X_{k+1}) − [X_{k+1} + F(k, X_k) − F(k, X_{k+1})]‖²` on forward paths and the mirror loss for F on
 * backward paths, divided by γ², become
 *
 * - on forward paths (from the source, drift f; f ≡ 0 for the first stage, which is then score-based generative
 *   modeling on [0, 1]): `b(t_{k+1}, X_{k+1}) ≈ (X_k − X_{k+1})/γ + f(t_k, X_k) − f(t_k, X_{k+1})`;
 * - on backward paths (from the target, drift b): `f(t_k, X_k) ≈ (X_{k+1} − X_k)/γ + b(t_{k+1}, X_{k+1}) −
 *   b(t_{k+1}, X_k)`.
 *
 * Their least-squares minimizers are the drifts of the time reversal of the simulated chain (exactly when its
 * reversed transitions are Gaussian with variance σ²γ, which holds as γ → 0). The model built from them samples
 * exactly the chains of the fit when simulated on the same grid (`BridgeModel.sample` with N steps: Euler–Maruyama
 * evaluates f at t_k going forward and b at t_{k+1} going backward).
 */
import { array2d, type Array2D } from "../core/array2d.js";
import { foldIn, normal2d, uniform, type Key } from "../core/rng.js";
import type { RegressionBatch } from "../nn/regressionTrainer.js";
import { SbkitNumericalError } from "../core/errors.js";
import type { VectorField } from "../sde/types.js";
import { meanTransportCost } from "./ipfDiagnostics.js";
import type { DriftName, Simulation } from "./ipfStages.js";

/** Cached regression data of one stage: `N·M` rows (grid time, state, mean-matching target). */
export interface MeanMatchingCache {
  readonly x: Array2D;
  readonly t: Float64Array;
  readonly target: Array2D;
  /** End points of the paths and the transport cost of the coupling they define. */
  readonly simulation: Simulation;
}

/**
 * Simulates the paths of `direction` from `start` (`[M, d]`: source rows going forward, target rows going back)
 * with drift `drift` (undefined: the reference, f ≡ 0) on N = `timeSteps` steps, and, when `withTargets`, the
 * mean-matching targets of the other network at every step (see the module notes). Noise of step k (counted in
 * simulation order) comes from `foldIn(key, k)`.
 */
export function simulateMeanMatching(direction: DriftName, drift: VectorField | undefined, sigma: number, start: Array2D, timeSteps: number, key: Key, withTargets = true): MeanMatchingCache {
  const n = start.rows;
  const d = start.cols;
  const N = timeSteps;
  const gamma = 1 / N;
  const noise = sigma * Math.sqrt(gamma);
  const rows = withTargets ? N * n : 0;
  const xs = new Float64Array(rows * d);
  const ts = new Float64Array(rows);
  const targets = new Float64Array(rows * d);
  const zero = new Float64Array(n * d);
  const evaluate = (t: number, x: Array2D): Float64Array => (drift === undefined ? zero : drift(t, x).data);
  let x = start;
  for (let j = 0; j < N; j++) {
    // forward: from t_j to t_{j+1}, drift at t_j; backward: from t_{N−j} to t_{N−j−1}, drift at t_{N−j}
    const tDrift = direction === "forward" ? j * gamma : (N - j) * gamma;
    const tNext = direction === "forward" ? (j + 1) * gamma : (N - j - 1) * gamma;
    const z = normal2d(foldIn(key, j), n, d);
    const a = evaluate(tDrift, x);
    const next = new Float64Array(n * d);
    for (let i = 0; i < next.length; i++) next[i] = x.data[i] + gamma * a[i] + noise * z.data[i];
    for (let i = 0; i < next.length; i++) {
      if (!Number.isFinite(next[i])) throw new SbkitNumericalError("simulateMeanMatching", `the ${direction} simulation became non-finite at t=${tNext}; lower the learning rate or raise timeSteps`);
    }
    const y = array2d(next, n, d);
    if (withTargets) {
      const c = evaluate(tDrift, y);
      const o = j * n * d;
      // target of the other network at (tNext, y): (x − y)/γ + a(x) − a(y)
      for (let i = 0; i < next.length; i++) {
        xs[o + i] = next[i];
        targets[o + i] = (x.data[i] - next[i]) / gamma + a[i] - c[i];
      }
      ts.fill(tNext, j * n, (j + 1) * n);
    }
    x = y;
  }
  const transportCost = direction === "forward" ? meanTransportCost(start, x) : meanTransportCost(x, start);
  return { x: array2d(xs, rows, d), t: ts, target: array2d(targets, rows, d), simulation: { endpoints: x, side: direction === "forward" ? "target" : "source", transportCost } };
}

/** B rows of `cache` drawn uniformly with replacement by `key`. */
export function drawMeanMatchingBatch(cache: MeanMatchingCache, key: Key, batchSize: number): RegressionBatch {
  const u = uniform(key, batchSize);
  const total = cache.t.length;
  const d = cache.x.cols;
  const x = new Float64Array(batchSize * d);
  const target = new Float64Array(batchSize * d);
  const t = new Float64Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    const r = Math.min(total - 1, Math.floor(u[i] * total));
    x.set(cache.x.data.subarray(r * d, r * d + d), i * d);
    target.set(cache.target.data.subarray(r * d, r * d + d), i * d);
    t[i] = cache.t[r];
  }
  return { x: array2d(x, batchSize, d), t, target: array2d(target, batchSize, d) };
}
