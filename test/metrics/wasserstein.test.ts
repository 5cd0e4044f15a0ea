import { describe, expect, it } from "vitest";
import { SbkitInputError, SbkitNumericalError } from "../../src/core/errors.js";
import { array2d, type Array2D } from "../../src/core/array2d.js";
import { makeKey, normal, normal2d, uniform } from "../../src/core/rng.js";
import { exactOt } from "../../src/ot/exact/exactOt.js";
import { wasserstein1, wasserstein2 } from "../../src/metrics/wasserstein.js";

function column(values: Float64Array): Array2D {
  return array2d(values, values.length, 1);
}

/**
 * 1-D oracle: W_p^p = ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^p dt, by walking the merged cumulative weights of the sorted
 * supports (quantile coupling, optimal in 1-D for convex costs).
 */
function quantileCost(x: Float64Array, a: Float64Array, y: Float64Array, b: Float64Array, p: number): number {
  const ix = Array.from(x.keys()).sort((s, t) => x[s] - x[t]);
  const iy = Array.from(y.keys()).sort((s, t) => y[s] - y[t]);
  const sa = a.reduce((s, v) => s + v, 0);
  const sb = b.reduce((s, v) => s + v, 0);
  let restA = a[ix[0]] / sa;
  let restB = b[iy[0]] / sb;
  let total = 0;
  for (let s = 0, t = 0; s < ix.length && t < iy.length; ) {
    const moved = Math.min(restA, restB);
    total += moved * Math.abs(x[ix[s]] - y[iy[t]]) ** p;
    restA -= moved;
    restB -= moved;
    if (restA <= 1e-15) restA = ++s < ix.length ? a[ix[s]] / sa : 0;
    if (restB <= 1e-15) restB = ++t < iy.length ? b[iy[t]] / sb : 0;
  }
  return total;
}

/** W1 in 1-D as ∫|F − G| over the merged support. */
function cdfDistance(x: Float64Array, a: Float64Array, y: Float64Array, b: Float64Array): number {
  const sa = a.reduce((s, v) => s + v, 0);
  const sb = b.reduce((s, v) => s + v, 0);
  const events = [...Array.from(x, (v, i) => [v, a[i] / sa]), ...Array.from(y, (v, j) => [v, -b[j] / sb])].sort((p, q) => p[0] - q[0]);
  let diff = 0;
  let total = 0;
  for (let k = 0; k + 1 < events.length; k++) {
    diff += events[k][1];
    total += Math.abs(diff) * (events[k + 1][0] - events[k][0]);
  }
  return total;
}

