/**
 * SB-FBSDE: likelihood training of the Schrödinger bridge by its forward–backward SDEs (Chen, Liu & Theodorou,
 * ICLR 2022, "Likelihood Training of Schrödinger Bridge using Forward-Backward SDEs Theory", Alg. 1 "alternate
 * training"), with the reference `dX = σ dW` on t ∈ [0, 1], ε = σ².
 *
 * The SB is the pair of SDEs `dX = σZ dt + σ dW` (from the source) and its time reversal, which in reverse time
 * `Y_s = X_{1−s}` reads `dY = σẐ ds + σ dW` (from the target); Z = σ∇log Ψ, Ẑ = σ∇log Ψ̂, and Z + Ẑ = σ∇log p_t
 * (Nelson's relation). We learn the two drifts of a two-drift model (bridgeModel.ts) directly: `f = σZ` (network
 * `forward`, forward time) and `b = σẐ` (network `backward`, reverse time: a step from t to t − Δ is
 * `X + b(t, X)Δ + σ√Δ ξ`), so f + b = ε∇log p_t. The paper's objectives for Ẑ on forward paths and for Z on
 * backward paths (Thm. 4 and its alternate-training losses, with drift 0 and diffusion σ),
 *
 *   ∫ E_fwd[½‖Ẑ‖² + σ∇·Ẑ + ẐᵀZ] dt   and   ∫ E_bwd[½‖Z‖² + σ∇·Z + ZᵀẐ] dt,
 *
 * multiplied by ε and written in the drifts, are
 *
 *   L_b = ∫ E_fwd[½‖b‖² + b·f + ε∇·b] dt   (minimizer b = ε∇log q_t − f: the time reversal of the forward SDE),
 *   L_f = ∫ E_bwd[½‖f‖² + f·b + ε∇·f] dt   (minimizer f = ε∇log q̂_t − b: the time reversal of the backward SDE),
 *
 * where q_t, q̂_t are the marginals of the simulated paths (integrate E_q[∇·u] = −E_q[u·∇log q] by parts).
 *
 * Stages alternate: even stages train `b` on paths of the frozen forward SDE from the source (stage 0 uses the
 * reference, f ≡ 0), odd stages train `f` on paths of the frozen backward SDE from the target — the IPF
 * half-bridges (Kullback 1968; De Bortoli et al. 2021), each fit by the divergence (likelihood) objective instead of
 * mean matching. Each stage simulates and caches its paths once (fbsdeTrajectories.ts); each step draws B cached
 * states at uniform (path, time) pairs. The divergence is exact or Hutchinson's estimate (src/nn/divergence.ts).
 *
 * Determinism: stage s simulates with `foldIn(pathKey, s)`, step k draws with `foldIn(batchKey, k)`; the network
 * that simulates a stage is frozen during it, so a run resumed from a checkpoint takes exactly the same steps.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { split } from "../core/rng.js";
import { checkDivergenceEstimator, type DivergenceEstimator } from "../nn/divergence.js";
import type { RunOutcome } from "../nn/trainingRun.js";
import { BridgeModel } from "./bridgeModel.js";
import { fitKeys, fitNetwork, type FitOptions } from "./fitSettings.js";
import { runFbsdeStages, type FbsdePlan } from "./fbsdeRun.js";
import type { MarginalMismatch } from "./fbsdeTrajectories.js";
import type { ModelSettings } from "./modelSettings.js";

/**
 * Options of {@link fitFbsde}. `steps` of {@link FitOptions} is replaced by `stages × stepsPerStage`; the
 * learning-rate `schedule` restarts every stage. Defaults that differ from the other fits: `timeEmbeddingDim` 0
 * (raw t: the drifts are trained only at the grid times t_n, and the sinusoidal embedding's frequencies up to 1000
 * would let them vary wildly in between), `emaDecay` 0.99 (each stage changes the objective; a longer average
 * would mix stages).
 */
export interface FbsdeOptions extends Omit<FitOptions, "steps"> {
  /** σ of the reference `σ dW` (required, > 0; ε = σ²). */
  readonly sigma: number;
  /** Alternations (default 10; at least 2, so that both networks are trained; even ends on the forward drift). */
  readonly stages?: number;
  /** Optimizer steps per stage (default 200). */
  readonly stepsPerStage?: number;
  /** Euler–Maruyama steps of the simulated paths on [0, 1] (default 100; sample the model with the same). */
  readonly timeSteps?: number;
  /** Paths simulated and cached per stage (default 4096). */
  readonly trajectories?: number;
  /** How `∇·` is computed (default: exact for d ≤ 3, else Hutchinson with one Rademacher probe). */
  readonly divergence?: DivergenceEstimator;
}

