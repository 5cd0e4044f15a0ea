import { describe, expect, it } from "vitest";
import { makeKey, normal2d, split, uniform } from "../../src/core/rng.js";
import { otProblem } from "../../src/ot/problem.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";

function cloud(seed: number, n: number, d: number, shift = 0) {
  const x = normal2d(makeKey(seed), n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] += shift;
  return x;
}

describe("sinkhorn", () => {
  it("matches both marginals to the tolerance", () => {
    const x = cloud(1, 300, 2);
    const y = cloud(2, 200, 2, 1);
    const [ka, kb] = split(makeKey(3));
    const a = uniform(ka, 300, 0.1, 1);
    const b = uniform(kb, 200, 0.1, 1);
    const res = sinkhorn(otProblem(x, y, { epsilon: 0.1, sourceWeights: a, targetWeights: b }), { tolerance: 1e-8 });
    expect(res.converged).toBe(true);
    expect(res.marginalError).toBeLessThan(1e-8);
    expect(res.errors.at(-1)).toBeLessThan(1e-8);
    expect(Math.abs(res.regularizedCost - res.dualValue)).toBeLessThan(1e-7);
  });
});
