/**
 * SB-FBSDE against truth: on Gaussian endpoints (d = 5, ε = 1) the learned forward SDE carries the source to the
 * target law and its plan's cross-covariance approaches the closed-form SB (gaussianSb); the backward SDE does
 * the same in reverse. Plus: model folders, deterministic resume, the CLI branch and bad input.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { frobeniusNorm, sub } from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { registerFit } from "../../src/cli/commands/fit.js";
import { gaussianKl } from "../../src/gaussian/gaussianKl.js";
import { loadCheckpoint } from "../../src/nn/checkpoint.js";
import { fitFbsde } from "../../src/solvers/fbsde.js";
import { ownSteps } from "../../src/solvers/fbsdeRun.js";
import { loadModel } from "../../src/solvers/loadModel.js";
import { fitBridgeMatching } from "../../src/solvers/simulationFree.js";
import { runInProcess } from "../cli/captureCli.js";
import { columnMeans, covariance, crossCovariance, mu0, mu1, S0, S1, samples, trueCrossCovariance } from "./gaussianBridge.js";

const source = normal2d(makeKey(1), 400, 2);
const target = normal2d(makeKey(2), 400, 2);
for (let k = 0; k < target.data.length; k++) target.data[k] = 0.5 * target.data[k] + 2;
const tiny = { sigma: 0.7, hiddenDims: [16, 16], batchSize: 32, trajectories: 64, timeSteps: 10 };

describe("SB-FBSDE on Gaussian endpoints (closed-form SB)", () => {
  it("d = 5, ε = 1: forward KL(p1, p̂1) < 0.03 and plan cross-covariance within 10% of the closed form; backward likewise; the marginal mismatch shrinks", async () => {
    const { model, outcome, stages } = await fitFbsde(samples(0, 20000, 1), samples(1, 20000, 2), {
      sigma: 1, stages: 10, stepsPerStage: 150, timeSteps: 50, trajectories: 4096, hiddenDims: [128, 128], learningRate: 2e-3, batchSize: 256,
    });
    expect(outcome).toMatchObject({ status: "completed", step: 1500 });
    expect(stages.map((s) => s.network)).toEqual(["backward", "forward", "backward", "forward", "backward", "forward", "backward", "forward", "backward", "forward"]);
    // stage 1 runs the reversal of the reference from the target: far from the source; the last stage is close
    expect(stages[1].mismatch.covarianceError).toBeGreaterThan(0.5);
    expect(stages[9].mismatch.covarianceError).toBeLessThan(0.15);
    expect(stages[9].mismatch.meanError).toBeLessThan(0.15);
    const truth = trueCrossCovariance(1);
    const x0 = samples(0, 10000, 3);
    const x1 = model.sample(x0, makeKey(4)).final; // on the training grid (50 steps)
    expect(gaussianKl({ mean: mu1, covariance: S1 }, { mean: columnMeans(x1), covariance: covariance(x1) })).toBeLessThan(0.03);
    expect(frobeniusNorm(sub(crossCovariance(x0, x1), truth)) / frobeniusNorm(truth)).toBeLessThan(0.1);
    const y1 = samples(1, 10000, 5);
    const y0 = model.sample(y1, makeKey(6), { direction: "backward" }).final;
    expect(gaussianKl({ mean: mu0, covariance: S0 }, { mean: columnMeans(y0), covariance: covariance(y0) })).toBeLessThan(0.03);
    expect(frobeniusNorm(sub(crossCovariance(y0, y1), truth)) / frobeniusNorm(truth)).toBeLessThan(0.12);
    model.dispose();
  }, 240_000);
});

describe("SB-FBSDE runs, model folders and input checks", () => {
  it("a saved model loads and samples identically in both directions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbkit-fbsde-"));
    const { model } = await fitFbsde(source, target, { ...tiny, stages: 2, stepsPerStage: 4, checkpointDir: dir });
    const loaded = await loadModel(dir);
    expect(loaded.settings).toMatchObject({ method: "fbsde", dimension: 2, sigma: 0.7, timeSteps: 10, stages: 2, stepsPerStage: 4 });
    expect(Object.keys(loaded.networks).sort()).toEqual(["backward", "forward"]);
    const x = normal2d(makeKey(9), 30, 2);
    for (const direction of ["forward", "backward"] as const) {
      const a = model.sample(x, makeKey(10), { direction });
      const b = loaded.sample(x, makeKey(10), { direction });
      expect(a.grid.length).toBe(11); // the training grid by default
      expect(Array.from(b.final.data)).toEqual(Array.from(a.final.data));
    }
    expect(loaded.lossHistory).toEqual(model.lossHistory);
    model.dispose();
    loaded.dispose();
  });

  it("a run interrupted mid-stage and resumed ends with exactly the weights of an uninterrupted run", async () => {
    const full = mkdtempSync(join(tmpdir(), "sbkit-fbsde-full-"));
    const cut = mkdtempSync(join(tmpdir(), "sbkit-fbsde-cut-"));
    const opts = { ...tiny, stages: 4, stepsPerStage: 5, seed: 3, checkpointEvery: 4, divergence: { kind: "hutchinson", probes: 2 } } as const;
    (await fitFbsde(source, target, { ...opts, checkpointDir: full })).model.dispose();
    let calls = 0;
    const first = await fitFbsde(source, target, { ...opts, checkpointDir: cut, shouldStop: () => ++calls >= 13 });
    expect(first.outcome).toMatchObject({ status: "interrupted", step: 13 });
    first.model.dispose();
    const second = await fitFbsde(source, target, { ...opts, checkpointDir: cut, resume: true });
    expect(second.outcome).toMatchObject({ status: "completed", step: 20 });
    expect(second.stages.map((s) => s.stage)).toEqual([2, 3]);
    second.model.dispose();
    const a = loadCheckpoint(full);
    const b = loadCheckpoint(cut);
    expect(b.lossHistory).toEqual(a.lossHistory);
    for (const net of ["forward", "backward"]) {
      for (const part of ["params", "adamM", "adamV"] as const) {
        for (const [k, v] of Object.entries(a.states[net][part])) expect(Array.from(b.states[net][part][k].data), `${net}/${part}/${k}`).toEqual(Array.from(v.data));
      }
    }
    // each network's own step count (Adam's bias correction) after k global steps
    expect([ownSteps("backward", 13, 5), ownSteps("forward", 13, 5)]).toEqual([8, 5]);
    expect([ownSteps("backward", 20, 5), ownSteps("forward", 20, 5)]).toEqual([10, 10]);
  });

  it("sbkit fit --method fbsde writes a model folder and reports each stage", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sbkit-fbsde-cli-")), "m");
    const r = await runInProcess([registerFit], ["fit", "--method", "fbsde", "--source", "gaussian:2", "--target", "8gaussians", "--epsilon", "0.25", "--out", out,
      "--steps", "8", "--stages", "2", "--time-steps", "8", "--hidden", "16,16", "--batch-size", "16", "--n", "200", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ method: "fbsde", status: "completed", steps: 8, out });
    expect(summary.stages.map((s: { network: string }) => s.network)).toEqual(["backward", "forward"]);
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8"))).toMatchObject({ method: "fbsde", step: 8, settings: { sigma: 0.5, stages: 2, stepsPerStage: 4, timeSteps: 8 } });
    const bad = await runInProcess([registerFit], ["fit", "--method", "fbsde", "--source", "gaussian:2", "--target", "moons", "--out", out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--epsilon is required for --method fbsde/);
    const one = await runInProcess([registerFit], ["fit", "--method", "fbsde", "--source", "gaussian:2", "--target", "moons", "--epsilon", "1", "--stages", "1", "--out", out]);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/--stages must be ≥ 2/);
  });

  it("rejects bad input with the function and argument named", async () => {
    const fit = (o: object, x = source, y = target) => fitFbsde(x, y, { ...tiny, stages: 2, stepsPerStage: 1, ...o } as never);
    await expect(fit({ sigma: undefined })).rejects.toThrow(/fitFbsde: sigma/);
    await expect(fit({ sigma: -1 })).rejects.toThrow(/fitFbsde: sigma/);
    await expect(fit({ stages: 1 })).rejects.toThrow(/fitFbsde: stages/);
    await expect(fit({ stepsPerStage: 0 })).rejects.toThrow(/fitFbsde: stepsPerStage/);
    await expect(fit({ timeSteps: 2.5 })).rejects.toThrow(/fitFbsde: timeSteps/);
    await expect(fit({ trajectories: 1 })).rejects.toThrow(/fitFbsde: trajectories/);
    await expect(fit({ divergence: { kind: "hutchinson", probes: 0 } })).rejects.toThrow(/fitFbsde: divergence.probes/);
    await expect(fit({}, source, normal2d(makeKey(3), 10, 3))).rejects.toThrow(/fitFbsde: target has 3 columns, source has 2/);
    await expect(fit({}, [[0, 0]] as never)).rejects.toThrow(/fitFbsde: source needs at least 2 rows/);
    await expect(fit({ resume: true })).rejects.toThrow(/fitFbsde: resume needs checkpointDir/);
    await expect(fit({ checkpointEvery: 0 })).rejects.toThrow(/fitFbsde: checkpointEvery/);
    await expect(fit({ batchSize: 0 })).rejects.toThrow(/fitFbsde: batchSize/);
    const other = mkdtempSync(join(tmpdir(), "sbkit-fbsde-other-"));
    (await fitBridgeMatching("cfm", source, target, { hiddenDims: [8], batchSize: 8, steps: 2, checkpointDir: other })).model.dispose();
    await expect(fit({ checkpointDir: other, resume: true })).rejects.toThrow(/holds a "cfm" model, not "fbsde"/);
    const mine = mkdtempSync(join(tmpdir(), "sbkit-fbsde-mine-"));
    (await fit({ checkpointDir: mine })).model.dispose();
    await expect(fit({ checkpointDir: mine, resume: true, stages: 4 })).rejects.toThrow(/was trained with stages = 2, this run asks for 4/);
  });
});
