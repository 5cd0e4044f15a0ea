/**
 * The alternating-stage driver shared by DSB (IPF; De Bortoli et al. 2021, Alg. 1) and DSBM-IPF (IMF; Shi et al.
 * 2023, Alg. 1): two networks, `forward` (drift f) and `backward` (reverse-time drift b; conventions in
 * bridgeModel.ts), trained in turns. Stage s trains one network for `stepsPerStage` optimizer steps by weighted least
 * squares ({@link RegressionTrainer}) on data built at the start of the stage by simulating the network trained in
 * stage s − 1, frozen at its EMA weights; stage 0 uses data that needs no network (the reference process, or the
 * initial coupling). Networks are warm-started: each keeps its weights, Adam moments and EMA from its previous
 * stage, and a learning-rate schedule spans all of one network's steps.
 *
 * After stage s the driver reports the loss of the stage and the {@link MarginalMismatch} of the trained network's
 * simulated end points (forward: from the source, against the target; backward: from the target, against the
 * source). Those simulations are the ones that build stage s + 1's data, so the report costs nothing extra except
 * after the last stage, which simulates once more.
 *
 * Checkpoints and resume: the folder holds one standard model checkpoint (src/nn/checkpoint.ts; `loadModel` reads
 * it at any time) with both networks' full trainer states and the global step k (the stage is ⌊k / stepsPerStage⌋).
 * It is written every `checkpointEvery` steps, at the end of every stage, at the end and on interruption. Resuming
 * restores both trainers and rebuilds the current stage's data — a pure function of the stage and the frozen
 * network's saved weights — so a resumed fit takes exactly the steps of an uninterrupted one.
 *
 * Determinism: `forward` starts from `foldIn(init, 0)`, `backward` from `foldIn(init, 1)`; a stage's batch for
 * global step k must depend only on k and the stage's data.
 */
import type { Array2D } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import { foldIn, type Key } from "../core/rng.js";
import type { NetworkConfig } from "../nn/architecture.js";
import { loadCheckpoint, saveCheckpoint } from "../nn/checkpoint.js";
import type { TimeNetwork } from "../nn/network.js";
import { RegressionTrainer, type RegressionBatch, type TrainerOptions } from "../nn/regressionTrainer.js";
import type { RunOutcome, StepReport } from "../nn/trainingRun.js";
import type { FitOptions } from "./fitOptions.js";
import type { MarginalMismatch } from "./ipfDiagnostics.js";

/** The two networks of a two-drift model. */
export type DriftName = "forward" | "backward";

/** The data set that simulated end points should match: the source (t = 0) or the target (t = 1). */
export type DataSide = "source" | "target";

/** Paths simulated by one network (or the reference), summarized. */
export interface Simulation {
  /** End points of the paths (`[n, d]`): at t = 1 for forward paths, at t = 0 for backward ones. */
  readonly endpoints: Array2D;
  /** The data the end points should match (`"target"` for forward paths, `"source"` for backward ones). */
  readonly side: DataSide;
  /** Mean transport cost `½ E‖X_1 − X_0‖²` of the coupling the paths define. */
  readonly transportCost: number;
}

/** The training data of one stage. */
export interface StageData {
  /** The minibatch of the trained network for global step k. */
  batch(k: number): RegressionBatch;
  /** The paths simulated to build the data (by the previous stage's network, or the reference), if any. */
  readonly simulation?: Simulation;
}

/** What a solver hands to {@link runStages}. */
export interface StagePlan {
  /** Method name saved in the checkpoint. */
  readonly method: string;
  /** The public function running the plan (named in error messages). */
  readonly fn: string;
  /** Settings saved in `config.json` (the model settings plus every setting that determines the training). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly networks: Readonly<Record<DriftName, NetworkConfig>>;
  readonly stages: number;
  readonly stepsPerStage: number;
  /** The network trained in stage 0; stages alternate from there. */
  readonly first: DriftName;
  /** Initialization key of the networks. */
  readonly init: Key;
  /** Builds stage s's data; `frozen` is the network trained in stage s − 1 (undefined for s = 0). */
  prepare(stage: number, frozen: TimeNetwork | undefined): StageData;
  /** Simulates network `name` from its own start data (for the report after the last stage). */
  simulate(name: DriftName, net: TimeNetwork, stage: number): Simulation;
  /** Mismatch of simulated end points against the data of `side`. */
  mismatch(side: DataSide, endpoints: Array2D, stage: number): MarginalMismatch;
}

