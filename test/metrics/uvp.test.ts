import { describe, expect, it } from "vitest";
import { array2d, type Array2D } from "../../src/core/array2d.js";
import { SbkitInputError } from "../../src/core/errors.js";
import { diag, symmetricEigen } from "../../src/core/linalg.js";
import { foldIn, makeKey } from "../../src/core/rng.js";
import { sampleGaussian } from "../../src/data/gaussian.js";
import { eotBenchmarkPair } from "../../src/data/eotBenchmark/pairs.js";
import { buresWassersteinSquared } from "../../src/gaussian/bures.js";
import { bw2, bw2Squared } from "../../src/metrics/bw2.js";
import { symmetricEigenvalues } from "../../src/metrics/symmetricEigenvalues.js";
import { bw2Uvp, cbw2Uvp } from "../../src/metrics/uvp.js";
import { randomSpd } from "../gaussian/asserts.js";

describe("symmetricEigenvalues", () => {
  it("matches the full eigendecomposition of ml-matrix, reading only the lower triangle", () => {
    for (const d of [1, 2, 3, 7, 40]) {
      const a = randomSpd(100 + d, d, -0.3); // indefinite in general
      const lowerOnly = Float64Array.from(a.data);
      for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) lowerOnly[i * d + j] = 1e9; // garbage above
      const mine = symmetricEigenvalues(lowerOnly, d);
      const ref = symmetricEigen(a).values;
      for (let k = 0; k < d; k++) expect(Math.abs(mine[k] - ref[k])).toBeLessThan(1e-11 * Math.max(1, Math.abs(ref[d - 1])));
    }
  });

  it("handles a diagonal matrix and rejects a bad shape", () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 2), 3))).toEqual([-1, 2, 3]);
    expect(() => symmetricEigenvalues(new Float64Array(5), 2)).toThrow(SbkitInputError);
  });
});

describe("bw2Squared", () => {
  it("is Σ_j (√a_j − √b_j)² + ‖m − m'‖² for commuting (diagonal) covariances", () => {
    const a = [0.5, 2, 3.5];
    const b = [1, 0.25, 3.5];
    const m1 = [1, 2, 3];
    const m2 = [0, 2, 5];
    const expected = a.reduce((s, v, j) => s + (Math.sqrt(v) - Math.sqrt(b[j])) ** 2, 0) + 1 + 4;
    expect(bw2Squared(m1, diag(a), m2, diag(b))).toBeCloseTo(expected, 12);
    expect(bw2(m1, diag(a), m2, diag(b))).toBeCloseTo(Math.sqrt(expected), 12);
  });

  it("agrees with the matrix-square-root formula for non-commuting covariances, and is 0 for equal laws", () => {
    for (const d of [2, 5, 30]) {
      const c1 = randomSpd(1 + d, d);
      const c2 = randomSpd(2 + d, d);
      const m1 = new Float64Array(d).map((_, j) => Math.sin(j));
      const m2 = new Float64Array(d).map((_, j) => Math.cos(j));
      const ref = buresWassersteinSquared({ mean: m1, covariance: c1 }, { mean: m2, covariance: c2 });
      expect(Math.abs(bw2Squared(m1, c1, m2, c2) - ref)).toBeLessThan(1e-9 * Math.max(1, ref));
      expect(bw2Squared(m1, c1, m1, c1)).toBeLessThan(1e-10);
    }
  });

  it("accepts a singular second covariance (falls back to square roots)", () => {
    const singular = diag([1, 0]);
    expect(bw2Squared([0, 0], diag([1, 1]), [0, 0], singular)).toBeCloseTo(1, 10);
  });

  it("rejects mismatched shapes and NaN", () => {
    expect(() => bw2Squared([0, 0], diag([1, 1]), [0], diag([1]))).toThrow(/bw2Squared: bMean has length 1, expected d = 2/);
    expect(() => bw2Squared([NaN, 0], diag([1, 1]), [0, 0], diag([1, 1]))).toThrow(/aMean has a non-finite value/);
  });
});

describe("BW2-UVP and cBW2-UVP", () => {
  it("bw2Uvp of a shifted Gaussian sample is ≈ 100·‖δ‖²/tr C", () => {
    const c = randomSpd(7, 4);
    const x = sampleGaussian([1, 1, 1, 1], c, 200000, makeKey(3));
    let tr = 0;
    for (let j = 0; j < 4; j++) tr += c.data[j * 4 + j];
    const value = bw2Uvp(x, { mean: new Float64Array(4), covariance: c });
    expect(value).toBeGreaterThan(100 * (4 / tr) * 0.98);
    expect(value).toBeLessThan(100 * (4 / tr) * 1.02);
  });

  it("cbw2Uvp is Monte-Carlo small for the true conditional sampler and large for a sampler that ignores x", async () => {
    const pair = eotBenchmarkPair({ dimension: 3, epsilon: 0.3, seed: 2 });
    const target = pair.targetMoments(makeKey(1), 40000);
    const trace = target.covariance.data[0] + target.covariance.data[4] + target.covariance.data[8];
    const x = pair.sampleSource(makeKey(2), 60);
    const truth = (p: Array2D) => pair.conditionalMoments(p);
    let c = 0;
    const exact = await cbw2Uvp(x, (p, k) => pair.sampleConditional(foldIn(makeKey(3), c++), p, k), truth, trace);
    // MC floor for S = 1000 samples: E‖m̂ − m‖² = tr C/S plus the covariance term, ≲ (1 + d/4)·tr C/S.
    expect(exact.value).toBeGreaterThan(0);
    expect(exact.value).toBeLessThan(100 * (1 + 3 / 4) * 3 / 1000);
    const blind = await cbw2Uvp(x, (p, k) => pair.sampleTarget(foldIn(makeKey(4), c++), p.rows * k), truth, trace);
    expect(blind.value).toBeGreaterThan(20 * exact.value);
    expect(blind.perPoint.length).toBe(60);
  });

  it("cbw2Uvp checks the sampler's output shape", async () => {
    const x = array2d(new Float64Array(4), 2, 2);
    const truth = () => [0, 1].map(() => ({ mean: new Float64Array(2), covariance: diag([1, 1]) }));
    await expect(cbw2Uvp(x, () => array2d(new Float64Array(6), 3, 2), truth, 2, { samplesPerPoint: 10 })).rejects.toThrow(/cbw2Uvp: sampler returned shape \[3, 2\], expected \[20, 2\]/);
    await expect(cbw2Uvp(x, () => array2d(new Float64Array(40), 20, 2), truth, -1, { samplesPerPoint: 10 })).rejects.toThrow(/targetVarianceTrace/);
  });
});
