/**
 * A training run held in memory, as a state machine: `start` (or `restore` from a {@link Checkpoint} object), then
 * `update()` one step at a time. It touches no file system, so a browser drives it directly (the playground in
 * `web/` yields to the event loop between steps); {@link TrainingRun} (trainingRun.ts) adds checkpoint folders,
 * resume and the plain `run()` loop on top.
 *
 * Determinism: network `i` starts from `foldIn(key, i)`, and the batch of step `k` must be a pure function of `k`
 * (solvers draw it from `foldIn(batchKey, k)`), so a run restored at step k takes exactly the steps an
 * uninterrupted run would.
 */
import { check, checkInteger } from "../core/errors.js";
import { foldIn, type Key } from "../core/rng.js";
import type { NetworkConfig } from "./architecture.js";
import type { Checkpoint } from "./checkpointData.js";
import type { TimeNetwork } from "./network.js";
import { RegressionTrainer, type RegressionBatch, type TrainerOptions } from "./regressionTrainer.js";

/** What a solver hands to the training run. */
export interface TrainingTask {
  /** Solver name saved in the checkpoint. */
  readonly method: string;
  /** Solver settings saved in the checkpoint (JSON-serializable). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The networks to train, by name. */
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  /** The batch of every network for (0-based) step `k`; must depend only on `k`. */
  batch(k: number): Readonly<Record<string, RegressionBatch>>;
}

/** Options of a run. */
export interface TrainingRunOptions extends TrainerOptions {
  /** Total optimizer steps. */
  readonly steps: number;
}

/** Progress of one step. */
export interface StepReport {
  /** Steps done (1-based after the first update). */
  readonly step: number;
  readonly steps: number;
  /** Sum of the networks' losses at this step. */
  readonly loss: number;
  /** Loss of each network. */
  readonly losses: Readonly<Record<string, number>>;
}

/** One trainer per network of `task`; network `i` (in the order of `task.networks`) starts from `foldIn(key, i)`. */
async function startTrainers(task: TrainingTask, key: Key, options: TrainingRunOptions, fn: string): Promise<Record<string, RegressionTrainer>> {
  checkInteger(options.steps, fn, "options.steps", 1);
  const trainers: Record<string, RegressionTrainer> = {};
  let i = 0;
  for (const [name, cfg] of Object.entries(task.networks)) trainers[name] = await RegressionTrainer.create(cfg, foldIn(key, i++), { totalSteps: options.steps, ...options });
  return trainers;
}

/** The trainers of `task` restored from `saved` (method and architectures must match). */
async function restoreTrainers(task: TrainingTask, saved: Checkpoint, options: TrainingRunOptions, fn: string, arg: string): Promise<Record<string, RegressionTrainer>> {
  check(saved.method === task.method, fn, arg, `holds a "${saved.method}" model, not "${task.method}"`);
  const trainers: Record<string, RegressionTrainer> = {};
  for (const [name, cfg] of Object.entries(task.networks)) {
    check(JSON.stringify(saved.networks[name]) === JSON.stringify(cfg), fn, arg, `network "${name}" in the checkpoint has a different architecture`);
    trainers[name] = await RegressionTrainer.restore(cfg, saved.states[name], { totalSteps: options.steps, ...options });
  }
  return trainers;
}

/** A training run of one or more networks on a {@link TrainingTask}, in memory. */
export class TrainingSession {
  private readonly history: number[];

  protected constructor(
    readonly task: TrainingTask,
    readonly options: TrainingRunOptions,
    private readonly trainers: Record<string, RegressionTrainer>,
    private k: number,
    history: readonly number[],
  ) {
    this.history = [...history];
  }

  /** A fresh run; network `i` (in the order of `task.networks`) starts from `foldIn(key, i)`. */
  static async start(task: TrainingTask, key: Key, options: TrainingRunOptions): Promise<TrainingSession> {
    return new TrainingSession(task, options, await startTrainers(task, key, options, "TrainingSession.start"), 0, []);
  }

  /** Continues the run held in `saved` (its method and networks must match `task`). */
  static async restore(task: TrainingTask, saved: Checkpoint, options: TrainingRunOptions): Promise<TrainingSession> {
    const trainers = await restoreTrainers(task, saved, options, "TrainingSession.restore", "saved");
    return new TrainingSession(task, options, trainers, saved.step, saved.lossHistory);
  }

  /** For subclasses: the trainers of a fresh run (see {@link TrainingSession.start}). */
  protected static startTrainers(task: TrainingTask, key: Key, options: TrainingRunOptions, fn: string): Promise<Record<string, RegressionTrainer>> {
    return startTrainers(task, key, options, fn);
  }

  /** For subclasses: the trainers restored from a checkpoint (see {@link TrainingSession.restore}). */
  protected static restoreTrainers(task: TrainingTask, saved: Checkpoint, options: TrainingRunOptions, fn: string, arg: string): Promise<Record<string, RegressionTrainer>> {
    return restoreTrainers(task, saved, options, fn, arg);
  }

  /** Steps done so far. */
  get step(): number {
    return this.k;
  }

  /** True once `options.steps` steps are done. */
  get done(): boolean {
    return this.k >= this.options.steps;
  }

  /** Loss per step so far (sum over networks). */
  get lossHistory(): readonly number[] {
    return this.history;
  }

  /** One optimizer step of every network on the batch of the current step. */
  update(): StepReport {
    check(!this.done, "TrainingRun.update", "step", `the run already took its ${this.options.steps} steps`);
    const batches = this.task.batch(this.k);
    const losses: Record<string, number> = {};
    let loss = 0;
    for (const [name, trainer] of Object.entries(this.trainers)) {
      const b = batches[name];
      check(b !== undefined, "TrainingRun.update", "task.batch", `gave no batch for network "${name}"`);
      losses[name] = trainer.step(b).loss;
      loss += losses[name];
    }
    this.k++;
    this.history.push(Number(loss.toPrecision(6)));
    return { step: this.k, steps: this.options.steps, loss, losses };
  }

  /** The EMA (or current) weights of network `name` as a standalone network. */
  network(name: string, ema = true): TimeNetwork {
    const t = this.trainers[name];
    check(t !== undefined, "TrainingRun.network", "name", `must be one of ${Object.keys(this.trainers).join(", ")} (got ${name})`);
    return t.network(ema);
  }

  /** The full state (what {@link TrainingRun.save} writes to a folder). */
  checkpoint(): Checkpoint {
    const states: Checkpoint["states"] = Object.fromEntries(Object.entries(this.trainers).map(([n, t]) => [n, t.state()]));
    return { method: this.task.method, settings: this.task.settings, step: this.k, totalSteps: this.options.steps, lossHistory: this.history, networks: this.task.networks, states };
  }

  /** Releases device memory. */
  dispose(): void {
    for (const t of Object.values(this.trainers)) t.dispose();
  }
}
