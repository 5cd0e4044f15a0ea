/**
 * Conditional bridges of a {@link LinearReference} pinned at `X_0 = x0` and `X_1 = x1` (Gaussian bridges; the
 * conditional paths of De Bortoli et al. 2021, Shi et al. 2023 and TorchCFM). With `a`, `v` the transition factors:
 *
 * - mean `m_t = a(0,t) x0 + [a(t,1) v(0,t)/v(0,1)] (x1 − a(0,1) x0)`, variance `v(0,t) v(t,1)/v(0,1)` per coordinate;
 * - drift toward the endpoint (Doob h-transform with `h(t,x) = N(x1; a(t,1)x, v(t,1)I)`):
 *   `b(t,x) = −λ(t) x + g(t)² a(t,1) (x1 − a(t,1) x)/v(t,1)`, defined for `t < 1`.
 *
 * For `dX = σ dW` this is the Brownian bridge `X_t = (1−t)x0 + t x1 + σ√(t(1−t)) Z` with drift `(x1 − x)/(1−t)`.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { normal2d, type Key } from "../core/rng.js";
import { brownianReference, ornsteinUhlenbeckReference, type LinearReference } from "./reference.js";
import { checkTimeBeforeOne, checkUnitTime } from "./time.js";

function points(x: Array2DLike, fn: string, argument: string): Array2D {
  const p = toArray2D(x, fn, argument);
  checkAllFinite(p.data, fn, argument, p.cols);
  return p;
}

function samePoints(x0: Array2DLike, x1: Array2DLike, fn: string): [Array2D, Array2D] {
  const a = points(x0, fn, "x0");
  const b = points(x1, fn, "x1");
  check(a.rows === b.rows && a.cols === b.cols, fn, "x1", `has shape [${b.rows}, ${b.cols}], expected [${a.rows}, ${a.cols}] like x0`);
  return [a, b];
}

/** A Gaussian bridge of a linear reference between `(0, x0)` and `(1, x1)`: mean, std, sampling, drift. */
export class ReferenceBridge {
  readonly reference: LinearReference;

  constructor(reference: LinearReference) {
    this.reference = reference;
  }

  /** Bridge mean `m_t` for each pair of rows of `x0`, `x1` (`[n, d]`). */
  mean(t: number, x0: Array2DLike, x1: Array2DLike): Array2D {
    checkUnitTime(t, "ReferenceBridge.mean");
    const [a, b] = samePoints(x0, x1, "ReferenceBridge.mean");
    const r = this.reference;
    const a0t = r.transitionScale(0, t);
    const a01 = r.transitionScale(0, 1);
    const w = (r.transitionScale(t, 1) * r.transitionVariance(0, t)) / r.transitionVariance(0, 1);
    const out = new Float64Array(a.data.length);
    for (let k = 0; k < out.length; k++) out[k] = a0t * a.data[k] + w * (b.data[k] - a01 * a.data[k]);
    return { data: out, rows: a.rows, cols: a.cols };
  }

  /** Per-coordinate standard deviation `√(v(0,t) v(t,1)/v(0,1))` (0 at both ends). */
  std(t: number): number {
    checkUnitTime(t, "ReferenceBridge.std");
    const r = this.reference;
    return Math.sqrt((r.transitionVariance(0, t) * r.transitionVariance(t, 1)) / r.transitionVariance(0, 1));
  }

  /** One draw `X_t = m_t + std(t) Z` per pair of rows. */
  sample(key: Key, t: number, x0: Array2DLike, x1: Array2DLike): Array2D {
    const m = this.mean(t, x0, x1);
    const sd = this.std(t);
    const z = normal2d(key, m.rows, m.cols);
    const out = new Float64Array(m.data.length);
    for (let k = 0; k < out.length; k++) out[k] = m.data[k] + sd * z.data[k];
    return { data: out, rows: m.rows, cols: m.cols };
  }

  /** Drift toward the endpoint `b(t,x) = −λ(t)x + g(t)² a(t,1)(x1 − a(t,1)x)/v(t,1)`, for `t ∈ [0, 1)`. */
  drift(t: number, x: Array2DLike, x1: Array2DLike): Array2D {
    checkTimeBeforeOne(t, "ReferenceBridge.drift");
    const [p, target] = samePoints(x, x1, "ReferenceBridge.drift");
    const r = this.reference;
    const lambda = r.decay(t);
    const g2 = r.diffusion(t) ** 2;
    const at1 = r.transitionScale(t, 1);
    const k = (g2 * at1) / r.transitionVariance(t, 1);
    const out = new Float64Array(p.data.length);
    for (let i = 0; i < out.length; i++) out[i] = -lambda * p.data[i] + k * (target.data[i] - at1 * p.data[i]);
    return { data: out, rows: p.rows, cols: p.cols };
  }
}

/** The Brownian bridge of `dX = σ dW`: mean `(1−t)x0 + t x1`, std `σ√(t(1−t))`, drift `(x1 − x)/(1−t)`. */
export function brownianBridge(sigma: number): ReferenceBridge {
  return new ReferenceBridge(brownianReference(sigma));
}

/** The Ornstein–Uhlenbeck bridge of `dX = −θX dt + σ dW` pinned at `x0` and `x1`. */
export function ornsteinUhlenbeckBridge(theta: number, sigma: number): ReferenceBridge {
  return new ReferenceBridge(ornsteinUhlenbeckReference(theta, sigma));
}