/** What one stage did. */
export interface StageReport {
  readonly stage: number;
  /** The outer (IPF / IMF) iteration, `⌊stage / 2⌋ + 1`. */
  readonly iteration: number;
  /** The network trained in this stage. */
  readonly network: DriftName;
  /** Mean loss over the last quarter of the stage's steps (compare within one network). */
  readonly loss: number;
  /** End points of the trained network's simulation against the data they should reach. */
  readonly mismatch: MarginalMismatch;
  /** Mean transport cost `½ E‖X_1 − X_0‖²` of the coupling made by the trained network's simulation. */
  readonly transportCost: number;
}

/** Options of {@link runStages}: the optimizer and loop parts of {@link FitOptions}, plus a stage callback. */
export interface StageRunOptions extends Pick<FitOptions, "learningRate" | "schedule" | "emaDecay" | "gradientClip" | "checkpointDir" | "checkpointEvery" | "resume" | "onStep" | "shouldStop"> {
  /** Called once per finished stage, when its mismatch is known. */
  readonly onStage?: (report: StageReport) => void;
}

/** Stage 0's own data (DSB: the reference process; DSBM: the initial coupling) against the data it should match. */
export interface ReferenceReport {
  readonly mismatch: MarginalMismatch;
  /** Mean transport cost `½ E‖X_1 − X_0‖²` of the coupling the paths define. */
  readonly transportCost: number;
}

/** Result of {@link runStages}. */
export interface StageRunResult {
  readonly networks: Record<DriftName, TimeNetwork>;
  readonly outcome: RunOutcome;
  /** Reports of the stages finished (or, after a resume, re-simulated) in this call. */
  readonly stages: StageReport[];
  /** Stage 0's simulated paths, when it has some (DSB: the reference alone), against their data. */
  readonly reference: ReferenceReport | undefined;
  readonly lossHistory: readonly number[];
}

/** The network trained in `stage`. */
export function stageNetwork(first: DriftName, stage: number): DriftName {
  return stage % 2 === 0 ? first : other(first);
}

function other(name: DriftName): DriftName {
  return name === "forward" ? "backward" : "forward";
}

/** Optimizer steps of network `name` among the first `k` global steps. */
export function ownSteps(first: DriftName, name: DriftName, k: number, stepsPerStage: number): number {
  const full = Math.floor(k / stepsPerStage);
  const parity = name === first ? 0 : 1;
  const count = parity === 0 ? Math.ceil(full / 2) : Math.floor(full / 2);
  return count * stepsPerStage + (full % 2 === parity ? k % stepsPerStage : 0);
}

function stageLoss(history: readonly number[], stage: number, stepsPerStage: number): number {
  const end = Math.min(history.length, (stage + 1) * stepsPerStage);
  const start = Math.max(stage * stepsPerStage, end - Math.max(1, Math.floor(stepsPerStage / 4)));
  let s = 0;
  for (let i = start; i < end; i++) s += history[i];
  return end > start ? s / (end - start) : NaN;
}

