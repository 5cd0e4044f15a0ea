import { describe, expect, it } from "vitest";
import { makeKey } from "../../src/core/rng.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { girsanovPathKl } from "../../src/sde/girsanov.js";
import { integrateSde } from "../../src/sde/integrate.js";
import { ornsteinUhlenbeckReference } from "../../src/sde/reference.js";

describe("girsanovPathKl", () => {
  it("matches the closed-form KL between two OU processes with the same σ and initial law", () => {
    // P: dX = −θ₁X dt + σ dW, Q: dX = −θ₂X dt + σ dW, X0 ~ N(m, s²):
    // KL = (θ₁−θ₂)²/(2σ²) ∫₀¹ E_P X_t² dt, E_P X_t² = (m²+s²)e^{−2θ₁t} + σ²(1 − e^{−2θ₁t})/(2θ₁).
    const [theta1, theta2, sigma, m, s2] = [1, 2.5, 0.7, 1, 0.25];
    const q = 1 - Math.exp(-2 * theta1);
    const integral = ((m * m + s2) * q) / (2 * theta1) + ((sigma * sigma) / (2 * theta1)) * (1 - q / (2 * theta1));
    const exact = ((theta1 - theta2) ** 2 / (2 * sigma * sigma)) * integral;
    const p = ornsteinUhlenbeckReference(theta1, sigma);
    const qRef = ornsteinUhlenbeckReference(theta2, sigma);
    const x0 = sampleGaussianLaw(makeKey(1), { mean: [m], covariance: [[s2]] }, 10_000);
    const paths = integrateSde(p, x0, makeKey(2), { steps: 200, saveEvery: 1 });
    const kl = girsanovPathKl(p.drift, qRef.drift, p.diffusion, paths);
    expect(Math.abs(kl.estimate - exact)).toBeLessThan(4 * kl.standardError + 0.01 * exact);
    expect(kl.standardError).toBeLessThan(0.05 * exact);
    expect(kl.paths).toBe(10_000);
  });

  it("is zero for identical drifts and rejects paths without every step", () => {
    const p = ornsteinUhlenbeckReference(1, 1);
    const all = integrateSde(p, [[0], [1]], makeKey(3), { steps: 10, saveEvery: 1 });
    expect(girsanovPathKl(p.drift, p.drift, p.diffusion, all).estimate).toBe(0);
    const sparse = integrateSde(p, [[0]], makeKey(3), { steps: 10 });
    expect(() => girsanovPathKl(p.drift, p.drift, p.diffusion, sparse)).toThrow(/saveEvery: 1/);
  });
});
