import { describe, expect, it } from "vitest";
import { columnMeans, covariance } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { gaussianSb } from "../../src/gaussian/gaussianSb.js";
import { integrateSde } from "../../src/sde/integrate.js";
import { expectAllClose, mat } from "./asserts.js";

describe("simulating the closed-form Gaussian SB drift", () => {
  for (const epsilon of [0.1, 1]) {
    it(`lands on N(μ1, Σ1) from N(μ0, Σ0) at ε = ${epsilon} (stochastic Heun, 100 steps, 10k paths)`, () => {
      const source = { mean: [0, 1], covariance: mat([[1, 0.3], [0.3, 0.5]]) };
      const target = { mean: [2, -1], covariance: mat([[0.3, -0.1], [-0.1, 0.8]]) };
      const sb = gaussianSb({ source, target, epsilon });
      const x0 = sampleGaussianLaw(makeKey(1), source, 10_000);
      const sigma = Math.sqrt(epsilon);
      const out = integrateSde({ drift: (t, x) => sb.drift(t, x), diffusion: () => sigma }, x0, makeKey(2), { steps: 100, method: "heun", saveEvery: 50 });
      // Monte-Carlo standard errors here are about 0.01 for means and covariances.
      const m = columnMeans(out.final);
      expect(Math.abs(m[0] - 2)).toBeLessThan(0.03);
      expect(Math.abs(m[1] + 1)).toBeLessThan(0.03);
      expectAllClose(covariance(out.final), target.covariance, 0.04);
      // and the halfway marginal is N(μ_½, Σ_½)
      expectAllClose(covariance(out.states[1]), sb.covarianceAt(0.5), 0.04);
    });
  }
});
