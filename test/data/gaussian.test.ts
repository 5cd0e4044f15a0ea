import { describe, expect, it } from "vitest";
import { array2d, columnMeans, covariance } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { gaussianMixtureLogDensity, sampleGaussian, sampleGaussianMixture, type GaussianMixture } from "../../src/data/gaussian.js";

/** Closed-form 2-D log N(x | μ, Σ) with the explicit 2×2 inverse and determinant. */
function logNormal2(x: number[], mu: number[], s: number[][]): number {
  const det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
  const [r0, r1] = [x[0] - mu[0], x[1] - mu[1]];
  const quad = (s[1][1] * r0 * r0 - 2 * s[0][1] * r0 * r1 + s[0][0] * r1 * r1) / det;
  return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quad;
}

describe("sampleGaussian", () => {
  const mean = [1, -2, 0.5];
  const cov = [
    [2, 0.6, -0.3],
    [0.6, 1, 0.2],
    [-0.3, 0.2, 0.5],
  ];
  const n = 100_000;
  const x = sampleGaussian(mean, cov, n, makeKey(11));

  it("has sample mean and covariance within 5 standard errors of the inputs", () => {
    expect([x.rows, x.cols]).toEqual([n, 3]);
    const m = columnMeans(x);
    const c = covariance(x);
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(m[a] - mean[a])).toBeLessThan(5 * Math.sqrt(cov[a][a] / n));
      for (let b = 0; b < 3; b++) {
        // Var of the sample covariance of a Gaussian ≈ (Σ_aa Σ_bb + Σ_ab²)/n.
        const se = Math.sqrt((cov[a][a] * cov[b][b] + cov[a][b] ** 2) / n);
        expect(Math.abs(c.data[a * 3 + b] - cov[a][b])).toBeLessThan(5 * se);
      }
    }
  });

  it("is deterministic per key and accepts Array2D / Float64Array inputs", () => {
    const a = sampleGaussian(Float64Array.from(mean), array2d(Float64Array.from(cov.flat()), 3, 3), 50, makeKey(11));
    expect(Array.from(a.data)).toEqual(Array.from(x.data.subarray(0, 150)));
    expect(Array.from(sampleGaussian(mean, cov, 50, makeKey(12)).data)).not.toEqual(Array.from(a.data));
    expect(sampleGaussian([0], [[1]], 0, makeKey(1)).rows).toBe(0);
  });

  it("rejects bad input with errors that name the argument", () => {
    const k = makeKey(0);
    expect(() => sampleGaussian([0, 0], [[1, 2], [2, 1]], 5, k)).toThrow(/sampleGaussian: cov must be symmetric positive definite/);
    expect(() => sampleGaussian([0, 0], [[1, 0.5], [0, 1]], 5, k)).toThrow(/sampleGaussian: cov must be symmetric/);
    expect(() => sampleGaussian([0, 0, 0], [[1, 0], [0, 1]], 5, k)).toThrow(/sampleGaussian: cov has shape \[2, 2\], expected \[3, 3\]/);
    expect(() => sampleGaussian([0, Number.NaN], [[1, 0], [0, 1]], 5, k)).toThrow(/sampleGaussian: mean has a non-finite value NaN/);
    expect(() => sampleGaussian([0, 0], [[1, Number.NaN], [Number.NaN, 1]], 5, k)).toThrow(/sampleGaussian: cov/);
    expect(() => sampleGaussian([], [], 5, k)).toThrow(/sampleGaussian: mean must have length >= 1/);
    expect(() => sampleGaussian([0], [[1]], -1, k)).toThrow(/sampleGaussian: n must be an integer/);
  });
});

