/**
 * DSB: Diffusion Schrödinger Bridge by iterative proportional fitting (De Bortoli, Thornton, Heng & Doucet,
 * NeurIPS 2021, Alg. 1), for the reference `dX = σ dW` on [0, 1] (ε = σ²) discretized on N uniform steps
 * γ = 1/N, between source samples (t = 0, the paper's data p_data) and target samples (t = 1, its prior p_prior).
 *
 * IPF iteration n (stages 2n − 2 and 2n − 1 of {@link runStages}):
 * 1. backward stage — simulate M forward paths from source rows with the current forward drift (iteration 1: the
 *    reference itself, f ≡ 0, so this stage is score-based generative modeling on the finite horizon [0, 1]) and
 *    fit the backward drift b by mean matching (dsbTrajectories.ts): b is the time reversal of the forward chain.
 *    This is the half-bridge with the target marginal imposed.
 * 2. forward stage — simulate M backward paths from target rows with b and fit the forward drift f by mean
 *    matching: the time reversal of the backward chain, the half-bridge with the source marginal imposed.
 * Each stage simulates and caches its paths once; every step draws B cached (time, state, target) rows. Networks
 * are warm-started from their previous stage. The model is the two drifts (bridgeModel.ts conventions; the
 * paper's mean functions are `x + γ f(t_k, x)` and `x + γ b(t_{k+1}, x)`), sampled by default on the fit's grid.
 *
 * Diagnostics (result and `onStage`): after each stage, the end points of the trained network's simulation against
 * the data they should reach — backward-generated x0 against the source, forward-generated x1 against the target —
 * which IPF drives down (the paper's analysis: IPF iterates are monotone in KL); `reference` is the
 * reference's own mismatch at t = 1, where IPF starts.
 *
 * Checkpoints (`checkpointDir`) are standard model folders (`loadModel`); resume continues mid-stage exactly.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { foldIn, makeKey } from "../core/rng.js";
import type { TimeNetwork } from "../nn/network.js";
import { BridgeModel } from "./bridgeModel.js";
import { networkField } from "./dsbmBridge.js";
import type { TwoDriftFitResult } from "./dsbm.js";
import { drawMeanMatchingBatch, simulateMeanMatching } from "./dsbTrajectories.js";
import { fitKeys, fitNetwork, resolveFit, sampleRows, type FitOptions } from "./fitOptions.js";
import { marginalMismatch } from "./ipfDiagnostics.js";
import { runStages, stageNetwork, type StagePlan, type StageReport } from "./ipfStages.js";
import type { ModelSettings } from "./modelSettings.js";

/** Options of {@link fitDsb} (`steps` of {@link FitOptions} is `2 · iterations · stepsPerStage`). */
export interface DsbOptions extends Omit<FitOptions, "steps"> {
  /** σ of the reference `σ dW` (required, > 0; ε = σ²). */
  readonly sigma: number;
  /** IPF iterations, each a backward and a forward stage (default 5). */
  readonly iterations?: number;
  /** Optimizer steps of each stage (one network; default 1000). */
  readonly stepsPerStage?: number;
  /**
   * N, the uniform time steps γ = 1/N of the discretized bridge (default 20; the model's default sampling grid).
   * The fit has an O(γ) bias besides its training noise: every transition keeps the variance σ²γ, while the exact
   * time reversal of such a chain does not. Computed exactly for linear drifts and infinite data (the Gaussian
   * endpoints of the d = 5, ε = 1 test), the plan cross-covariance after 4 IPF iterations is off by 2.9% forward and
   * 9.0% backward at N = 20, 2.3% / 6.6% at N = 30, 1.6% / 4.6% at N = 50 (bench/dsbBias.ts); more IPF iterations
   * do not remove it.
   * It sits mostly on the chain that starts from the narrower marginal (swapping that test's endpoints swaps the two
   * numbers). Non-uniform grids help little: at N = 20 the best tried (geometric steps, 4× finer at t = 1) gives
   * 3.7% / 7.7%, symmetric grids finer at both ends 2.5–2.7% / 8.6–9.4%.
   */
  readonly timeSteps?: number;
  /**
   * Paths M simulated and cached per stage; a stage regresses on their N·M states, whose targets carry noise of
   * variance σ²N per coordinate, so too few paths overfit that noise (d = 5, N = 20: drift error 21% with 4096
   * paths, 11% with 16 384). Default `clamp(2²² / (N·d), 1024, 8192)`: 8192 in low dimension, fewer when the cache
   * (M·N·d·16 bytes) would pass 64 MB.
   */
  readonly trajectories?: number;
  /** Called once per finished stage with its diagnostics. */
  readonly onStage?: (report: StageReport) => void;
}

