import { describe, expect, it } from "vitest";
import { makeKey } from "../../src/core/rng.js";
import { gaussianLogPdf, sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { gaussianKl } from "../../src/gaussian/gaussianKl.js";
import { gaussianSb } from "../../src/gaussian/gaussianSb.js";
import { gaussianSbEntropic } from "../../src/gaussian/gaussianSbEntropic.js";
import { matmul, trace, transpose } from "../../src/core/linalg.js";
import { buresWassersteinSquared } from "../../src/gaussian/bures.js";
import { randomSpd } from "./asserts.js";

describe("gaussianKl", () => {
  it("matches the scalar formula and vanishes on equal laws", () => {
    const kl = gaussianKl({ mean: [1], covariance: [[2]] }, { mean: [0], covariance: [[3]] });
    expect(kl).toBeCloseTo(0.5 * (2 / 3 + 1 / 3 - 1 + Math.log(3 / 2)), 12);
    const g = { mean: [1, 2], covariance: randomSpd(1, 2) };
    expect(gaussianKl(g, g)).toBeLessThan(1e-12);
  });

  it("matches a Monte-Carlo estimate of E_p[log p − log q]", () => {
    const p = { mean: [0.3, -0.2, 1], covariance: randomSpd(2, 3) };
    const q = { mean: [0, 0, 0.5], covariance: randomSpd(3, 3, 1) };
    const x = sampleGaussianLaw(makeKey(4), p, 100_000);
    const lp = gaussianLogPdf(p, x);
    const lq = gaussianLogPdf(q, x);
    let s = 0;
    for (let i = 0; i < x.rows; i++) s += lp[i] - lq[i];
    expect(s / x.rows).toBeCloseTo(gaussianKl(p, q), 2);
  });

  it("rejects mismatched dimensions", () => {
    expect(() => gaussianKl({ mean: [0], covariance: [[1]] }, { mean: [0, 0], covariance: [[1, 0], [0, 1]] })).toThrow(/gaussianKl: q has dimension 2, expected 1/);
  });
});

describe("gaussianSbEntropic", () => {
  const problem = { source: { mean: [0.5, -1], covariance: randomSpd(5, 2) }, target: { mean: [1, 1], covariance: randomSpd(6, 2, 0.2) }, epsilon: 0.5 };

  it("gives a path KL equal to the Girsanov integral ∫ ½ E‖b(t,X_t)‖²/ε dt of the closed-form drift", () => {
    const sb = gaussianSb(problem);
    // E‖b‖² = ‖μ1−μ0‖² + tr(B Σ_t Bᵀ); composite Simpson on [0,1].
    let m2 = 0;
    for (let a = 0; a < 2; a++) m2 += (sb.target.mean[a] - sb.source.mean[a]) ** 2;
    const f = (t: number) => { const b = sb.driftMatrix(t); return (0.5 * (m2 + trace(matmul(matmul(b, sb.covarianceAt(t)), transpose(b))))) / sb.epsilon; };
    const n = 400;
    let integral = f(0) + f(1);
    for (let k = 1; k < n; k++) integral += (k % 2 === 1 ? 4 : 2) * f(k / n);
    integral /= 3 * n;
    expect(gaussianSbEntropic(problem).pathKl).toBeCloseTo(integral, 8);
  });

  it("has a mutual information equal to KL(joint ‖ product) and tends to OT as ε → 0", () => {
    const sb = gaussianSb(problem);
    const c = sb.crossCovariance;
    const e = gaussianSbEntropic(sb);
    const s0 = sb.source.covariance.data;
    const s1 = sb.target.covariance.data;
    const joint = [[s0[0], s0[1], c.data[0], c.data[1]], [s0[2], s0[3], c.data[2], c.data[3]], [c.data[0], c.data[2], s1[0], s1[1]], [c.data[1], c.data[3], s1[2], s1[3]]];
    const product = [[s0[0], s0[1], 0, 0], [s0[2], s0[3], 0, 0], [0, 0, s1[0], s1[1]], [0, 0, s1[2], s1[3]]];
    expect(e.mutualInformation).toBeCloseTo(gaussianKl({ mean: [0, 0, 0, 0], covariance: joint }, { mean: [0, 0, 0, 0], covariance: product }), 10);
    expect(e.entropicCost).toBeCloseTo(e.transportCost + 0.5 * e.mutualInformation, 12);
    const small = gaussianSbEntropic({ ...problem, epsilon: 1e-6 });
    expect(small.transportCost).toBeCloseTo(0.5 * buresWassersteinSquared(problem.source, problem.target), 5);
    expect(small.transportCost).toBeLessThan(e.transportCost);
  });
});
