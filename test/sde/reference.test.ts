import { describe, expect, it } from "vitest";
import { columnMeans, covariance } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { integrateSde } from "../../src/sde/integrate.js";
import { brownianReference, linearBetaSchedule, ornsteinUhlenbeckReference, veReference, vpReference } from "../../src/sde/reference.js";
import { referenceMarginal, sampleTransition, transitionKernel } from "../../src/sde/transition.js";
import { expectAllClose, mat } from "../gaussian/asserts.js";

const references = [brownianReference(0.7), ornsteinUhlenbeckReference(1.5, 0.8), vpReference(linearBetaSchedule(0.1, 5)), veReference(0.05, 3)];

describe("linear reference processes", () => {
  for (const r of references) {
    it(`${r.name}: a and v solve da/dt = −λa, dv/dt = −2λv + g² and compose (Chapman–Kolmogorov)`, () => {
      const h = 1e-6;
      for (const [s, t] of [[0, 0.3], [0.2, 0.7], [0.5, 0.9]]) {
        const dadt = (r.transitionScale(s, t + h) - r.transitionScale(s, t - h)) / (2 * h);
        expect(dadt).toBeCloseTo(-r.decay(t) * r.transitionScale(s, t), 5);
        const dvdt = (r.transitionVariance(s, t + h) - r.transitionVariance(s, t - h)) / (2 * h);
        const rhs = -2 * r.decay(t) * r.transitionVariance(s, t) + r.diffusion(t) ** 2;
        expect(Math.abs(dvdt - rhs) / Math.max(1, Math.abs(rhs))).toBeLessThan(1e-5);
        const u = Math.min(1, t + 0.1);
        expect(r.transitionScale(s, u)).toBeCloseTo(r.transitionScale(s, t) * r.transitionScale(t, u), 12);
        expect(r.transitionVariance(s, u)).toBeCloseTo(r.transitionScale(t, u) ** 2 * r.transitionVariance(s, t) + r.transitionVariance(t, u), 10);
      }
      expect(r.transitionVariance(0.4, 0.4)).toBe(0);
    });
  }

  it("OU marginal from a Gaussian start matches a fine Euler–Maruyama simulation", () => {
    const r = ornsteinUhlenbeckReference(1.5, 0.8);
    const source = { mean: [1, -2], covariance: mat([[0.5, 0.1], [0.1, 0.3]]) };
    const x0 = sampleGaussianLaw(makeKey(1), source, 20_000);
    const { final } = integrateSde(r, x0, makeKey(2), { steps: 100 });
    const exact = referenceMarginal(r, 1, source);
    const m = columnMeans(final);
    for (let a = 0; a < 2; a++) expect(Math.abs(m[a] - exact.mean[a])).toBeLessThan(0.015);
    expectAllClose(covariance(final), exact.covariance, 0.015);
  });

  it("samples transitions with mean a x and variance v", () => {
    const r = vpReference(linearBetaSchedule(0.1, 5));
    const xs = { data: new Float64Array(50_000).fill(2), rows: 50_000, cols: 1 };
    const y = sampleTransition(r, makeKey(3), 0.2, 0.8, xs);
    const { means, variance } = transitionKernel(r, 0.2, 0.8, [[2]]);
    expect(columnMeans(y)[0]).toBeCloseTo(means.data[0], 2);
    expect(covariance(y).data[0]).toBeCloseTo(variance, 2);
  });

  it("rejects σ ≤ 0, reversed intervals and times outside [0,1]", () => {
    expect(() => brownianReference(0)).toThrow(/brownianReference: sigma must be a finite number > 0/);
    expect(() => ornsteinUhlenbeckReference(1, -1)).toThrow(/sigma must be a finite number > 0/);
    expect(() => veReference(2, 1)).toThrow(/sigmaMax must be > sigmaMin/);
    const r = brownianReference(1);
    expect(() => r.transitionVariance(0.5, 0.2)).toThrow(/t must be ≥ s/);
    expect(() => r.transitionScale(0, 1.2)).toThrow(/t must be a time in \[0, 1\]/);
  });
});
