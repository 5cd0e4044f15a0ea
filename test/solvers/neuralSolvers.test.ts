/**
 * End-to-end checks of the neural solvers against truth: the closed-form Gaussian SB (plan cross-covariance and
 * target law), a Gaussian target for score-based diffusion, and exact W2 on the 8gaussians → moons toy.
 * Each trains a small network for a few hundred steps (tens of seconds on 2 cores).
 */
import { describe, expect, it } from "vitest";
import { columnMeans, covariance } from "../../src/core/array2d.js";
import { frobeniusNorm, sub } from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { loadBuiltin } from "../../src/data/registry.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { gaussianKl } from "../../src/gaussian/gaussianKl.js";
import { wasserstein2 } from "../../src/metrics/wasserstein.js";
import { fitScoreModel } from "../../src/solvers/scoreMatching.js";
import { fitBridgeMatching } from "../../src/solvers/simulationFree.js";
import { crossCovariance, mu1, S1, samples, trueCrossCovariance } from "./gaussianBridge.js";

const net = { hiddenDims: [128, 128], timeEmbeddingDim: 16, learningRate: 2e-3, batchSize: 256 };

describe("neural solvers against closed forms", () => {
  it("[SF]²M on Gaussian endpoints (d = 5, ε = 1): KL(p1, p̂1) < 0.05 and plan cross-covariance within 10% of the closed form", async () => {
    const { model, outcome } = await fitBridgeMatching("sf2m", samples(0, 20000, 1), samples(1, 20000, 2), { ...net, steps: 600, sigma: 1 });
    expect(outcome.status).toBe("completed");
    const x0 = samples(0, 5000, 3);
    const x1 = model.sample(x0, makeKey(4), { steps: 100 }).final;
    const kl = gaussianKl({ mean: mu1, covariance: S1 }, { mean: columnMeans(x1), covariance: covariance(x1) });
    expect(kl).toBeLessThan(0.05);
    const truth = trueCrossCovariance(1);
    expect(frobeniusNorm(sub(crossCovariance(x0, x1), truth)) / frobeniusNorm(truth)).toBeLessThan(0.1);
    // backward: from the target the reversed SDE lands on the source law N(0, S0)
    const back = model.sample(samples(1, 5000, 5), makeKey(6), { steps: 100, direction: "backward" }).final;
    const m0 = columnMeans(back);
    expect(Math.hypot(...m0)).toBeLessThan(0.15);
    model.dispose();
  }, 300_000);

  it("score-based diffusion (VP, DSM) generates a Gaussian target: KL < 0.05 by reverse SDE and probability-flow ODE", async () => {
    const target = { mean: [1, -2], covariance: [[1, 0.6], [0.6, 0.8]] };
    const { model } = await fitScoreModel(sampleGaussianLaw(makeKey(1), target, 20000), { ...net, steps: 600 });
    const prior = normal2d(makeKey(2), 5000, 2);
    for (const mode of ["sde", "ode"] as const) {
      const x = model.sample(prior, makeKey(3), { steps: 200, mode }).final;
      expect(gaussianKl(target, { mean: columnMeans(x), covariance: covariance(x) })).toBeLessThan(0.05);
    }
    model.dispose();
  }, 300_000);

  it("[SF]²M and OT-CFM on 8gaussians → moons reach W2 < 0.8 to fresh target samples (source→target W2 is ≈ 1.4)", async () => {
    const source = loadBuiltin("8gaussians", 20000, makeKey(1));
    const target = loadBuiltin("moons", 20000, makeKey(2));
    const x0 = loadBuiltin("8gaussians", 1000, makeKey(3));
    const y = loadBuiltin("moons", 1000, makeKey(5));
    const baseline = wasserstein2(x0, y);
    expect(baseline).toBeGreaterThan(1.2);
    for (const [method, sigma] of [["sf2m", 0.5], ["otcfm", 0]] as const) {
      const { model } = await fitBridgeMatching(method, source, target, { ...net, steps: 600, sigma });
      const w2 = wasserstein2(model.sample(x0, makeKey(4), { steps: 100 }).final, y);
      expect(w2, method).toBeLessThan(0.8);
      model.dispose();
    }
  }, 300_000);
});