/** What one stage did: which network it trained, its mean objective and the mismatch of its simulated paths. */
export interface FbsdeStageReport {
  readonly stage: number;
  /** The network trained in this stage. */
  readonly network: "forward" | "backward";
  /** Mean objective over the last quarter of the stage's steps (compare within a network only). */
  readonly loss: number;
  /**
   * End points of the stage's simulated paths against the data they should reach: forward paths (from the
   * source) against the target, backward paths (from the target) against the source.
   */
  readonly mismatch: MarginalMismatch;
}

/** A fitted SB-FBSDE model, how training ended, and a report per stage run in this call. */
export interface FbsdeFitResult {
  readonly model: BridgeModel;
  readonly outcome: RunOutcome;
  /** Stages run (or continued) by this call, in order. */
  readonly stages: readonly FbsdeStageReport[];
}

/** Settings of an fbsde model as saved in `config.json`. */
export interface FbsdeSettings extends ModelSettings {
  readonly method: "fbsde";
  readonly stages: number;
  readonly stepsPerStage: number;
  readonly timeSteps: number;
  readonly trajectories: number;
  readonly divergence: DivergenceEstimator;
}

function rowsOf(x: Array2DLike, fn: string, arg: string): Array2D {
  const a = toArray2D(x, fn, arg);
  check(a.rows >= 2, fn, arg, `needs at least 2 rows (got ${a.rows})`);
  checkAllFinite(a.data, fn, arg, a.cols);
  return a;
}

/** Validates the options and fills in defaults. */
export function resolveFbsdeSettings(options: FbsdeOptions, dimension: number, fn: string): FbsdeSettings {
  check(typeof options === "object" && options !== null, fn, "options", "must be an object with at least sigma");
  const sigma = checkPositive(options.sigma, fn, "sigma");
  const stages = checkInteger(options.stages ?? 10, fn, "stages", 2);
  const stepsPerStage = checkInteger(options.stepsPerStage ?? 200, fn, "stepsPerStage", 1);
  const timeSteps = checkInteger(options.timeSteps ?? 100, fn, "timeSteps", 1);
  const trajectories = checkInteger(options.trajectories ?? 4096, fn, "trajectories", 2);
  const divergence = checkDivergenceEstimator(options.divergence ?? (dimension <= 3 ? { kind: "exact" } : { kind: "hutchinson", probes: 1 }), fn, "divergence");
  return { method: "fbsde", dimension, sigma, stages, stepsPerStage, timeSteps, trajectories, divergence };
}

/**
 * Fits the SB between source and target samples (`[n, d]`, `[m, d]`) by alternating likelihood training.
 * The model holds `forward` (f) and `backward` (b); `model.sample` runs `dX = f dt + σ dW` from source points
 * or, with `direction: "backward"`, the reverse-time SDE with drift b from target points, by default on the
 * training grid (`timeSteps`).
 */
export async function fitFbsde(source: Array2DLike, target: Array2DLike, options: FbsdeOptions): Promise<FbsdeFitResult> {
  const fn = "fitFbsde";
  const x0 = rowsOf(source, fn, "source");
  const x1 = rowsOf(target, fn, "target");
  check(x0.cols === x1.cols, fn, "target", `has ${x1.cols} columns, source has ${x0.cols}`);
  const settings = resolveFbsdeSettings(options, x0.cols, fn);
  const batchSize = checkInteger(options.batchSize ?? 256, fn, "batchSize", 1);
  const seed = checkInteger(options.seed ?? 0, fn, "seed", 0);
  if (options.learningRate !== undefined) checkPositive(options.learningRate, fn, "learningRate");
  if (options.checkpointEvery !== undefined) checkInteger(options.checkpointEvery, fn, "checkpointEvery", 1);
  if (options.resume === true) check(options.checkpointDir !== undefined, fn, "resume", "needs checkpointDir (the folder to resume from)");
  const d = x0.cols;
  const keys = fitKeys(seed);
  const [pathKey, batchKey] = split(keys.batches, 2);
  const network = fitNetwork({ ...options, timeEmbeddingDim: options.timeEmbeddingDim ?? 0 }, d, d);
  const plan: FbsdePlan = { settings, source: x0, target: x1, batchSize, networks: { forward: network, backward: network }, init: keys.init, pathKey, batchKey };
  const { networks, outcome, stages, lossHistory } = await runFbsdeStages(plan, options);
  const model = new BridgeModel(settings, networks, lossHistory);
  return { model, outcome, stages };
}
