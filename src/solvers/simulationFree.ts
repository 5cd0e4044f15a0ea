/**
 * Simulation-free bridge matching between two sample sets (Tong et al. 2024, "Improving and generalizing
 * flow-based generative models with minibatch optimal transport"; Tong et al. 2024, "Simulation-free Schrödinger
 * bridges via score and flow matching"):
 *
 * - `cfm` (I-CFM): independent coupling, path `x_t = (1−t)x0 + t x1 + σ z`, loss `‖v_θ(t, x_t) − (x1 − x0)‖²`.
 * - `otcfm`: the same with the exact minibatch OT coupling.
 * - `sf2m` ([SF]²M): minibatch Sinkhorn coupling with `ε = σ²` (the static SB of `σ dW`), Brownian-bridge path
 *   `x_t = (1−t)x0 + t x1 + σ√(t(1−t)) z`, flow loss `‖v_θ − u_t‖²` with `u_t = x1 − x0 + γ'(t) z`, and score loss
 *   `γ(t)² ‖s_θ − (−z/γ(t))‖²`. Sampling: `dX = [v_θ + (σ²/2) s_θ] dt + σ dW`.
 *
 * The training task of each method is built in bridgeMatchingTask.ts (no file-system imports, for browsers);
 * this file trains it with checkpoint folders.
 *
 * Minibatches: B source and B target rows drawn with replacement from `foldIn(batchKey, step)`, coupled, then one
 * `t ~ U[tMin, tMax]` and `z ~ N(0, I)` per pair.
 */
import type { Array2DLike } from "../core/array2d.js";
import type { RunOutcome } from "../nn/trainingRun.js";
import { BridgeModel } from "./bridgeModel.js";
import { bridgeMatchingTask, type BridgeMatchingMethod, type BridgeMatchingOptions } from "./bridgeMatchingTask.js";
import { trainTask } from "./fitOptions.js";

export type { BridgeMatchingMethod, BridgeMatchingOptions } from "./bridgeMatchingTask.js";

/** A fitted model with how its training ended. */
export interface FitResult {
  readonly model: BridgeModel;
  readonly outcome: RunOutcome;
}

/** Fits `method` between the source and target samples (`[n, d]`, `[m, d]`). */
export async function fitBridgeMatching(method: BridgeMatchingMethod, source: Array2DLike, target: Array2DLike, options: BridgeMatchingOptions = {}): Promise<FitResult> {
  const { task, settings, init, resolved } = bridgeMatchingTask(method, source, target, options, "fitBridgeMatching");
  const { run, outcome } = await trainTask(task, options, resolved, init);
  const model = new BridgeModel(settings, Object.fromEntries(Object.keys(task.networks).map((n) => [n, run.network(n)])), run.lossHistory);
  run.dispose();
  return { model, outcome };
}