/** Settings of a dsb model as saved in `config.json`. */
export interface DsbSettings extends ModelSettings {
  readonly method: "dsb";
  readonly timeSteps: number;
  readonly iterations: number;
  readonly stepsPerStage: number;
  readonly trajectories: number;
  readonly batchSize: number;
  readonly seed: number;
}

function rowsOf(x: Array2DLike, fn: string, arg: string): Array2D {
  const a = toArray2D(x, fn, arg);
  check(a.rows >= 2, fn, arg, `needs at least 2 rows (got ${a.rows})`);
  checkAllFinite(a.data, fn, arg, a.cols);
  return a;
}

/** Fits DSB between `source` `[n, d]` (t = 0) and `target` `[m, d]` (t = 1); see the module notes. */
export async function fitDsb(source: Array2DLike, target: Array2DLike, options: DsbOptions): Promise<TwoDriftFitResult> {
  const fn = "fitDsb";
  const x0 = rowsOf(source, fn, "source");
  const x1 = rowsOf(target, fn, "target");
  check(x0.cols === x1.cols, fn, "target", `has ${x1.cols} columns, source has ${x0.cols}`);
  check(typeof options === "object" && options !== null, fn, "options", "must be an object with at least sigma");
  const sigma = checkPositive(options.sigma, fn, "sigma");
  const iterations = checkInteger(options.iterations ?? 5, fn, "iterations", 1);
  const stepsPerStage = checkInteger(options.stepsPerStage ?? 1000, fn, "stepsPerStage", 1);
  const timeSteps = checkInteger(options.timeSteps ?? 20, fn, "timeSteps", 1);
  const trajectories = checkInteger(options.trajectories ?? Math.max(1024, Math.min(8192, Math.floor(2 ** 22 / (timeSteps * x0.cols)))), fn, "trajectories", 2);
  const resolved = resolveFit({ ...options, steps: 2 * iterations * stepsPerStage }, fn);
  const d = x0.cols;
  const eps = sigma * sigma;
  const settings: DsbSettings = { method: "dsb", dimension: d, sigma, timeSteps, iterations, stepsPerStage, trajectories, batchSize: resolved.batchSize, seed: resolved.seed };
  const keys = fitKeys(resolved.seed);
  const simKey = foldIn(makeKey(resolved.seed), 2);
  const b = resolved.batchSize;
  /** Paths of `direction` with drift `net` (undefined: the reference) from data rows drawn for `stage`. */
  const simulate = (direction: "forward" | "backward", net: TimeNetwork | undefined, stage: number, withTargets: boolean) => {
    const stageKey = foldIn(simKey, stage);
    const start = sampleRows(direction === "forward" ? x0 : x1, foldIn(stageKey, 0), trajectories);
    const drift = net === undefined ? undefined : networkField(net);
    return simulateMeanMatching(direction, drift, sigma, start, timeSteps, foldIn(stageKey, 1), withTargets);
  };
  const plan: StagePlan = {
    method: "dsb",
    fn,
    settings: settings as unknown as Record<string, unknown>,
    networks: { forward: fitNetwork(options, d, d), backward: fitNetwork(options, d, d) },
    stages: 2 * iterations,
    stepsPerStage,
    first: "backward",
    init: keys.init,
    prepare(stage, frozen) {
      // the backward network learns from forward paths and vice versa
      const cache = simulate(stageNetwork("backward", stage) === "backward" ? "forward" : "backward", frozen, stage, true);
      return { simulation: cache.simulation, batch: (k) => drawMeanMatchingBatch(cache, foldIn(keys.batches, k), b) };
    },
    simulate: (name, net, stage) => simulate(name, net, stage, false).simulation,
    mismatch: (side, endpoints, stage) => marginalMismatch(endpoints, side === "target" ? x1 : x0, eps, foldIn(foldIn(simKey, stage), 2)),
  };
  const run = await runStages(plan, options);
  const model = new BridgeModel(settings, run.networks, run.lossHistory);
  return { model, outcome: run.outcome, stages: run.stages, reference: run.reference };
}
