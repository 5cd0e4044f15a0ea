/**
 * The stage loop of SB-FBSDE (see fbsde.ts): start or resume, simulate each stage's paths with the frozen
 * network, take the stage's optimizer steps on the other network, checkpoint every N steps into a standard model
 * folder (src/nn/checkpoint.ts: networks `forward` and `backward`), report progress, stop on request.
 */
import type { Array2D } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { foldIn, split, type Key } from "../core/rng.js";
import type { NetworkConfig } from "../nn/architecture.js";
import { loadCheckpoint, saveCheckpoint } from "../nn/checkpoint.js";
import { DivergenceTrainer, type DivergenceTrainerOptions } from "../nn/divergenceTrainer.js";
import type { TimeNetwork } from "../nn/network.js";
import { learningRateAt, type LearningRateSchedule } from "../nn/schedule.js";
import type { RunOutcome } from "../nn/trainingRun.js";
import type { VectorField } from "../sde/types.js";
import type { FbsdeOptions, FbsdeSettings, FbsdeStageReport } from "./fbsde.js";
import { drawFromCache, marginalMismatch, simulateTrajectories, type TrajectoryCache } from "./fbsdeTrajectories.js";

/** Everything the loop needs (internal). */
export interface FbsdePlan {
  readonly settings: FbsdeSettings;
  readonly source: Array2D;
  readonly target: Array2D;
  readonly batchSize: number;
  readonly networks: { readonly forward: NetworkConfig; readonly backward: NetworkConfig };
  /** Initialization key: `forward` from `foldIn(init, 0)`, `backward` from `foldIn(init, 1)`. */
  readonly init: Key;
  /** Stage s simulates with `foldIn(pathKey, s)`. */
  readonly pathKey: Key;
  /** Step k draws its minibatch and probes with `foldIn(batchKey, k)`. */
  readonly batchKey: Key;
}

/** The trained networks, how the run ended, per-stage reports and the loss per step. */
export interface FbsdeRunResult {
  readonly networks: { forward: TimeNetwork; backward: TimeNetwork };
  readonly outcome: RunOutcome;
  readonly stages: FbsdeStageReport[];
  readonly lossHistory: number[];
}

/** The network trained in stage s: `backward` in even stages, `forward` in odd ones. */
export function stageNetwork(stage: number): "forward" | "backward" {
  return stage % 2 === 0 ? "backward" : "forward";
}

/** Steps network `name` has taken after `k` global steps of `stepsPerStage` per stage. */
export function ownSteps(name: "forward" | "backward", k: number, stepsPerStage: number): number {
  const stage = Math.floor(k / stepsPerStage);
  const parity = name === "backward" ? 0 : 1;
  let n = 0;
  for (let s = 0; s < stage; s++) if (s % 2 === parity) n += stepsPerStage;
  if (stage % 2 === parity) n += k - stage * stepsPerStage;
  return n;
}

const TRAINING_KEYS = ["method", "dimension", "sigma", "stages", "stepsPerStage", "timeSteps", "trajectories", "divergence"] as const;

function driftOf(net: TimeNetwork): VectorField {
  return (t, x) => net.predict(x, t);
}

