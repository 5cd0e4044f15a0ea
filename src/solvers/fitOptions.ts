/**
 * Options shared by every neural `fit` method, and the driver that turns a {@link TrainingTask} into a trained
 * run: fresh or resumed from a checkpoint folder, checkpoints every N steps, progress and interruption. The
 * options and pure helpers live in fitSettings.ts (browser-safe) and are re-exported here.
 */
import type { Key } from "../core/rng.js";
import { TrainingRun, type RunOutcome, type TrainingTask } from "../nn/trainingRun.js";
import { fitRunOptions, type FitOptions, type ResolvedFit } from "./fitSettings.js";

export { fitKeys, fitNetwork, fitRunOptions, resolveFit, sampleRows } from "./fitSettings.js";
export type { FitOptions, ResolvedFit } from "./fitSettings.js";

/** Runs (or resumes) `task` to completion or interruption; returns the run (caller disposes) and the outcome. */
export async function trainTask(task: TrainingTask, options: FitOptions, resolved: ResolvedFit, init: Key): Promise<{ run: TrainingRun; outcome: RunOutcome }> {
  const runOptions = fitRunOptions(options, resolved);
  const run = options.resume === true
    ? await TrainingRun.resume(task, options.checkpointDir as string, runOptions)
    : await TrainingRun.start(task, init, runOptions);
  const outcome = await run.run({
    checkpointDir: options.checkpointDir,
    checkpointEvery: options.checkpointEvery ?? 500,
    onStep: options.onStep,
    shouldStop: options.shouldStop,
  });
  return { run, outcome };
}
