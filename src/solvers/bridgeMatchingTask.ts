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
 * This file builds the {@link TrainingTask} of a method (browser-safe: no file-system imports); `fitBridgeMatching`
 * in simulationFree.ts trains it with checkpoint folders, the playground in `web/` steps it in the page.
 *
 * Minibatches: B source and B target rows drawn with replacement from `foldIn(batchKey, step)`, coupled, then one
 * `t ~ U[tMin, tMax]` and `z ~ N(0, I)` per pair.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkPositive } from "../core/errors.js";
import { foldIn, normal2d, split, uniform, type Key } from "../core/rng.js";
import type { MlpConfig } from "../nn/mlp.js";
import type { RegressionBatch } from "../nn/regressionTrainer.js";
import type { TrainingTask } from "../nn/trainingSession.js";
import type { ConditionalPath } from "../paths/conditionalPath.js";
import { brownianBridgePath, linearPath } from "../paths/paths.js";
import { coupleBatch, type CouplingKind } from "./coupling.js";
import { fitKeys, fitNetwork, resolveFit, sampleRows, type FitOptions, type ResolvedFit } from "./fitSettings.js";
import type { ModelSettings } from "./modelSettings.js";

/** The simulation-free bridge methods. */
export type BridgeMatchingMethod = "cfm" | "otcfm" | "sf2m";

/** Options of {@link fitBridgeMatching}. */
export interface BridgeMatchingOptions extends FitOptions {
  /**
   * σ of the reference `σ dW` (ε = σ²). sf2m: required (> 0). cfm/otcfm: the constant path noise (default 0).
   */
  readonly sigma?: number;
}

/** A method's training task with what is needed to start it and to build the model afterwards. */
export interface BridgeMatchingTask {
  readonly task: TrainingTask;
  /** The settings of the model the task trains. */
  readonly settings: ModelSettings;
  /** Key of the networks' initialization. */
  readonly init: Key;
  readonly resolved: ResolvedFit;
}

function rowsOf(x: Array2DLike, fn: string, arg: string): Array2D {
  const a = toArray2D(x, fn, arg);
  check(a.rows > 0, fn, arg, "is empty");
  checkAllFinite(a.data, fn, arg, a.cols);
  return a;
}

/** Validates the inputs of `method` and builds its training task between `source` (`[n, d]`) and `target` (`[m, d]`). */
export function bridgeMatchingTask(method: BridgeMatchingMethod, source: Array2DLike, target: Array2DLike, options: BridgeMatchingOptions = {}, fn = "bridgeMatchingTask"): BridgeMatchingTask {
  check(method === "cfm" || method === "otcfm" || method === "sf2m", fn, "method", `must be cfm, otcfm or sf2m (got ${String(method)})`);
  const x0 = rowsOf(source, fn, "source");
  const x1 = rowsOf(target, fn, "target");
  check(x0.cols === x1.cols, fn, "target", `has ${x1.cols} columns, source has ${x0.cols}`);
  const resolved = resolveFit(options, fn);
  const sigma = method === "sf2m" ? checkPositive(options.sigma ?? NaN, fn, "sigma") : (options.sigma ?? 0);
  check(Number.isFinite(sigma) && sigma >= 0, fn, "sigma", `must be a finite number ≥ 0 (got ${sigma})`);
  const path: ConditionalPath = method === "sf2m" ? brownianBridgePath(sigma) : linearPath(sigma);
  const coupling: CouplingKind = method === "cfm" ? "independent" : method === "otcfm" ? "exact" : "sinkhorn";
  const d = x0.cols;
  const settings: ModelSettings = { method, dimension: d, sigma, path: path.name, coupling };
  const networks: Record<string, MlpConfig> = method === "sf2m" ? { flow: fitNetwork(options, d, d), score: fitNetwork(options, d, d) } : { flow: fitNetwork(options, d, d) };
  const keys = fitKeys(resolved.seed);
  const b = resolved.batchSize;
  const task: TrainingTask = {
    method,
    settings: settings as unknown as Record<string, unknown>,
    networks,
    batch: (k) => bridgeBatch(path, coupling, sigma, x0, x1, b, foldIn(keys.batches, k)),
  };
  return { task, settings, init: keys.init, resolved };
}

/** The regression batches of one step (flow, and score for sf2m). */
function bridgeBatch(path: ConditionalPath, coupling: CouplingKind, sigma: number, source: Array2D, target: Array2D, b: number, key: Key): Record<string, RegressionBatch> {
  const [ks, kt, kc, ktime, kz] = split(key, 5);
  const pair = coupleBatch(sampleRows(source, ks, b), sampleRows(target, kt, b), kc, { kind: coupling, epsilon: sigma * sigma });
  const t = uniform(ktime, b, path.tMin, path.tMax);
  const z = normal2d(kz, b, source.cols);
  const xt = path.sample(t, pair.x0, pair.x1, z);
  const flow: RegressionBatch = { x: xt, t, target: path.velocity(t, pair.x0, pair.x1, z) };
  if (coupling !== "sinkhorn") return { flow };
  const weight = new Float64Array(b);
  for (let i = 0; i < b; i++) weight[i] = path.std(t[i]) ** 2;
  return { flow, score: { x: xt, t, target: path.score(t, z), weight } };
}

