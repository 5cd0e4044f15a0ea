import { describe, expect, it } from "vitest";
import { array2d, columnMeans, covariance, type Array2D } from "../../src/core/array2d.js";
import { SbkitInputError } from "../../src/core/errors.js";
import { add, matmul, transpose } from "../../src/core/linalg.js";
import { makeKey } from "../../src/core/rng.js";
import { eotBenchmark } from "../../src/data/eotBenchmark/eotBenchmark.js";
import { eotBenchmarkPair } from "../../src/data/eotBenchmark/pairs.js";
import { gaussianSb } from "../../src/gaussian/gaussianSb.js";
import { integrateSde } from "../../src/sde/integrate.js";
import { maxAbsDiff, randomSpd } from "../gaussian/asserts.js";

const normalPdf = (x: number, m: number, v: number) => Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);

/** A 1-D pair: 2-component source, 3-component potential, ε = 0.7. */
const eps = 0.7;
const oneD = eotBenchmark({
  source: { weights: [0.3, 0.7], means: [[-1], [1.5]], covs: [[[0.4]], [[0.2]]] },
  potential: { weights: [1, 2, 0.5], means: [[-2], [0.5], [3]], variances: [[0.3], [0.5], [0.2]] },
  epsilon: eps,
});

/** π(y|x) ∝ exp(f(y)/ε) exp(−(x−y)²/(2ε)) by quadrature on a y grid: mean and variance (independent of the code). */
function quadratureConditional(x: number, points = 8000): { mean: number; variance: number } {
  let z = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= points; i++) {
    const y = -12 + (24 * i) / points;
    const expF = 1 * normalPdf(y, -2, 0.3) + 2 * normalPdf(y, 0.5, 0.5) + 0.5 * normalPdf(y, 3, 0.2);
    const p = expF * Math.exp(-((x - y) ** 2) / (2 * eps));
    z += p;
    m1 += p * y;
    m2 += p * y * y;
  }
  const mean = m1 / z;
  return { mean, variance: m2 / z - mean * mean };
}

