/**
 * A training run as a state machine: `start` (or `resume` from a checkpoint folder), then `update()` one step at a
 * time — so the CLI, outer loops (IPF/IMF) and the browser drive the same object — with `run()` as the plain loop
 * that adds checkpoints every N steps, progress callbacks and interruption.
 *
 * Determinism: network `i` starts from `foldIn(key, i)`, and the batch of step `k` must be a pure function of `k`
 * (solvers draw it from `foldIn(batchKey, k)`), so a run interrupted at step k and resumed from its checkpoint
 * takes exactly the steps an uninterrupted run would.
 */
import { check, checkInteger } from "../core/errors.js";
import { foldIn, type Key } from "../core/rng.js";
import type { NetworkConfig } from "./architecture.js";
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from "./checkpoint.js";
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

/** How a call to {@link TrainingRun.run} ended. */
export interface RunOutcome {
  readonly status: "completed" | "interrupted";
  readonly step: number;
  readonly seconds: number;
}

/** Options of {@link TrainingRun.run}. */
export interface RunLoopOptions {
  /** Folder to checkpoint into (also written at the end and on interruption). */
  readonly checkpointDir?: string;
  /** Checkpoint every N steps (default 1000; needs `checkpointDir`). */
  readonly checkpointEvery?: number;
  /** Called after every step. */
  readonly onStep?: (report: StepReport) => void;
  /** Polled after every step; returning true stops the run (after a checkpoint when a folder is given). */
  readonly shouldStop?: () => boolean;
  /** Yield to the event loop every N steps (default 10) so signals and timers are served. */
  readonly yieldEvery?: number;
}

/** A training run of one or more networks on a {@link TrainingTask}. */
export class TrainingRun {
  private readonly history: number[];

  private constructor(
    readonly task: TrainingTask,
    readonly options: TrainingRunOptions,
    private readonly trainers: Record<string, RegressionTrainer>,
    private k: number,
    history: readonly number[],
  ) {
    this.history = [...history];
  }

  /** A fresh run; network `i` (in the order of `task.networks`) starts from `foldIn(key, i)`. */
  static async start(task: TrainingTask, key: Key, options: TrainingRunOptions): Promise<TrainingRun> {
    checkInteger(options.steps, "TrainingRun.start", "options.steps", 1);
    const trainers: Record<string, RegressionTrainer> = {};
    let i = 0;
    for (const [name, cfg] of Object.entries(task.networks)) trainers[name] = await RegressionTrainer.create(cfg, foldIn(key, i++), { totalSteps: options.steps, ...options });
    return new TrainingRun(task, options, trainers, 0, []);
  }

  /** Continues the run saved in `dir` (its networks must match `task.networks`). */
  static async resume(task: TrainingTask, dir: string, options: TrainingRunOptions): Promise<TrainingRun> {
    const saved = loadCheckpoint(dir);
    check(saved.method === task.method, "TrainingRun.resume", "dir", `holds a "${saved.method}" model, not "${task.method}"`);
    const trainers: Record<string, RegressionTrainer> = {};
    for (const [name, cfg] of Object.entries(task.networks)) {
      check(JSON.stringify(saved.networks[name]) === JSON.stringify(cfg), "TrainingRun.resume", "dir", `network "${name}" in the checkpoint has a different architecture`);
      trainers[name] = await RegressionTrainer.restore(cfg, saved.states[name], { totalSteps: options.steps, ...options });
    }
    return new TrainingRun(task, options, trainers, saved.step, saved.lossHistory);
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

  /** The full state, as saved by {@link TrainingRun.save}. */
  checkpoint(): Checkpoint {
    const states: Checkpoint["states"] = Object.fromEntries(Object.entries(this.trainers).map(([n, t]) => [n, t.state()]));
    return { method: this.task.method, settings: this.task.settings, step: this.k, totalSteps: this.options.steps, lossHistory: this.history, networks: this.task.networks, states };
  }

  /** Writes the run to folder `dir` (crash-safe; see {@link saveCheckpoint}). */
  save(dir: string): void {
    saveCheckpoint(dir, this.checkpoint());
  }

  /** Runs until done or stopped, checkpointing along the way. */
  async run(loop: RunLoopOptions = {}): Promise<RunOutcome> {
    const every = checkInteger(loop.checkpointEvery ?? 1000, "TrainingRun.run", "checkpointEvery", 1);
    const yieldEvery = checkInteger(loop.yieldEvery ?? 10, "TrainingRun.run", "yieldEvery", 1);
    const t0 = performance.now();
    let status: RunOutcome["status"] = "completed";
    while (!this.done) {
      const report = this.update();
      loop.onStep?.(report);
      if (loop.checkpointDir !== undefined && this.k % every === 0 && !this.done) this.save(loop.checkpointDir);
      if (this.k % yieldEvery === 0) await new Promise((r) => setTimeout(r, 0));
      if (loop.shouldStop?.() === true && !this.done) {
        status = "interrupted";
        break;
      }
    }
    if (loop.checkpointDir !== undefined) this.save(loop.checkpointDir);
    return { status, step: this.k, seconds: (performance.now() - t0) / 1000 };
  }

  /** Releases device memory. */
  dispose(): void {
    for (const t of Object.values(this.trainers)) t.dispose();
  }
}