/** Runs (or resumes) the stages to completion or interruption. */
export async function runFbsdeStages(plan: FbsdePlan, options: Omit<FbsdeOptions, "sigma">): Promise<FbsdeRunResult> {
  const { settings } = plan;
  const perStage = settings.stepsPerStage;
  const total = settings.stages * perStage;
  const eps = settings.sigma * settings.sigma;
  // Both objectives are ½‖u‖² + u·(other drift) + ε∇·u (g = −other, c = ε), minimized by u = ε∇log q − other.
  // The learning rate is passed per step (the schedule restarts every stage).
  const trainerOptions: DivergenceTrainerOptions = {
    learningRate: options.learningRate,
    emaDecay: options.emaDecay ?? 0.99,
    gradientClip: options.gradientClip,
    divergence: settings.divergence,
    coefficient: eps,
  };
  const trainers = {} as Record<"forward" | "backward", DivergenceTrainer>;
  let k = 0;
  let history: number[] = [];
  if (options.resume === true) {
    const fn = "fitFbsde";
    const dir = options.checkpointDir as string;
    const saved = loadCheckpoint(dir);
    check(saved.method === "fbsde", fn, "checkpointDir", `holds a "${saved.method}" model, not "fbsde"`);
    for (const key of TRAINING_KEYS) {
      check(JSON.stringify(saved.settings[key]) === JSON.stringify(settings[key]), fn, "checkpointDir", `was trained with ${key} = ${JSON.stringify(saved.settings[key])}, this run asks for ${JSON.stringify(settings[key])}`);
    }
    k = saved.step;
    history = [...saved.lossHistory];
    for (const name of ["forward", "backward"] as const) {
      check(JSON.stringify(saved.networks[name]) === JSON.stringify(plan.networks[name]), fn, "checkpointDir", `network "${name}" in the checkpoint has a different architecture`);
      trainers[name] = await DivergenceTrainer.restore(plan.networks[name], { ...saved.states[name], step: ownSteps(name, k, perStage) }, trainerOptions);
    }
  } else {
    trainers.forward = await DivergenceTrainer.create(plan.networks.forward, foldIn(plan.init, 0), trainerOptions);
    trainers.backward = await DivergenceTrainer.create(plan.networks.backward, foldIn(plan.init, 1), trainerOptions);
  }
  const save = (): void => {
    if (options.checkpointDir === undefined) return;
    saveCheckpoint(options.checkpointDir, {
      method: "fbsde",
      settings: settings as unknown as Record<string, unknown>,
      step: k,
      totalSteps: total,
      lossHistory: history,
      networks: plan.networks,
      states: { forward: trainers.forward.state(), backward: trainers.backward.state() },
    });
  };
  const every = options.checkpointEvery ?? 500;
  // The schedule restarts every stage (each stage is a new objective).
  const schedule: LearningRateSchedule = options.schedule ?? { kind: "constant" };
  const peak = options.learningRate ?? 1e-3;
  const t0 = performance.now();
  const reports: FbsdeStageReport[] = [];
  let cache: TrajectoryCache | undefined;
  let cacheStage = -1;
  let stageLosses: number[] = [];
  let status: RunOutcome["status"] = "completed";
  const closeStage = (): void => {
    if (cache === undefined) return;
    const tail = stageLosses.slice(Math.floor((3 * stageLosses.length) / 4));
    const loss = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
    const data = cache.direction === "forward" ? plan.target : plan.source;
    reports.push({ stage: cacheStage, network: stageNetwork(cacheStage), loss, mismatch: marginalMismatch(cache.endpoints, data) });
  };
  try {
    while (k < total) {
      const stage = Math.floor(k / perStage);
      if (stage !== cacheStage) {
        closeStage();
        cache = simulateStage(plan, stage, trainers);
        cacheStage = stage;
        stageLosses = [];
      }
      const name = stageNetwork(stage);
      const [draw, probes] = split(foldIn(plan.batchKey, k), 2);
      const batch = drawFromCache(cache as TrajectoryCache, draw, plan.batchSize);
      for (let j = 0; j < batch.drift.data.length; j++) batch.drift.data[j] = -batch.drift.data[j];
      const lr = learningRateAt(schedule, peak, k - stage * perStage, perStage);
      const loss = trainers[name].step({ ...batch, key: probes }, lr).loss;
      k++;
      stageLosses.push(loss);
      history.push(Number(loss.toPrecision(6)));
      options.onStep?.({ step: k, steps: total, loss, losses: { [name]: loss } });
      if (options.checkpointDir !== undefined && k % every === 0 && k < total) save();
      if (k % 10 === 0) await new Promise((r) => setTimeout(r, 0));
      if (options.shouldStop?.() === true && k < total) {
        status = "interrupted";
        break;
      }
    }
  } catch (e) {
    trainers.forward.dispose();
    trainers.backward.dispose();
    throw e;
  }
  closeStage();
  save();
  const networks = { forward: trainers.forward.network(), backward: trainers.backward.network() };
  trainers.forward.dispose();
  trainers.backward.dispose();
  return { networks, outcome: { status, step: k, seconds: (performance.now() - t0) / 1000 }, stages: reports, lossHistory: history };
}

/** Simulates the paths of stage s with the frozen network (the reference f ≡ 0 in stage 0). */
function simulateStage(plan: FbsdePlan, stage: number, trainers: Record<"forward" | "backward", DivergenceTrainer>): TrajectoryCache {
  const { settings } = plan;
  const key = foldIn(plan.pathKey, stage);
  if (stageNetwork(stage) === "backward") {
    if (stage === 0) {
      const zero: VectorField = (_t, x) => ({ data: new Float64Array(x.data.length), rows: x.rows, cols: x.cols });
      return simulateTrajectories("forward", zero, settings.sigma, plan.source, settings.trajectories, settings.timeSteps, key);
    }
    const net = trainers.forward.network();
    try {
      return simulateTrajectories("forward", driftOf(net), settings.sigma, plan.source, settings.trajectories, settings.timeSteps, key);
    } finally {
      net.dispose();
    }
  }
  const net = trainers.backward.network();
  try {
    return simulateTrajectories("backward", driftOf(net), settings.sigma, plan.target, settings.trajectories, settings.timeSteps, key);
  } finally {
    net.dispose();
  }
}