describe("EOT benchmark construction", () => {
  it("the closed-form conditional plan matches quadrature of exp((f(y) − ½(x−y)²)/ε) in 1-D", () => {
    const xs = [-2.5, -1, 0, 0.8, 2.2];
    const moments = oneD.conditionalMoments(xs.map((x) => [x]));
    xs.forEach((x, i) => {
      const q = quadratureConditional(x);
      expect(moments[i].mean[0]).toBeCloseTo(q.mean, 8);
      expect(moments[i].covariance.data[0]).toBeCloseTo(q.variance, 8);
    });
  });

  it("the target sampler draws the plan's second marginal ∫ p0(x) π(y|x) dx (1-D quadrature)", () => {
    let m1 = 0;
    let m2 = 0;
    let mass = 0;
    for (let i = 0; i <= 1000; i++) {
      const x = -5 + (10 * i) / 1000;
      const p0 = 0.3 * normalPdf(x, -1, 0.4) + 0.7 * normalPdf(x, 1.5, 0.2);
      const q = quadratureConditional(x, 2400);
      mass += p0;
      m1 += p0 * q.mean;
      m2 += p0 * (q.variance + q.mean * q.mean);
    }
    const mean = m1 / mass;
    const variance = m2 / mass - mean * mean;
    const y = oneD.sampleTarget(makeKey(5), 200000);
    const sd = Math.sqrt(variance / 200000);
    expect(Math.abs(columnMeans(y)[0] - mean)).toBeLessThan(4 * sd);
    expect(Math.abs(covariance(y).data[0] - variance)).toBeLessThan(0.02 * variance);
  });

  it("sampled conditionals have the closed-form mean and covariance (Monte Carlo)", () => {
    const pair = eotBenchmarkPair({ dimension: 4, epsilon: 1, seed: 3 });
    const x = pair.sampleSource(makeKey(1), 3);
    const n = 40000;
    const draws = pair.sampleConditional(makeKey(2), x, n);
    const truth = pair.conditionalMoments(x);
    for (let i = 0; i < 3; i++) {
      const block = array2d(draws.data.subarray(i * n * 4, (i + 1) * n * 4), n, 4);
      const scale = Math.sqrt(Math.max(...[0, 1, 2, 3].map((j) => truth[i].covariance.data[j * 5])));
      const m = columnMeans(block);
      for (let j = 0; j < 4; j++) expect(Math.abs(m[j] - truth[i].mean[j])).toBeLessThan((5 * scale) / Math.sqrt(n));
      expect(maxAbsDiff(covariance(block), truth[i].covariance)).toBeLessThan(0.05 * scale * scale);
    }
  });

  it("simulating the true SB drift from x (Euler–Maruyama) lands on π(·|x)", () => {
    const pair = eotBenchmarkPair({ dimension: 2, epsilon: 1, seed: 0 });
    const starts = [[0.5, -0.3], [-1, 1]];
    const n = 3000;
    const x0 = array2d(Float64Array.from(starts.flatMap((p) => Array.from({ length: n }, () => p)).flat()), 2 * n, 2);
    const sigma = Math.sqrt(pair.epsilon);
    const paths = integrateSde({ drift: (t, x) => pair.drift(t, x), diffusion: () => sigma }, x0, makeKey(9), { steps: 200 });
    const truth = pair.conditionalMoments(starts);
    starts.forEach((_, i) => {
      const block = array2d(paths.final.data.subarray(i * n * 2, (i + 1) * n * 2), n, 2);
      const m = columnMeans(block);
      const c = covariance(block);
      const scale = Math.sqrt(truth[i].covariance.data[0] + truth[i].covariance.data[3]);
      for (let j = 0; j < 2; j++) expect(Math.abs(m[j] - truth[i].mean[j])).toBeLessThan((5 * scale) / Math.sqrt(n) + 0.02);
      expect(maxAbsDiff(c, truth[i].covariance)).toBeLessThan(0.08 * scale * scale);
    });
  });

  it("with one potential component and a Gaussian source the plan is the closed-form Gaussian SB", () => {
    const d = 3;
    const s0 = randomSpd(21, d);
    const mu0 = Float64Array.of(0.5, -1, 2);
    const pair = eotBenchmark({
      source: { weights: [1], means: [Array.from(mu0)], covs: [s0] },
      potential: { weights: [1], means: [[1, 0, -1]], variances: [[0.5, 2, 1]] },
      epsilon: 0.8,
    });
    // π(·|x) is Gaussian with a mean affine in x: read off m(x) = A x + c and its covariance Σc.
    const probes = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const m = pair.conditionalMoments(probes);
    const c = m[0].mean;
    const a = new Float64Array(d * d);
    for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) a[i * d + j] = m[j + 1].mean[i] - c[i];
    const A: Array2D = array2d(a, d, d);
    const sigmaC = m[0].covariance;
    const mu1 = Float64Array.from(c, (ci, i) => ci + A.data.slice(i * d, i * d + d).reduce((s, v, k) => s + v * mu0[k], 0));
    const s1 = add(matmul(matmul(A, s0), transpose(A)), sigmaC);
    const sb = gaussianSb({ source: { mean: mu0, covariance: s0 }, target: { mean: mu1, covariance: s1 }, epsilon: 0.8 });
    expect(maxAbsDiff(sb.crossCovariance, matmul(s0, transpose(A)))).toBeLessThan(1e-9);
    const given = sb.targetGivenSource([[0.3, 0.2, -0.4]]);
    const ours = pair.conditionalMoments([[0.3, 0.2, -0.4]])[0];
    expect(maxAbsDiff(given.covariance, ours.covariance)).toBeLessThan(1e-9);
    expect(Math.max(...given.means.data.map((v, i) => Math.abs(v - ours.mean[i])))).toBeLessThan(1e-9);
    // The target sampler draws N(μ1, Σ1).
    const y = pair.sampleTarget(makeKey(4), 100000);
    expect(maxAbsDiff(covariance(y), s1)).toBeLessThan(0.03 * Math.max(...s1.data));
  });

  it("seeded pairs are deterministic, share the source across ε, and reject bad input", () => {
    const a = eotBenchmarkPair({ dimension: 16, epsilon: 0.1 });
    const b = eotBenchmarkPair({ dimension: 16, epsilon: 10 });
    expect(Array.from(a.sampleSource(makeKey(1), 5).data)).toEqual(Array.from(b.sampleSource(makeKey(1), 5).data));
    expect(a.potential.means.data).not.toEqual(b.potential.means.data);
    expect(Array.from(eotBenchmarkPair({ dimension: 16, epsilon: 0.1 }).potential.means.data)).toEqual(Array.from(a.potential.means.data));
    expect(() => eotBenchmarkPair({ dimension: 0, epsilon: 1 })).toThrow(/eotBenchmarkPair: dimension must be an integer/);
    expect(() => eotBenchmarkPair({ dimension: 2, epsilon: -1 })).toThrow(/eotBenchmarkPair: epsilon must be a finite number > 0/);
    expect(() => eotBenchmark({ source: { weights: [1], means: [[0, 0]], covs: [[[1, 0], [0, 1]]] }, potential: { weights: [1], means: [[0]], variances: [[1]] }, epsilon: 1 })).toThrow(SbkitInputError);
    expect(() => eotBenchmark({ source: { weights: [1], means: [[0]], covs: [[[1]]] }, potential: { weights: [1], means: [[0]], variances: [[0]] }, epsilon: 1 })).toThrow(/potential.variances must be finite and > 0/);
    expect(() => a.drift(1.5, [[0]])).toThrow(/EotBenchmark.drift: t must be in \[0, 1\]/);
    expect(() => a.conditionalMoments([[0, 1]])).toThrow(/has 2 columns, expected d = 16/);
  });
});