describe("wasserstein2", () => {
  it("equals the sorted matching in 1-D for equal sizes", () => {
    const x = normal(makeKey(1), 300);
    const y = normal(makeKey(2), 300).map((v) => 2 * v + 1);
    const xs = Float64Array.from(x).sort();
    const ys = Float64Array.from(y).sort();
    let sum = 0;
    for (let i = 0; i < 300; i++) sum += (xs[i] - ys[i]) ** 2;
    expect(wasserstein2(column(x), column(y))).toBeCloseTo(Math.sqrt(sum / 300), 12);
  });

  it("equals the quantile formula in 1-D for unequal sizes and weights (network simplex)", () => {
    const x = normal(makeKey(3), 37);
    const y = normal(makeKey(4), 53).map((v) => v + 0.7);
    const a = uniform(makeKey(5), 37, 0.1, 1);
    const b = uniform(makeKey(6), 53, 0.1, 1);
    const w2 = wasserstein2(column(x), column(y), { sourceWeights: a, targetWeights: b });
    expect(w2).toBeCloseTo(Math.sqrt(quantileCost(x, a, y, b, 2)), 12);
  });

  it("is twice the ½‖x−y‖² OT cost, squared", () => {
    const x = normal2d(makeKey(7), 40, 3);
    const y = normal2d(makeKey(8), 40, 3);
    expect(wasserstein2(x, y) ** 2).toBeCloseTo(2 * exactOt(x, y).cost, 12);
  });

  it("is ‖v‖ for a translation, 0 to itself, and symmetric", () => {
    const x = normal2d(makeKey(9), 100, 2);
    const v = [0.3, -1.2];
    const y = array2d(x.data.map((value, k) => value + v[k % 2]), 100, 2);
    expect(wasserstein2(x, y)).toBeCloseTo(Math.hypot(v[0], v[1]), 12);
    expect(wasserstein2(x, x)).toBe(0);
    const z = normal2d(makeKey(10), 70, 2);
    expect(wasserstein2(x, z)).toBeCloseTo(wasserstein2(z, x), 12);
  });

  it("is attained by the Gaussian OT map and approaches the Bures–Wasserstein formula", () => {
    // N((0,0), I) → N((1,0), diag(4, 1/4)) by T(x) = μ₁ + A x with A = diag(2, 1/2) symmetric positive definite:
    // T is the gradient of a convex function, so on samples the identity coupling is optimal (cyclical
    // monotonicity) and W2(x, T(x))² = mean ‖x_i − T(x_i)‖², which tends to the Bures value
    // W2² = ‖Δμ‖² + Σ_k (σ0_k − σ1_k)² = 1 + 1 + 1/4 = 2.25.
    const n = 1000;
    const x = normal2d(makeKey(11), n, 2);
    const y = array2d(x.data.map((value, k) => (k % 2 === 0 ? 1 + 2 * value : 0.5 * value)), n, 2);
    let sum = 0;
    for (let k = 0; k < 2 * n; k++) sum += (x.data[k] - y.data[k]) ** 2;
    const w2 = wasserstein2(x, y);
    expect(w2).toBeCloseTo(Math.sqrt(sum / n), 12);
    expect(Math.abs(w2 - 1.5)).toBeLessThan(0.05);
  });

  it("throws instead of returning a non-optimal value when the pivot limit is hit", () => {
    const x = normal2d(makeKey(13), 30, 2);
    const y = normal2d(makeKey(14), 20, 2);
    expect(() => wasserstein2(x, y, { maxIterations: 2 })).toThrow(SbkitNumericalError);
    expect(() => wasserstein2(x, y, { maxIterations: 2 })).toThrow(/wasserstein2: the network simplex stopped at maxIterations/);
  });
});

describe("wasserstein1", () => {
  it("equals ∫|F − G| in 1-D, with and without weights", () => {
    const x = normal(makeKey(15), 200);
    const y = uniform(makeKey(16), 200, -1, 2);
    const ones = (n: number) => new Float64Array(n).fill(1);
    expect(wasserstein1(column(x), column(y))).toBeCloseTo(cdfDistance(x, ones(200), y, ones(200)), 12);
    const a = uniform(makeKey(17), 200, 0, 1);
    const yShort = y.subarray(0, 61);
    const b = uniform(makeKey(18), 61, 0, 1);
    const w1 = wasserstein1(column(x), column(yShort), { sourceWeights: a, targetWeights: b });
    expect(w1).toBeCloseTo(cdfDistance(x, a, yShort, b), 12);
    expect(w1).toBeCloseTo(quantileCost(x, a, yShort, b, 1), 12);
  });

  it("is ‖v‖ for a translation and bounded by W2", () => {
    const x = normal2d(makeKey(19), 80, 2);
    const y = array2d(x.data.map((value, k) => value + (k % 2 === 0 ? 3 : 4)), 80, 2);
    expect(wasserstein1(x, y)).toBeCloseTo(5, 12);
    const z = normal2d(makeKey(20), 60, 2);
    expect(wasserstein1(x, z)).toBeLessThanOrEqual(wasserstein2(x, z) + 1e-12);
  });

  it("rejects bad input with errors naming the metric", () => {
    const x = [[0, 0], [1, 1]];
    expect(() => wasserstein1([], x)).toThrow(SbkitInputError);
    expect(() => wasserstein1([], x)).toThrow(/wasserstein1: source must not be empty/);
    expect(() => wasserstein2(x, [[1]])).toThrow(/wasserstein2: target has dimension 1, but source has dimension 2/);
    expect(() => wasserstein2(x, x, { sourceWeights: [-1, 2] })).toThrow(/wasserstein2: sourceWeights must be non-negative/);
    expect(() => wasserstein1(x, [[NaN, 0]])).toThrow(/wasserstein1: target has a non-finite value NaN/);
  });
});
