/**
 * DSBM-IPF (src/solvers/dsbm.ts) against truth: the closed-form Gaussian SB at d = 5, ε = 1 (plan cross-covariance,
 * both marginals, the transport cost of the coupling), then exact resume, model folders and bad input on a tiny
 * 2-D problem, and the `sbkit fit --method dsbm` / `sbkit sample --direction backward` round trip.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { columnMeans, covariance } from "../../src/core/array2d.js";
import { readNpy2D, writeNpy2D } from "../../src/core/npy.js";
import { frobeniusNorm, sub, trace } from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { gaussianKl } from "../../src/gaussian/gaussianKl.js";
import { registerFit } from "../../src/cli/commands/fit.js";
import { registerSample } from "../../src/cli/commands/sample.js";
import { fitDsbm } from "../../src/solvers/dsbm.js";
import { loadModel } from "../../src/solvers/loadModel.js";
import { runInProcess } from "../cli/captureCli.js";
import { crossCovariance, mu0, mu1, S0, S1, samples, trueCrossCovariance } from "./gaussianBridge.js";

const net = { hiddenDims: [128, 128], timeEmbeddingDim: 16, learningRate: 2e-3, batchSize: 512, schedule: { kind: "cosine" } } as const;
const tinyNet = { hiddenDims: [16], timeEmbeddingDim: 8, batchSize: 32 };

function relativeError(a: Parameters<typeof sub>[0], b: Parameters<typeof sub>[1]): number {
  return frobeniusNorm(sub(a, b)) / frobeniusNorm(b);
}

describe("DSBM-IPF", () => {
  it("recovers the Gaussian SB at d = 5, ε = 1: plan cross-covariance within 10%, both marginals, and the SB transport cost", async () => {
    const { model, outcome, stages, reference } = await fitDsbm(samples(0, 20000, 1), samples(1, 20000, 2), { ...net, sigma: 1, iterations: 3, stepsPerStage: 300 });
    expect(outcome).toMatchObject({ status: "completed", step: 1800 });
    const truth = trueCrossCovariance(1);
    // forward: source → target, 20 000 paths (the Monte-Carlo error of the cross-covariance is then ≈ 2.5%)
    const x0 = samples(0, 20000, 3);
    const x1 = model.sample(x0, makeKey(4)).final;
    expect(gaussianKl({ mean: mu1, covariance: S1 }, { mean: columnMeans(x1), covariance: covariance(x1) })).toBeLessThan(0.05);
    expect(relativeError(crossCovariance(x0, x1), truth)).toBeLessThan(0.1);
    // backward: target → source with the backward drift alone
    const y1 = samples(1, 20000, 5);
    const y0 = model.sample(y1, makeKey(6), { direction: "backward" }).final;
    expect(gaussianKl({ mean: mu0, covariance: S0 }, { mean: columnMeans(y0), covariance: covariance(y0) })).toBeLessThan(0.05);
    expect(relativeError(crossCovariance(y0, y1), truth)).toBeLessThan(0.1);
    // diagnostics: two stages per iteration, each simulated marginal close to its data, and the coupling's transport
    // cost ½E‖X1 − X0‖² moving from the independent coupling's (closed form) to the SB's (closed form)
    expect(stages.map((s) => `${s.iteration}${s.network}`)).toEqual(["1forward", "1backward", "2forward", "2backward", "3forward", "3backward"]);
    const m2 = (mu1 as Float64Array).reduce((a, v) => a + v * v, 0);
    const independentCost = 0.5 * (m2 + trace(S0) + trace(S1));
    const sbCost = independentCost - trace(truth);
    expect(reference?.transportCost).toBeCloseTo(independentCost, 0);
    for (const s of stages) {
      expect(s.mismatch.meanError, `stage ${s.stage}`).toBeLessThan(0.2);
      expect(s.mismatch.covarianceError, `stage ${s.stage}`).toBeLessThan(0.2);
      expect(Math.abs(s.transportCost - sbCost) / sbCost, `stage ${s.stage}`).toBeLessThan(0.08);
    }
    // probability-flow ODE ½(f − b): the two drifts agree on the marginals (Nelson's relation)
    const ode = model.sample(samples(0, 5000, 7), makeKey(8), { mode: "ode" }).final;
    expect(gaussianKl({ mean: mu1, covariance: S1 }, { mean: columnMeans(ode), covariance: covariance(ode) })).toBeLessThan(0.1);
    model.dispose();
  }, 300_000);

  it("resumes an interrupted fit exactly, and its model folder loads and samples identically", async () => {
    const src = normal2d(makeKey(1), 400, 2);
    const tgt = normal2d(makeKey(2), 400, 2).data.map((v, i) => (i % 2 === 0 ? 2 + 0.5 * v : v));
    const target = { data: tgt, rows: 400, cols: 2 };
    const opts = { ...tinyNet, sigma: 0.7, iterations: 2, stepsPerStage: 15, pairs: 64, simulationSteps: 10, checkpointEvery: 10 };
    const dirA = mkdtempSync(join(tmpdir(), "sbkit-dsbm-a-"));
    const dirB = mkdtempSync(join(tmpdir(), "sbkit-dsbm-b-"));
    const whole = await fitDsbm(src, target, { ...opts, checkpointDir: dirA });
    let steps = 0;
    const first = await fitDsbm(src, target, { ...opts, checkpointDir: dirB, onStep: () => steps++, shouldStop: () => steps >= 22 });
    expect(first.outcome).toMatchObject({ status: "interrupted", step: 22 });
    first.model.dispose();
    const resumed = await fitDsbm(src, target, { ...opts, checkpointDir: dirB, resume: true });
    expect(resumed.outcome).toMatchObject({ status: "completed", step: 60 });
    // stage 1 (backward, steps 15–29) was interrupted; resuming rebuilds its data (and stage 0's report) and goes on
    expect(resumed.stages.map((s) => s.stage)).toEqual([0, 1, 2, 3]);
    expect(resumed.stages).toEqual(whole.stages);
    expect(resumed.model.lossHistory).toEqual(whole.model.lossHistory);
    const probe = normal2d(makeKey(3), 50, 2);
    for (const direction of ["forward", "backward"] as const) {
      expect(resumed.model.drift(0.3, probe, direction).data).toEqual(whole.model.drift(0.3, probe, direction).data);
    }
    const loaded = await loadModel(dirA);
    expect(loaded.settings).toMatchObject({ method: "dsbm", dimension: 2, sigma: 0.7, timeSteps: 10, iterations: 2, pairs: 64 });
    for (const direction of ["forward", "backward"] as const) {
      const a = whole.model.sample(probe, makeKey(9), { direction }).final;
      const b = loaded.sample(probe, makeKey(9), { direction }).final;
      expect(b.data).toEqual(a.data);
    }
    // resuming with other settings is refused
    await expect(fitDsbm(src, target, { ...opts, sigma: 0.5, checkpointDir: dirA, resume: true })).rejects.toThrow(/fitDsbm: checkpointDir was trained with sigma = 0.7, this fit asks for 0.5/);
    for (const m of [whole.model, resumed.model, loaded]) m.dispose();
  }, 120_000);

  it("rejects bad input with errors naming the argument", async () => {
    const x = normal2d(makeKey(1), 20, 2);
    const bad: [() => Promise<unknown>, RegExp][] = [
      [() => fitDsbm(x, x, {} as never), /fitDsbm: sigma must be/],
      [() => fitDsbm(x, x, { sigma: -1 }), /fitDsbm: sigma must be/],
      [() => fitDsbm(x, x, { sigma: 1, iterations: 0 }), /fitDsbm: iterations/],
      [() => fitDsbm(x, x, { sigma: 1, stepsPerStage: 1.5 }), /fitDsbm: stepsPerStage/],
      [() => fitDsbm(x, x, { sigma: 1, initialCoupling: "greedy" as never }), /fitDsbm: initialCoupling must be one of independent, exact, sinkhorn/],
      [() => fitDsbm(x, x, { sigma: 1, lossWeighting: "cubic" as never }), /fitDsbm: lossWeighting must be one of uniform, linear/],
      [() => fitDsbm(x, normal2d(makeKey(2), 20, 3), { sigma: 1 }), /fitDsbm: target has 3 columns, source has 2/],
      [() => fitDsbm([[0, 0], [1, Number.NaN]], x, { sigma: 1 }), /fitDsbm: source/],
      [() => fitDsbm(x, x, { sigma: 1, resume: true }), /fitDsbm: resume needs checkpointDir/],
    ];
    for (const [f, message] of bad) await expect(f()).rejects.toThrow(message);
  });

  it("sbkit fit --method dsbm writes a model that sbkit sample runs forward and backward", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbkit-dsbm-cli-"));
    const xs = join(dir, "x.npy");
    writeNpy2D(xs, normal2d(makeKey(1), 30, 2));
    const out = join(dir, "m");
    const fit = await runInProcess([registerFit], ["fit", "--method", "dsbm", "--source", "8gaussians", "--target", "moons", "--epsilon", "0.25", "--out", out, "--steps", "24", "--iterations", "2", "--trajectories", "64", "--time-steps", "8", "--hidden", "16", "--batch-size", "32", "--n", "300", "--json"]);
    expect(fit.code).toBe(0);
    const summary = JSON.parse(fit.stdout);
    expect(summary).toMatchObject({ method: "dsbm", status: "completed", steps: 24 });
    expect(summary.stages).toHaveLength(4);
    expect(fit.stderr).toMatch(/iteration 2 backward .*x0 vs source: mean error/);
    for (const direction of ["forward", "backward"]) {
      const y = join(dir, `${direction}.npy`);
      const s = await runInProcess([registerSample], ["sample", "--model", out, "--source", xs, "--direction", direction, "--out", y]);
      expect(s.code).toBe(0);
      expect(readNpy2D(y).rows).toBe(30);
    }
    const bad = await runInProcess([registerFit], ["fit", "--method", "dsbm", "--source", xs, "--target", "moons", "--out", join(dir, "z")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--epsilon is required for --method dsbm/);
    // --loss-weighting reaches the fit (saved in config.json) and is checked
    const lin = join(dir, "lin");
    const weighted = await runInProcess([registerFit], ["fit", "--method", "dsbm", "--source", xs, "--target", "moons", "--epsilon", "0.25", "--out", lin, "--steps", "4", "--iterations", "1", "--trajectories", "16", "--time-steps", "4", "--hidden", "8", "--batch-size", "8", "--n", "50", "--loss-weighting", "linear", "--json"]);
    expect(weighted.code).toBe(0);
    expect(JSON.parse(readFileSync(join(lin, "config.json"), "utf8")).settings).toMatchObject({ lossWeighting: "linear" });
    const badWeight = await runInProcess([registerFit], ["fit", "--method", "dsbm", "--source", xs, "--target", "moons", "--epsilon", "0.25", "--out", join(dir, "w"), "--loss-weighting", "cubic"]);
    expect(badWeight.code).toBe(1);
    expect(badWeight.stderr).toMatch(/--loss-weighting must be one of uniform, linear/);
  }, 60_000);
});
