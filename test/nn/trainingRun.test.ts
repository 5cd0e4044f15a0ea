import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { loadCheckpoint } from "../../src/nn/checkpoint.js";
import { loadModel } from "../../src/solvers/loadModel.js";
import { fitBridgeMatching } from "../../src/solvers/simulationFree.js";

const source = normal2d(makeKey(1), 500, 2);
const target = normal2d(makeKey(2), 500, 2);
for (let k = 0; k < target.data.length; k++) target.data[k] = 0.5 * target.data[k] + 2;
const small = { hiddenDims: [16, 16], timeEmbeddingDim: 8, batchSize: 32, sigma: 0.5 };

describe("training runs, checkpoints and resume", () => {
  it("a model folder round-trips: the loaded model gives identical samples", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbkit-ckpt-"));
    const { model, outcome } = await fitBridgeMatching("sf2m", source, target, { ...small, steps: 30, checkpointDir: dir, checkpointEvery: 10 });
    expect(outcome).toMatchObject({ status: "completed", step: 30 });
    expect(readdirSync(dir).sort()).toEqual(["config.json", "weights-30.safetensors"]);
    const loaded = await loadModel(dir);
    const x0 = normal2d(makeKey(9), 40, 2);
    const a = model.sample(x0, makeKey(10), { steps: 20 });
    const b = loaded.sample(x0, makeKey(10), { steps: 20 });
    expect(Array.from(b.final.data)).toEqual(Array.from(a.final.data));
    expect(loaded.lossHistory).toEqual(model.lossHistory);
    expect(loaded.settings).toMatchObject({ method: "sf2m", sigma: 0.5, dimension: 2, coupling: "sinkhorn" });
    model.dispose();
    loaded.dispose();
  });

  it("a run interrupted at step 12 and resumed ends with exactly the weights of an uninterrupted run", async () => {
    const full = mkdtempSync(join(tmpdir(), "sbkit-full-"));
    const cut = mkdtempSync(join(tmpdir(), "sbkit-cut-"));
    const opts = { ...small, steps: 25, seed: 4, checkpointEvery: 5 };
    (await fitBridgeMatching("otcfm", source, target, { ...opts, checkpointDir: full })).model.dispose();
    let calls = 0;
    const first = await fitBridgeMatching("otcfm", source, target, { ...opts, checkpointDir: cut, shouldStop: () => ++calls >= 12 });
    expect(first.outcome).toMatchObject({ status: "interrupted", step: 12 });
    expect(loadCheckpoint(cut).step).toBe(12);
    first.model.dispose();
    const second = await fitBridgeMatching("otcfm", source, target, { ...opts, checkpointDir: cut, resume: true });
    expect(second.outcome).toMatchObject({ status: "completed", step: 25 });
    second.model.dispose();
    const a = loadCheckpoint(full);
    const b = loadCheckpoint(cut);
    expect(b.lossHistory).toEqual(a.lossHistory);
    for (const part of ["params", "adamM", "adamV"] as const) {
      for (const [k, v] of Object.entries(a.states.flow[part])) expect(Array.from(b.states.flow[part][k].data)).toEqual(Array.from(v.data));
    }
  });

  it("refuses to resume a folder of another method, and reports an inconsistent folder clearly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sbkit-bad-"));
    (await fitBridgeMatching("cfm", source, target, { ...small, steps: 3, checkpointDir: dir })).model.dispose();
    await expect(fitBridgeMatching("otcfm", source, target, { ...small, steps: 5, checkpointDir: dir, resume: true })).rejects.toThrow(/holds a "cfm" model/);
    const cfg = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    cfg.step = 99;
    writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
    expect(() => loadCheckpoint(dir)).toThrow(/weights file is for step 3, config.json says 99/);
    expect(() => loadCheckpoint(join(dir, "nope"))).toThrow(/is not a model folder/);
    expect(existsSync(join(dir, "weights-3.safetensors"))).toBe(true);
  });
});
