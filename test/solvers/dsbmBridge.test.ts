/**
 * Bridge-matching batches (src/solvers/dsbmBridge.ts): the Brownian-bridge points and drift targets against the
 * closed form of the bridge (mean and variance of x_t given the pair, recomputed here from the drawn t), and the loss
 * weightings: `"linear"` changes only the weights (1 − t forward, t backward), never the points or the targets.
 */
import { describe, expect, it } from "vitest";
import { array2d } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { bridgeMatchingBatch, bridgeMatchingWeight, DSBM_TIME_MARGIN } from "../../src/solvers/dsbmBridge.js";

describe("bridge-matching batches", () => {
  it("draw x_t from the Brownian bridge of each pair, with the pinned-end drift targets, under either weighting", () => {
    const b = 20000;
    const sigma = 0.7;
    // every pair is (x0, x1) = (0, 1) in one coordinate: x_t ~ N(t, σ²t(1 − t))
    const x0 = array2d(new Float64Array(b), b, 1);
    const x1 = array2d(new Float64Array(b).fill(1), b, 1);
    const uniform = bridgeMatchingBatch("forward", x0, x1, sigma, makeKey(3));
    const linear = bridgeMatchingBatch("forward", x0, x1, sigma, makeKey(3), "linear");
    const backward = bridgeMatchingBatch("backward", x0, x1, sigma, makeKey(3), "linear");
    expect(linear.x.data).toEqual(uniform.x.data);
    expect(linear.target.data).toEqual(uniform.target.data);
    expect(uniform.weight).toBeUndefined(); // the trainer's default: every row weighs 1
    let z2 = 0;
    for (let i = 0; i < b; i++) {
      const t = uniform.t[i];
      expect(t).toBeGreaterThanOrEqual(DSBM_TIME_MARGIN);
      expect(t).toBeLessThanOrEqual(1 - DSBM_TIME_MARGIN);
      const xt = uniform.x.data[i];
      z2 += (xt - t) ** 2 / (sigma * sigma * t * (1 - t));
      expect(uniform.target.data[i]).toBeCloseTo((1 - xt) / (1 - t), 9);
      expect(backward.target.data[i]).toBeCloseTo((0 - xt) / t, 9);
      expect((linear.weight as Float64Array)[i]).toBeCloseTo(1 - t, 15);
      expect((backward.weight as Float64Array)[i]).toBeCloseTo(t, 15);
    }
    // standardized bridge noise has unit variance (≈ 1 ± 3·√(2/b))
    expect(Math.abs(z2 / b - 1)).toBeLessThan(0.03);
    expect(bridgeMatchingWeight("forward", 0.25, "linear")).toBe(0.75);
    expect(bridgeMatchingWeight("backward", 0.25, "uniform")).toBe(1);
  });
});
