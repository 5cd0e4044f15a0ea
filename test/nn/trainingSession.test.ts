/**
 * The in-memory training state machine the browser drives (src/browser.ts): stepping a TrainingSession by hand
 * gives exactly the model of `fitBridgeMatching` (the Node path with TrainingRun), and restoring a session from
 * its checkpoint object continues exactly as an uninterrupted session.
 */
import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { TrainingSession } from "../../src/nn/trainingSession.js";
import { BridgeModel } from "../../src/solvers/bridgeModel.js";
import { bridgeMatchingTask } from "../../src/solvers/bridgeMatchingTask.js";
import { fitRunOptions } from "../../src/solvers/fitSettings.js";
import { fitBridgeMatching } from "../../src/solvers/simulationFree.js";

const source = normal2d(makeKey(11), 300, 2);
const target = normal2d(makeKey(12), 300, 2);
for (let k = 0; k < target.data.length; k++) target.data[k] = 0.5 * target.data[k] + 2;
const options = { hiddenDims: [16, 16], timeEmbeddingDim: 8, batchSize: 32, sigma: 0.5, steps: 12, seed: 3 };

async function stepAll(session: TrainingSession): Promise<void> {
  while (!session.done) session.update();
}

describe("TrainingSession (browser-safe training)", () => {
  it("stepped by hand, gives the same sf2m model as fitBridgeMatching", async () => {
    const plan = bridgeMatchingTask("sf2m", source, target, options);
    const session = await TrainingSession.start(plan.task, plan.init, fitRunOptions(options, plan.resolved));
    await stepAll(session);
    const networks = Object.fromEntries(Object.keys(plan.task.networks).map((n) => [n, session.network(n)]));
    const byHand = new BridgeModel(plan.settings, networks, session.lossHistory);
    const { model } = await fitBridgeMatching("sf2m", source, target, options);
    expect(byHand.settings).toEqual(model.settings);
    expect(byHand.lossHistory).toEqual(model.lossHistory);
    const x0 = normal2d(makeKey(13), 25, 2);
    expect(Array.from(byHand.sample(x0, makeKey(14), { steps: 10 }).final.data)).toEqual(Array.from(model.sample(x0, makeKey(14), { steps: 10 }).final.data));
    session.dispose();
    byHand.dispose();
    model.dispose();
  });

  it("restored from its checkpoint object at step 5, ends with the weights of an uninterrupted session", async () => {
    const plan = bridgeMatchingTask("otcfm", source, target, options);
    const runOptions = fitRunOptions(options, plan.resolved);
    const full = await TrainingSession.start(plan.task, plan.init, runOptions);
    await stepAll(full);
    const cut = await TrainingSession.start(plan.task, plan.init, runOptions);
    for (let k = 0; k < 5; k++) cut.update();
    const restored = await TrainingSession.restore(plan.task, cut.checkpoint(), runOptions);
    cut.dispose();
    expect(restored.step).toBe(5);
    await stepAll(restored);
    expect(restored.lossHistory).toEqual(full.lossHistory);
    const x = normal2d(makeKey(15), 20, 2);
    expect(Array.from(restored.network("flow").predict(x, 0.3).data)).toEqual(Array.from(full.network("flow").predict(x, 0.3).data));
    expect(() => restored.update()).toThrow(/already took its 12 steps/);
    const other = bridgeMatchingTask("cfm", source, target, options);
    await expect(TrainingSession.restore(other.task, full.checkpoint(), runOptions)).rejects.toThrow(/holds a "otcfm" model, not "cfm"/);
    restored.dispose();
    full.dispose();
  });
});
