/**
 * DSBM with the minibatch entropic-OT initial coupling (`initialCoupling: "sinkhorn"`, ε = σ²) against the
 * closed-form Gaussian SB at d = 5, ε = 1: the initial coupling's transport cost is already near the SB's (the
 * independent coupling's is far above it), and one IMF iteration — a single Markovian projection of that coupling —
 * recovers the plan cross-covariance within 10 % where the independent start is still far off.
 */
import { describe, expect, it } from "vitest";
import { frobeniusNorm, sub, trace } from "../../src/core/linalg.js";
import { makeKey } from "../../src/core/rng.js";
import { fitDsbm } from "../../src/solvers/dsbm.js";
import { crossCovariance, mu1, S0, S1, samples, trueCrossCovariance } from "./gaussianBridge.js";

const net = { hiddenDims: [128, 128], timeEmbeddingDim: 16, learningRate: 2e-3, batchSize: 512, schedule: { kind: "cosine" } } as const;

describe("DSBM with the minibatch Sinkhorn initial coupling", () => {
  it("starts near the SB coupling and recovers the Gaussian SB cross-covariance after one iteration", async () => {
    const truth = trueCrossCovariance(1);
    const m2 = (mu1 as Float64Array).reduce((a, v) => a + v * v, 0);
    const independentCost = 0.5 * (m2 + trace(S0) + trace(S1));
    const sbCost = independentCost - trace(truth);
    const errors: Record<string, number> = {};
    for (const initialCoupling of ["sinkhorn", "independent"] as const) {
      const { model, reference } = await fitDsbm(samples(0, 20000, 1), samples(1, 20000, 2), { ...net, sigma: 1, iterations: 1, stepsPerStage: 300, initialCoupling });
      const cost = reference?.transportCost ?? NaN;
      if (initialCoupling === "sinkhorn") expect(Math.abs(cost - sbCost) / sbCost).toBeLessThan(0.05);
      else expect(Math.abs(cost - independentCost) / independentCost).toBeLessThan(0.05);
      const x0 = samples(0, 20000, 3);
      const x1 = model.sample(x0, makeKey(4)).final;
      errors[initialCoupling] = frobeniusNorm(sub(crossCovariance(x0, x1), truth)) / frobeniusNorm(truth);
      model.dispose();
    }
    expect(errors.sinkhorn).toBeLessThan(0.1);
    expect(errors.independent).toBeGreaterThan(2 * errors.sinkhorn);
  }, 300_000);
});
