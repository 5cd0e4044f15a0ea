/**
 * Options shared by every neural `fit` method and the pure helpers behind them (validation, network shapes, keys,
 * minibatch rows). No file-system imports, so browser bundles can use them; the driver that trains a task with
 * checkpoint folders is `trainTask` in fitOptions.ts.
 */
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { foldIn, makeKey, uniform, type Key } from "../core/rng.js";
import { array2d, type Array2D } from "../core/array2d.js";
import { mlpConfig, type MlpConfig } from "../nn/mlp.js";
import type { LearningRateSchedule } from "../nn/schedule.js";
import type { StepReport, TrainingRunOptions } from "../nn/trainingSession.js";

/** Settings of a neural fit (all optional). */
export interface FitOptions {
  /** Optimizer steps (default 2000). */
  readonly steps?: number;
  /** Minibatch size (default 256). */
  readonly batchSize?: number;
  /** Hidden widths of each MLP (default `[256, 256, 256]`). */
  readonly hiddenDims?: readonly number[];
  /** Size of the sinusoidal time embedding (default 64). */
  readonly timeEmbeddingDim?: number;
  /** Adam learning rate (default 1e-3). */
  readonly learningRate?: number;
  /** Learning-rate schedule (default constant). */
  readonly schedule?: LearningRateSchedule;
  /** EMA decay of the weights used for sampling (default 0.999; 0 = off). */
  readonly emaDecay?: number;
  /** Global-norm gradient clipping (default off). */
  readonly gradientClip?: number;
  /** Seed of initialization and minibatches (default 0). */
  readonly seed?: number;
  /** Folder to save the model / checkpoints into. */
  readonly checkpointDir?: string;
  /** Checkpoint every N steps (default 500). */
  readonly checkpointEvery?: number;
  /** Continue the run saved in `checkpointDir` instead of starting afresh. */
  readonly resume?: boolean;
  /** Called after every step (progress bars). */
  readonly onStep?: (report: StepReport) => void;
  /** Polled after every step; true interrupts the run (it is checkpointed first when a folder is given). */
  readonly shouldStop?: () => boolean;
}

/** Resolved numeric settings. */
export interface ResolvedFit {
  readonly steps: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** Validates the shared options. */
export function resolveFit(options: FitOptions, fn: string): ResolvedFit {
  const steps = checkInteger(options.steps ?? 2000, fn, "steps", 1);
  const batchSize = checkInteger(options.batchSize ?? 256, fn, "batchSize", 1);
  const seed = checkInteger(options.seed ?? 0, fn, "seed", 0);
  if (options.learningRate !== undefined) checkPositive(options.learningRate, fn, "learningRate");
  if (options.resume === true) check(options.checkpointDir !== undefined, fn, "resume", "needs checkpointDir (the folder to resume from)");
  return { steps, batchSize, seed };
}

/** The MLP of a fit: `[x (dim), emb(t)] → out`. */
export function fitNetwork(options: FitOptions, inputDim: number, outputDim: number): MlpConfig {
  return mlpConfig(inputDim, outputDim, { hiddenDims: options.hiddenDims, timeEmbeddingDim: options.timeEmbeddingDim });
}

/** Keys of a fit: networks from `foldIn(root, 0)`, batch `k` from `foldIn(foldIn(root, 1), k)`. */
export function fitKeys(seed: number): { init: Key; batches: Key } {
  const root = makeKey(seed);
  return { init: foldIn(root, 0), batches: foldIn(root, 1) };
}

/** `count` rows of `x` drawn uniformly with replacement. */
export function sampleRows(x: Array2D, key: Key, count: number): Array2D {
  const u = uniform(key, count);
  const d = x.cols;
  const out = new Float64Array(count * d);
  for (let r = 0; r < count; r++) {
    const i = Math.min(x.rows - 1, Math.floor(u[r] * x.rows));
    out.set(x.data.subarray(i * d, i * d + d), r * d);
  }
  return array2d(out, count, d);
}

/** The optimizer settings of a training run made from fit options. */
export function fitRunOptions(options: FitOptions, resolved: ResolvedFit): TrainingRunOptions {
  return {
    steps: resolved.steps,
    learningRate: options.learningRate,
    schedule: options.schedule,
    emaDecay: options.emaDecay,
    gradientClip: options.gradientClip,
  };
}