/** Trains `plan` to completion or interruption (see the module notes). */
export async function runStages(plan: StagePlan, options: StageRunOptions): Promise<StageRunResult> {
  const fn = plan.fn;
  const S = checkInteger(plan.stepsPerStage, fn, "plan.stepsPerStage", 1);
  const stages = checkInteger(plan.stages, fn, "plan.stages", 1);
  const total = stages * S;
  const every = checkInteger(options.checkpointEvery ?? 500, fn, "checkpointEvery", 1);
  const dir = options.checkpointDir;
  const trainerOptions = (name: DriftName): TrainerOptions => ({
    learningRate: options.learningRate,
    schedule: options.schedule,
    emaDecay: options.emaDecay,
    gradientClip: options.gradientClip,
    totalSteps: Math.max(1, ownSteps(plan.first, name, total, S)),
  });
  const names: DriftName[] = ["forward", "backward"];
  const trainers = {} as Record<DriftName, RegressionTrainer>;
  let k = 0;
  let history: number[] = [];
  const t0 = performance.now();
  try {
    if (options.resume === true) {
      check(dir !== undefined, fn, "resume", "needs checkpointDir (the folder to resume from)");
      const saved = loadCheckpoint(dir);
      check(saved.method === plan.method, fn, "checkpointDir", `holds a "${saved.method}" model, not "${plan.method}"`);
      for (const [key, value] of Object.entries(plan.settings)) {
        check(JSON.stringify(saved.settings[key]) === JSON.stringify(value), fn, "checkpointDir", `was trained with ${key} = ${JSON.stringify(saved.settings[key])}, this fit asks for ${JSON.stringify(value)}`);
      }
      check(saved.step <= total, fn, "checkpointDir", `is at step ${saved.step}, beyond this fit's ${total} steps`);
      for (const name of names) {
        check(JSON.stringify(saved.networks[name]) === JSON.stringify(plan.networks[name]), fn, "checkpointDir", `network "${name}" in the checkpoint has a different architecture`);
        const state = { ...saved.states[name], step: ownSteps(plan.first, name, saved.step, S) };
        trainers[name] = await RegressionTrainer.restore(plan.networks[name], state, trainerOptions(name));
      }
      k = saved.step;
      history = [...saved.lossHistory];
    } else {
      trainers.forward = await RegressionTrainer.create(plan.networks.forward, foldIn(plan.init, 0), trainerOptions("forward"));
      trainers.backward = await RegressionTrainer.create(plan.networks.backward, foldIn(plan.init, 1), trainerOptions("backward"));
    }
    const save = (): void => {
      if (dir === undefined) return;
      saveCheckpoint(dir, {
        method: plan.method,
        settings: plan.settings,
        step: k,
        totalSteps: total,
        lossHistory: history,
        networks: plan.networks,
        states: { forward: trainers.forward.state(), backward: trainers.backward.state() },
      });
    };
    const reports: StageReport[] = [];
    const report = (stage: number, sim: Simulation): void => {
      const network = stageNetwork(plan.first, stage);
      const r = { stage, iteration: Math.floor(stage / 2) + 1, network, loss: stageLoss(history, stage, S), mismatch: plan.mismatch(sim.side, sim.endpoints, stage), transportCost: sim.transportCost };
      reports.push(r);
      options.onStage?.(r);
    };
    let reference: StageRunResult["reference"];
    let status: RunOutcome["status"] = "completed";
    for (let stage = Math.floor(k / S); stage < stages && status === "completed"; stage++) {
      const name = stageNetwork(plan.first, stage);
      const frozen = stage === 0 ? undefined : trainers[other(name)].network();
      let data: StageData;
      try {
        data = plan.prepare(stage, frozen);
      } finally {
        frozen?.dispose();
      }
      const sim = data.simulation;
      if (sim !== undefined) {
        if (stage === 0) reference = { mismatch: plan.mismatch(sim.side, sim.endpoints, 0), transportCost: sim.transportCost };
        else report(stage - 1, sim);
      }
      while (k < (stage + 1) * S) {
        const loss = trainers[name].step(data.batch(k)).loss;
        k++;
        history.push(Number(loss.toPrecision(6)));
        const step: StepReport = { step: k, steps: total, loss, losses: { [name]: loss } };
        options.onStep?.(step);
        if (k % every === 0 && k < total) save();
        if (k % 10 === 0) await new Promise((r) => setTimeout(r, 0));
        if (k < total && options.shouldStop?.() === true) {
          status = "interrupted";
          break;
        }
      }
      if (status === "completed" && k < total && k % every !== 0) save();
    }
    if (status === "completed") {
      const last = stageNetwork(plan.first, stages - 1);
      const net = trainers[last].network();
      try {
        report(stages - 1, plan.simulate(last, net, stages));
      } finally {
        net.dispose();
      }
    }
    save();
    const networks = { forward: trainers.forward.network(), backward: trainers.backward.network() };
    return { networks, outcome: { status, step: k, seconds: (performance.now() - t0) / 1000 }, stages: reports, reference, lossHistory: history };
  } finally {
    for (const name of names) trainers[name]?.dispose();
  }
}
