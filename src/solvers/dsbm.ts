/**
 * DSBM-IPF: Diffusion Schrödinger Bridge Matching by Iterative Markovian Fitting (Shi, De Bortoli, Campbell &
 * Doucet, NeurIPS 2023, Alg. 1, the variant that alternates forward and backward fits), for the reference
 * `dX = σ dW` on [0, 1] (ε = σ²) between source samples (t = 0) and target samples (t = 1).
 *
 * Iteration n (stages 2n − 2 and 2n − 1 of {@link runStages}):
 * 1. forward stage — Markovian projection of the current coupling by bridge matching of the forward drift f
 *    (targets `(x1 − x_t)/(1 − t)`, dsbmBridge.ts). Iteration 1 uses the initial coupling: independent pairs
 *    (π = μ ⊗ ν, the default), or minibatch exact OT / Sinkhorn (ε = σ²) pairs (coupling.ts), redrawn every step;
 *    later iterations use the pairs (x̂0, x1) of the previous backward simulation.
 * 2. backward stage — reciprocal projection: simulate `dX = f dt + σ dW` from `pairs` source rows to get (x0, x̂1),
 *    then bridge-match the reverse-time drift b on those pairs (targets `(x0 − x_t)/t`).
 * The next forward stage starts by simulating b backward from `pairs` target rows, giving (x̂0, x1). Each network
 * is warm-started from its previous stage. Forward stages keep the target marginal exact in the pairs, backward
 * stages the source marginal, which keeps the marginal errors from accumulating over iterations.
 *
 * Diagnostics per stage (result and `onStage`): the simulated end points of the network just trained against the
 * data they should reach (forward: target; backward: source), and the transport cost `½E‖X_1 − X_0‖²` of the
 * coupling it makes, which moves from the initial coupling's cost (`reference`: `pairs` pairs of the initial
 * coupling, whose x1 half is target data) to the Schrödinger bridge's.
 *
 * Checkpoints (`checkpointDir`) are standard model folders (`loadModel`), written during and after the fit; resume
 * continues mid-stage exactly (ipfStages.ts).
 */
