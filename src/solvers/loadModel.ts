/**
 * Reading a fitted {@link BridgeModel} back from the model folder that `fit` writes (see src/nn/checkpoint.ts for
 * the format). Kept apart from bridgeModel.ts so that the model itself has no file-system imports.
 */
import { loadCheckpoint } from "../nn/checkpoint.js";
import { TimeNetwork } from "../nn/network.js";
import { BridgeModel } from "./bridgeModel.js";
import type { ModelSettings } from "./modelSettings.js";

/** Loads a model folder written by `fit` (the EMA weights when the run kept them). */
export async function loadModel(dir: string): Promise<BridgeModel> {
  const c = loadCheckpoint(dir);
  const settings = c.settings as unknown as ModelSettings;
  const networks: Record<string, TimeNetwork> = {};
  for (const [name, cfg] of Object.entries(c.networks)) {
    const s = c.states[name];
    networks[name] = await TimeNetwork.fromTensors(cfg, s.ema ?? s.params);
  }
  return new BridgeModel(settings, networks, c.lossHistory);
}