describe("Gaussian mixtures", () => {
  const mixture: GaussianMixture = {
    weights: [1, 2, 5],
    means: [
      [-3, 0],
      [2, 2],
      [0, -2],
    ],
    covs: [
      [[0.5, 0.1], [0.1, 0.3]],
      [[1, -0.4], [-0.4, 0.8]],
      [[0.2, 0], [0, 1.5]],
    ],
  };

  it("samples components with the given frequencies and per-component moments", () => {
    const n = 40_000;
    const { points, labels } = sampleGaussianMixture(mixture, n, makeKey(5));
    expect([points.rows, points.cols, labels.length]).toEqual([n, 2, n]);
    const p = [1 / 8, 2 / 8, 5 / 8];
    const counts = [0, 0, 0];
    for (const l of labels) counts[l]++;
    counts.forEach((c, k) => expect(Math.abs(c - n * p[k])).toBeLessThan(5 * Math.sqrt(n * p[k] * (1 - p[k]))));
    for (let k = 0; k < 3; k++) {
      const rows: number[] = [];
      labels.forEach((l, i) => {
        if (l === k) rows.push(i);
      });
      for (let j = 0; j < 2; j++) {
        const mean = rows.reduce((s, i) => s + points.data[2 * i + j], 0) / rows.length;
        const sd = Math.sqrt((mixture.covs[k] as number[][])[j][j] / rows.length);
        expect(Math.abs(mean - (mixture.means as number[][])[k][j])).toBeLessThan(5 * sd);
      }
    }
    const again = sampleGaussianMixture(mixture, 100, makeKey(5));
    expect(Array.from(again.labels)).toEqual(Array.from(labels.subarray(0, 100)));
  });

  it("has a density that integrates to 1 on a 2-D grid", () => {
    const h = 0.05;
    const ticks = Array.from({ length: 361 }, (_, i) => -9 + i * h);
    const grid = array2d(new Float64Array(2 * ticks.length ** 2), ticks.length ** 2, 2);
    ticks.forEach((gx, i) => ticks.forEach((gy, j) => grid.data.set([gx, gy], 2 * (i * ticks.length + j))));
    const logp = gaussianMixtureLogDensity(mixture, grid);
    const mass = logp.reduce((s, v) => s + Math.exp(v), 0) * h * h;
    expect(Math.abs(mass - 1)).toBeLessThan(1e-6);
  });

  it("equals the closed-form Gaussian log-density for one component and is stable far away", () => {
    const mu = [0.3, -1];
    const s = [[1.2, 0.5], [0.5, 0.7]];
    const pts = [[0, 0], [0.3, -1], [2, 3], [-1e3, 5e2]];
    const single = gaussianMixtureLogDensity({ weights: [3], means: [mu], covs: [s] }, pts);
    pts.forEach((x, i) => expect(single[i]).toBeCloseTo(logNormal2(x, mu, s), 9));
    // Far from every centre each term underflows exp(), but the log-sum-exp stays finite and matches.
    const far = gaussianMixtureLogDensity(mixture, [[100, 100]])[0];
    const terms = [0, 1, 2].map((k) => Math.log([1, 2, 5][k] / 8) + logNormal2([100, 100], (mixture.means as number[][])[k], mixture.covs[k] as number[][]));
    const top = Math.max(...terms);
    expect(top).toBeLessThan(-800); // exp(term) underflows to 0 for every component
    const ref = top + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - top), 0));
    expect(Number.isFinite(far)).toBe(true);
    expect(Math.abs(far - ref)).toBeLessThan(1e-9 * Math.abs(ref));
    // A zero-weight component is ignored.
    const withZero = gaussianMixtureLogDensity({ weights: [1, 0], means: [mu, [50, 50]], covs: [s, s] }, pts);
    pts.forEach((_, i) => expect(withZero[i]).toBeCloseTo(single[i], 12));
  });

  it("rejects invalid mixtures and points", () => {
    const k = makeKey(0);
    const base = mixture;
    expect(() => sampleGaussianMixture({ ...base, weights: [1, -1, 1] }, 5, k)).toThrow(/sampleGaussianMixture: weights must be finite and >= 0 \(got -1 at \[1\]\)/);
    expect(() => sampleGaussianMixture({ ...base, weights: [0, 0, 0] }, 5, k)).toThrow(/weights must have a positive sum/);
    expect(() => sampleGaussianMixture({ ...base, weights: [1, Number.NaN, 1] }, 5, k)).toThrow(/weights must be finite/);
    expect(() => sampleGaussianMixture({ ...base, weights: [1, 1] }, 5, k)).toThrow(/means has 3 rows, expected one per weight \(2\)/);
    expect(() => sampleGaussianMixture({ ...base, covs: base.covs.slice(0, 2) }, 5, k)).toThrow(/covs must be an array of 3 matrices/);
    expect(() => sampleGaussianMixture({ ...base, covs: [base.covs[0], [[1, 2], [2, 1]], base.covs[2]] }, 5, k)).toThrow(/covs\[1\] must be symmetric positive definite/);
    expect(() => sampleGaussianMixture({ ...base, covs: [base.covs[0], [[1]], base.covs[2]] }, 5, k)).toThrow(/covs\[1\] has shape \[1, 1\], expected \[2, 2\]/);
    expect(() => sampleGaussianMixture({ ...base, means: [[0, 0], [Number.NaN, 0], [1, 1]] }, 5, k)).toThrow(/means has a non-finite value NaN at \[1, 0\]/);
    expect(() => sampleGaussianMixture({ weights: [], means: [], covs: [] }, 5, k)).toThrow(/weights must have at least one component/);
    expect(() => gaussianMixtureLogDensity(base, [[0, 0, 0]])).toThrow(/gaussianMixtureLogDensity: points has 3 columns, expected d = 2/);
    expect(() => gaussianMixtureLogDensity(base, [[0, Number.POSITIVE_INFINITY]])).toThrow(/gaussianMixtureLogDensity: points has a non-finite value/);
  });
});