import { array2d, checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { foldIn, makeKey, split } from "../core/rng.js";
import type { TimeNetwork } from "../nn/network.js";
import type { RunOutcome } from "../nn/trainingRun.js";
import { BridgeModel } from "./bridgeModel.js";
import { coupleBatch, COUPLING_KINDS, type CouplingKind } from "./coupling.js";
import { BRIDGE_LOSS_WEIGHTINGS, bridgeMatchingBatch, simulateDrift, type BridgeLossWeighting } from "./dsbmBridge.js";
import { fitKeys, fitNetwork, resolveFit, sampleRows, type FitOptions } from "./fitOptions.js";
import { marginalMismatch, meanTransportCost } from "./ipfDiagnostics.js";
import { runStages, stageNetwork, type DriftName, type ReferenceReport, type Simulation, type StagePlan, type StageReport } from "./ipfStages.js";
import type { ModelSettings } from "./modelSettings.js";

/** Options of {@link fitDsbm} (`steps` of {@link FitOptions} is `2 · iterations · stepsPerStage`). */
export interface DsbmOptions extends Omit<FitOptions, "steps"> {
  /** σ of the reference `σ dW` (required, > 0; ε = σ²). */
  readonly sigma: number;
  /** Outer IMF iterations, each a forward and a backward stage (default 4). */
  readonly iterations?: number;
  /** Optimizer steps of each stage (one network; default 1000). */
  readonly stepsPerStage?: number;
  /** Euler–Maruyama steps of the simulations on [0, 1] (default 50; also the model's default sampling grid). */
  readonly simulationSteps?: number;
  /** Pairs simulated per stage to form the new coupling (default 4096). */
  readonly pairs?: number;
  /** Coupling of iteration 1 (default `"independent"`; `"exact"` = minibatch OT, `"sinkhorn"` with ε = σ²). */
  readonly initialCoupling?: CouplingKind;
  /**
   * Loss weighting of bridge matching over t (default `"uniform"`, the paper's loss; `"linear"`: w = 1 − t for the
   * forward drift, t for the backward one — same minimizer, bounded target noise; better for long fits, see
   * dsbmBridge.ts).
   */
  readonly lossWeighting?: BridgeLossWeighting;
  /** Called once per finished stage with its diagnostics. */
  readonly onStage?: (report: StageReport) => void;
}

/** Settings of a dsbm model as saved in `config.json`. */
export interface DsbmSettings extends ModelSettings {
  readonly method: "dsbm";
  readonly timeSteps: number;
  readonly iterations: number;
  readonly stepsPerStage: number;
  readonly pairs: number;
  readonly initialCoupling: CouplingKind;
  readonly lossWeighting: BridgeLossWeighting;
  readonly batchSize: number;
  readonly seed: number;
}

/** A fitted two-drift model, how training ended, and the diagnostics of every stage run in this call. */
export interface TwoDriftFitResult {
  readonly model: BridgeModel;
  readonly outcome: RunOutcome;
  /** Stages finished (or, after a resume, re-simulated) in this call, in order. */
  readonly stages: readonly StageReport[];
  /**
   * Where the iterations start, when stage 0 ran in this call: DSB, the reference `x0 + σW_1` from the source
   * against the target; DSBM, the initial coupling (its transport cost).
   */
  readonly reference: ReferenceReport | undefined;
}

/** The first `count` rows of the row-wise concatenation of `parts`. */
function stackRows(parts: readonly Array2D[], count: number): Array2D {
  const d = parts[0].cols;
  const out = new Float64Array(count * d);
  let r = 0;
  for (const p of parts) {
    const take = Math.min(p.rows, count - r);
    out.set(p.data.subarray(0, take * d), r * d);
    r += take;
  }
  return array2d(out, count, d);
}

function rowsOf(x: Array2DLike, fn: string, arg: string): Array2D {
  const a = toArray2D(x, fn, arg);
  check(a.rows >= 2, fn, arg, `needs at least 2 rows (got ${a.rows})`);
  checkAllFinite(a.data, fn, arg, a.cols);
  return a;
}

/** Fits DSBM-IPF between `source` `[n, d]` (t = 0) and `target` `[m, d]` (t = 1); see the module notes. */
export async function fitDsbm(source: Array2DLike, target: Array2DLike, options: DsbmOptions): Promise<TwoDriftFitResult> {
  const fn = "fitDsbm";
  const x0 = rowsOf(source, fn, "source");
  const x1 = rowsOf(target, fn, "target");
  check(x0.cols === x1.cols, fn, "target", `has ${x1.cols} columns, source has ${x0.cols}`);
  check(typeof options === "object" && options !== null, fn, "options", "must be an object with at least sigma");
  const sigma = checkPositive(options.sigma, fn, "sigma");
  const iterations = checkInteger(options.iterations ?? 4, fn, "iterations", 1);
  const stepsPerStage = checkInteger(options.stepsPerStage ?? 1000, fn, "stepsPerStage", 1);
  const timeSteps = checkInteger(options.simulationSteps ?? 50, fn, "simulationSteps", 1);
  const pairs = checkInteger(options.pairs ?? 4096, fn, "pairs", 2);
  const initialCoupling = options.initialCoupling ?? "independent";
  check(COUPLING_KINDS.includes(initialCoupling), fn, "initialCoupling", `must be one of ${COUPLING_KINDS.join(", ")} (got ${String(initialCoupling)})`);
  const lossWeighting = options.lossWeighting ?? "uniform";
  check(BRIDGE_LOSS_WEIGHTINGS.includes(lossWeighting), fn, "lossWeighting", `must be one of ${BRIDGE_LOSS_WEIGHTINGS.join(", ")} (got ${String(lossWeighting)})`);
  const resolved = resolveFit({ ...options, steps: 2 * iterations * stepsPerStage }, fn);
  const d = x0.cols;
  const eps = sigma * sigma;
  const settings: DsbmSettings = { method: "dsbm", dimension: d, sigma, timeSteps, iterations, stepsPerStage, pairs, initialCoupling, lossWeighting, batchSize: resolved.batchSize, seed: resolved.seed };
  const keys = fitKeys(resolved.seed);
  const simKey = foldIn(makeKey(resolved.seed), 2);
  const b = resolved.batchSize;
  const startRows = (name: DriftName, stage: number) => sampleRows(name === "forward" ? x0 : x1, foldIn(foldIn(simKey, stage), 0), pairs);
  const simulate = (name: DriftName, net: TimeNetwork, stage: number): { pair: [Array2D, Array2D]; sim: Simulation } => {
    const start = startRows(name, stage);
    const end = simulateDrift(name, net, sigma, start, timeSteps, foldIn(foldIn(simKey, stage), 1));
    const pair: [Array2D, Array2D] = name === "forward" ? [start, end] : [end, start];
    return { pair, sim: { endpoints: end, side: name === "forward" ? "target" : "source", transportCost: meanTransportCost(pair[0], pair[1]) } };
  };
  /** `pairs` pairs of the initial coupling (in batches of B, as training draws them), for the report. */
  const initialCouplingSample = (stage: number): Simulation => {
    const key = foldIn(foldIn(simKey, stage), 3);
    const halves: Array2D[][] = [[], []];
    for (let i = 0; i * b < pairs; i++) {
      const [ks, kt, kc] = split(foldIn(key, i), 3);
      const pair = coupleBatch(sampleRows(x0, ks, b), sampleRows(x1, kt, b), kc, { kind: initialCoupling, epsilon: eps });
      halves[0].push(pair.x0);
      halves[1].push(pair.x1);
    }
    const [a, c] = halves.map((h) => stackRows(h, pairs));
    return { endpoints: c, side: "target", transportCost: meanTransportCost(a, c) };
  };
  const plan: StagePlan = {
    method: "dsbm",
    fn,
    settings: settings as unknown as Record<string, unknown>,
    networks: { forward: fitNetwork(options, d, d), backward: fitNetwork(options, d, d) },
    stages: 2 * iterations,
    stepsPerStage,
    first: "forward",
    init: keys.init,
    prepare(stage, frozen) {
      const name = stageNetwork("forward", stage);
      if (frozen === undefined) {
        return {
          simulation: initialCouplingSample(stage),
          batch(k) {
            const [ks, kt, kc, kb] = split(foldIn(keys.batches, k), 4);
            const pair = coupleBatch(sampleRows(x0, ks, b), sampleRows(x1, kt, b), kc, { kind: initialCoupling, epsilon: eps });
            return bridgeMatchingBatch(name, pair.x0, pair.x1, sigma, kb, lossWeighting);
          },
        };
      }
      const { pair, sim } = simulate(name === "forward" ? "backward" : "forward", frozen, stage);
      return {
        simulation: sim,
        batch(k) {
          const [ki, kb] = split(foldIn(keys.batches, k), 2);
          // the same key draws the same rows of both halves, so the pairs stay pairs
          return bridgeMatchingBatch(name, sampleRows(pair[0], ki, b), sampleRows(pair[1], ki, b), sigma, kb, lossWeighting);
        },
      };
    },
    simulate: (name, net, stage) => simulate(name, net, stage).sim,
    mismatch: (side, endpoints, stage) => marginalMismatch(endpoints, side === "target" ? x1 : x0, eps, foldIn(foldIn(simKey, stage), 2)),
  };
  const run = await runStages(plan, options);
  const model = new BridgeModel(settings, run.networks, run.lossHistory);
  return { model, outcome: run.outcome, stages: run.stages, reference: run.reference };
}
