import { describe, expect, it } from "vitest";
import { covariance, columnMeans } from "../../src/core/array2d.js";
import { diag, matmul } from "../../src/core/linalg.js";
import { makeKey } from "../../src/core/rng.js";
import { buresMapMatrix, buresOtMap, buresWassersteinSquared } from "../../src/gaussian/bures.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { expectAllClose, randomSpd } from "./asserts.js";

describe("Bures–Wasserstein", () => {
  it("has the scalar closed form W2² = (m0−m1)² + (s0−s1)² and the diagonal one for commuting covariances", () => {
    expect(buresWassersteinSquared({ mean: [1], covariance: [[4]] }, { mean: [-1], covariance: [[9]] })).toBeCloseTo(4 + 1, 12);
    const w = buresWassersteinSquared({ mean: [0, 0], covariance: diag([1, 4]) }, { mean: [0, 0], covariance: diag([9, 1]) });
    expect(w).toBeCloseTo((1 - 3) ** 2 + (2 - 1) ** 2, 12);
    const g = { mean: [1, 2, 3], covariance: randomSpd(4, 3) };
    expect(buresWassersteinSquared(g, g)).toBeLessThan(1e-12);
  });

  it("gives a symmetric PD map that pushes Σ0 to Σ1 (A Σ0 A = Σ1)", () => {
    const s0 = randomSpd(1, 4);
    const s1 = randomSpd(2, 4, 0.2);
    const a = buresMapMatrix(s0, s1);
    expectAllClose(matmul(matmul(a, s0), a), s1, 1e-10);
  });

  it("maps samples of the source onto the target law and its cost equals W2²", () => {
    const source = { mean: [0.5, -1], covariance: randomSpd(3, 2) };
    const target = { mean: [2, 0], covariance: randomSpd(5, 2, 0.1) };
    const x = sampleGaussianLaw(makeKey(2), source, 50_000);
    const y = buresOtMap(source, target, x);
    const m = columnMeans(y);
    expect(Math.abs(m[0] - 2)).toBeLessThan(0.03);
    expect(Math.abs(m[1])).toBeLessThan(0.03);
    expectAllClose(covariance(y), target.covariance, 0.03);
    let cost = 0;
    for (let k = 0; k < x.data.length; k++) cost += (x.data[k] - y.data[k]) ** 2;
    cost /= x.rows;
    expect(cost).toBeCloseTo(buresWassersteinSquared(source, target), 1);
  });

  it("rejects mismatched dimensions and indefinite covariances", () => {
    expect(() => buresWassersteinSquared({ mean: [0], covariance: [[1]] }, { mean: [0, 0], covariance: diag([1, 1]) })).toThrow(/must have dimension 1/);
    expect(() => buresMapMatrix([[1, 2], [2, 1]], diag([1, 1]))).toThrow(/positive definite/);
  });
});
