/**
 * A training run as a state machine: `start` (or `resume` from a checkpoint folder), then `update()` one step at a
 * time — so the CLI, outer loops (IPF/IMF) and the browser drive the same object — with `run()` as the plain loop
 * that adds checkpoints every N steps, progress callbacks and interruption. The in-memory part (start, update,
 * networks) is {@link TrainingSession} in trainingSession.ts, which has no file-system imports (browser bundles).
 *
 * Determinism: network `i` starts from `foldIn(key, i)`, and the batch of step `k` must be a pure function of `k`
 * (solvers draw it from `foldIn(batchKey, k)`), so a run interrupted at step k and resumed from its checkpoint
 * takes exactly the steps an uninterrupted run would.
 */
import { checkInteger } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { TrainingSession, type StepReport, type TrainingRunOptions, type TrainingTask } from "./trainingSession.js";

export type { StepReport, TrainingRunOptions, TrainingTask } from "./trainingSession.js";

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

/**
 * A {@link TrainingSession} that also lives in a checkpoint folder: `resume` from one, `save` to one, and `run()`,
 * the plain loop with checkpoints every N steps, progress callbacks and interruption.
 */
export class TrainingRun extends TrainingSession {
  /** A fresh run; network `i` (in the order of `task.networks`) starts from `foldIn(key, i)`. */
  static override async start(task: TrainingTask, key: Key, options: TrainingRunOptions): Promise<TrainingRun> {
    return new TrainingRun(task, options, await TrainingSession.startTrainers(task, key, options, "TrainingRun.start"), 0, []);
  }

  /** Continues the run saved in `dir` (its networks must match `task.networks`). */
  static async resume(task: TrainingTask, dir: string, options: TrainingRunOptions): Promise<TrainingRun> {
    const saved = loadCheckpoint(dir);
    const trainers = await TrainingSession.restoreTrainers(task, saved, options, "TrainingRun.resume", "dir");
    return new TrainingRun(task, options, trainers, saved.step, saved.lossHistory);
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
      if (loop.checkpointDir !== undefined && this.step % every === 0 && !this.done) this.save(loop.checkpointDir);
      if (this.step % yieldEvery === 0) await new Promise((r) => setTimeout(r, 0));
      if (loop.shouldStop?.() === true && !this.done) {
        status = "interrupted";
        break;
      }
    }
    if (loop.checkpointDir !== undefined) this.save(loop.checkpointDir);
    return { status, step: this.step, seconds: (performance.now() - t0) / 1000 };
  }
}
