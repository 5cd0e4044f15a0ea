/**
 * The two projections of Iterative Markovian Fitting (Shi, De Bortoli, Campbell & Doucet 2023, "Diffusion
 * Schrödinger Bridge Matching", §3–4) for the reference `dX = σ dW`:
 *
 * - Markovian projection by bridge matching: for pairs (x0, x1) of the current coupling, the Brownian bridge
 *   `x_t = (1 − t) x0 + t x1 + σ√(t(1 − t)) z` and the regression targets
 *   `(x1 − x_t)/(1 − t)` for the forward drift f(t, x_t)   (the drift of the bridge pinned at x1) and
 *   `(x0 − x_t)/t`       for the backward drift b(t, x_t)  (in reverse time: the bridge pinned at x0);
 *   their least-squares minimizers are E[target | x_t], the drifts of the Markovian projection.
 * - Reciprocal projection: a new coupling from simulating the learned SDE (forward from source rows, or backward
 *   from target rows; Euler–Maruyama, conventions of bridgeModel.ts), whose bridges are again Brownian.
 *
 * t is drawn from `U[δ, 1 − δ]` with δ = {@link DSBM_TIME_MARGIN}: the targets' noise `σ√(t/(1 − t)) z` (forward) and
 * `σ√((1 − t)/t) z` (backward) has infinite mean square on all of [0, 1] and finite (≈ σ²(ln(1/δ) − 1) per
 * coordinate) on this interval; an Euler–Maruyama grid of N < 1/δ steps never evaluates a drift closer to the end.
 *
 * Loss weights ({@link BridgeLossWeighting}): `"uniform"` (w = 1, the paper's loss) or `"linear"`: `w = 1 − t` for
 * the forward drift, `w = t` for the backward one. For each t the weighted least squares `E[w(t)‖f(t, x_t) −
 * target‖²]` has the same minimizer E[target | x_t], but the weighted noise `w²·σ²t/(1 − t) = σ²t(1 − t)` is bounded
 * on [0, 1], where unweighted it grows like 1/(1 − t): the few draws near the pinned end no longer dominate the
 * gradient. Measured (cBW2-UVP, EOT benchmark pair d = 16, ε = 1, one IMF iteration from the minibatch Sinkhorn
 * coupling, 1500 steps per stage, 50 test points × 500 samples, floor 0.36): uniform 1.86 / 1.46, linear 0.87 / 0.78
 * (fit seeds 0 / 1). But on the d = 5 Gaussian test with 300 steps per stage the linear weights de-emphasize the
 * stiff end of the drift that a short fit has not learned yet: plan cross-covariance error 5.5% (uniform), 7.8%
 * (w = √(1 − t)), 14.2% (linear). Hence uniform stays the default and linear is the choice for long fits.
 */
import { array2d, type Array2D } from "../core/array2d.js";
import { normal2d, split, uniform, type Key } from "../core/rng.js";
import type { TimeNetwork } from "../nn/network.js";
import type { RegressionBatch } from "../nn/regressionTrainer.js";
import { integrateSde } from "../sde/integrate.js";
import type { VectorField } from "../sde/types.js";
import type { DriftName } from "./ipfStages.js";

/** The margin δ of the bridge-matching times `t ~ U[δ, 1 − δ]`. */
export const DSBM_TIME_MARGIN = 1e-3;

/** Loss weighting of bridge matching over t (module notes): `"uniform"` (w = 1) or `"linear"` (w = 1 − t / t). */
export type BridgeLossWeighting = "uniform" | "linear";

/** The accepted {@link BridgeLossWeighting} names. */
export const BRIDGE_LOSS_WEIGHTINGS: readonly BridgeLossWeighting[] = ["uniform", "linear"];

/**
 * The loss weight of a bridge-matching row at time t: 1 (`"uniform"`), or (`"linear"`) `1 − t` for the forward drift
 * (target `(x1 − x_t)/(1 − t)`) and `t` for the backward drift (target `(x0 − x_t)/t`).
 */
export function bridgeMatchingWeight(name: DriftName, t: number, weighting: BridgeLossWeighting): number {
  if (weighting === "uniform") return 1;
  return name === "forward" ? 1 - t : t;
}

/**
 * The bridge-matching batch of network `name` on coupled rows `x0`, `x1` (`[B, d]`): Brownian-bridge points, the
 * drift targets and the loss weights of the module notes (none for `"uniform"`: every row weighs 1).
 */
export function bridgeMatchingBatch(name: DriftName, x0: Array2D, x1: Array2D, sigma: number, key: Key, weighting: BridgeLossWeighting = "uniform"): RegressionBatch {
  const [kt, kz] = split(key, 2);
  const b = x0.rows;
  const d = x0.cols;
  const t = uniform(kt, b, DSBM_TIME_MARGIN, 1 - DSBM_TIME_MARGIN);
  const z = normal2d(kz, b, d);
  const x = new Float64Array(b * d);
  const target = new Float64Array(b * d);
  // uniform: no weights (the trainer's default, all 1)
  const weight = weighting === "uniform" ? undefined : new Float64Array(b);
  for (let i = 0; i < b; i++) {
    const ti = t[i];
    if (weight !== undefined) weight[i] = bridgeMatchingWeight(name, ti, weighting);
    const sd = sigma * Math.sqrt(ti * (1 - ti));
    for (let j = 0; j < d; j++) {
      const o = i * d + j;
      const xt = (1 - ti) * x0.data[o] + ti * x1.data[o] + sd * z.data[o];
      x[o] = xt;
      target[o] = name === "forward" ? (x1.data[o] - xt) / (1 - ti) : (x0.data[o] - xt) / ti;
    }
  }
  return { x: array2d(x, b, d), t, target: array2d(target, b, d), weight };
}

/** The drift field of a network: `(t, x) ↦ sign · net(x, t)`. */
export function networkField(net: TimeNetwork, sign = 1): VectorField {
  return (t, x) => {
    const y = net.predict(x, t);
    if (sign !== 1) for (let k = 0; k < y.data.length; k++) y.data[k] *= sign;
    return y;
  };
}

/**
 * End points of the learned SDE of network `name` started at `start` (`[n, d]`): forward `dX = f dt + σ dW` from
 * t = 0 to 1, or backward (reverse-time drift b) from t = 1 to 0, with `steps` Euler–Maruyama steps.
 */
export function simulateDrift(name: DriftName, net: TimeNetwork, sigma: number, start: Array2D, steps: number, key: Key): Array2D {
  const [t0, t1] = name === "forward" ? [0, 1] : [1, 0];
  const drift = networkField(net, name === "forward" ? 1 : -1);
  return integrateSde({ drift, diffusion: () => sigma }, start, key, { steps, t0, t1 }).final;
}
