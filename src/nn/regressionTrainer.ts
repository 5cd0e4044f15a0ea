/**
 * The training state machine shared by every simulation-free solver: a time-conditioned network fit by weighted
 * least squares,
 *
 *   L(θ) = mean_{i,k} w_ik (f_θ(x_i, t_i)_k − y_ik)²,
 *
 * which covers flow matching (y = u_t(x|z), Lipman et al. 2023), denoising score matching (y = ∇log p_t(x|x_0),
 * w = λ(t); Vincent 2011, Song et al. 2021), [SF]²M's two heads (Tong et al. 2024), and the mean-matching steps
 * of DSB/DSBM. One `step` = one jitted `valueAndGrad` + AdamW update (+ EMA of the weights). State lives on the
 * jax-js device; {@link RegressionTrainer.state} / {@link RegressionTrainer.restore} move it to and from the host
 * (checkpoints).
 */
import { blockUntilReady, jit, numpy as np, valueAndGrad, type OwnedFunction } from "@jax-js/jax";
import { checkAllFinite, type Array2D } from "../core/array2d.js";
import { check, SbkitNumericalError } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import { adamW, resolveAdamOptions, type AdamOptions, type AdamScalars, type AdamState, type ResolvedAdamOptions } from "./adam.js";
import { deviceArray, refAll, toDevice, toHost, type DeviceTensors } from "./device.js";
import type { HostTensor, HostTensors } from "./hostTensor.js";
import { initNetwork, networkForward, networkInputDim, networkOutputDim, type NetworkConfig } from "./architecture.js";
import { TimeNetwork } from "./network.js";
import { ensureRuntime } from "./runtime.js";
import { learningRateAt, type LearningRateSchedule } from "./schedule.js";
import { checkRestorable, disposeTrainer, emaUpdate, hostState, realizeEma, realizeEmaSync } from "./trainerParts.js";

/** One batch of the regression: inputs `x` `[B, inputDim]`, times `t` `[B]`, targets `[B, outputDim]`. */
export interface RegressionBatch {
  readonly x: Array2D;
  readonly t: Float64Array;
  readonly target: Array2D;
  /** Weights per row `[B]` or per entry `[B, outputDim]` (default all 1). */
  readonly weight?: Float64Array | Array2D;
}

/** Optimizer, schedule and EMA settings. */
export interface TrainerOptions extends AdamOptions {
  /** Learning-rate schedule over `totalSteps` (default constant). */
  readonly schedule?: LearningRateSchedule;
  /** Steps the schedule spans (needed by cosine/linear schedules; default 10 000). */
  readonly totalSteps?: number;
  /** Decay of the exponential moving average of the weights (default 0.999, with warm-up {@link emaDecayAt}; 0 turns EMA off). */
  readonly emaDecay?: number;
}

/** Host copy of everything a run needs to continue: weights, EMA weights, Adam moments, step count. */
export interface TrainerState {
  readonly step: number;
  readonly params: HostTensors;
  readonly ema: HostTensors | undefined;
  readonly adamM: HostTensors;
  readonly adamV: HostTensors;
}

/** Result of one step. */
export interface StepInfo {
  readonly loss: number;
  readonly gradNorm: number;
  readonly learningRate: number;
}

type StepFn = (p: DeviceTensors, m: DeviceTensors, v: DeviceTensors, x: np.Array, t: np.Array, y: np.Array, w: np.Array, lr: np.Array, c1: np.Array, c2: np.Array) => [np.Array, DeviceTensors, DeviceTensors, DeviceTensors, np.Array];

/**
 * EMA decay at step k with warm-up, `min(decay, (1 + k)/(10 + k))` (the schedule of TensorFlow's
 * ExponentialMovingAverage with num_updates): without it the average keeps a weight `decay^k` on the random
 * initial weights (0.37 after 1000 steps at 0.999).
 */
export function emaDecayAt(decay: number, k: number): number {
  return Math.min(decay, (1 + k) / (10 + k));
}

function scalar(v: number): np.Array {
  return np.array(new Float32Array([v]), { shape: [] });
}

function f32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}

/** Weighted least-squares trainer of one {@link TimeNetwork} (any {@link NetworkConfig}). */
export class RegressionTrainer {
  /** Steps taken so far. */
  stepCount = 0;
  private readonly adam: ResolvedAdamOptions;
  private readonly emaDecay: number;
  private readonly stepFn: OwnedFunction<StepFn>;
  private readonly emaFn: OwnedFunction<(e: DeviceTensors, p: DeviceTensors, d: np.Array) => DeviceTensors> | undefined;

  private constructor(
    /** The architecture being trained. */
    readonly config: NetworkConfig,
    private readonly options: TrainerOptions,
    private params: DeviceTensors,
    private moments: AdamState,
    private ema: DeviceTensors | undefined,
  ) {
    this.adam = resolveAdamOptions(options, "RegressionTrainer");
    this.emaDecay = options.emaDecay ?? 0.999;
    const opt = adamW(this.adam);
    const loss = (p: DeviceTensors, x: np.Array, t: np.Array, y: np.Array, w: np.Array): np.Array =>
      np.square(networkForward(config, p, x, t).sub(y)).mul(w).mean();
    this.stepFn = jit(((p, m, v, x, t, y, w, lr, c1, c2) => {
      const [value, grads] = valueAndGrad(loss)(refAll(p), x, t, y, w) as [np.Array, DeviceTensors];
      const s: AdamScalars = { learningRate: lr, correction1: c1, correction2: c2 };
      const next = opt.update(grads, { m, v }, p, s);
      return [value, next.params, next.state.m, next.state.v, next.gradNorm];
    }) as StepFn);
    this.emaFn = emaUpdate(this.emaDecay);
  }

  /** A trainer for a fresh network drawn from `key`. */
  static async create(config: NetworkConfig, key: Key, options: TrainerOptions = {}): Promise<RegressionTrainer> {
    await ensureRuntime();
    return RegressionTrainer.fromHost(config, initNetwork(config, key), undefined, undefined, options, 0);
  }

  /** A trainer continuing from a saved {@link TrainerState} (same config and options as the saved run). */
  static async restore(config: NetworkConfig, state: TrainerState, options: TrainerOptions = {}): Promise<RegressionTrainer> {
    await ensureRuntime();
    const fn = "RegressionTrainer.restore";
    checkRestorable(config, state, fn);
    return RegressionTrainer.fromHost(config, state.params, state.ema, { m: state.adamM, v: state.adamV }, options, state.step);
  }

  private static fromHost(config: NetworkConfig, params: HostTensors, ema: HostTensors | undefined, moments: { m: HostTensors; v: HostTensors } | undefined, options: TrainerOptions, step: number): RegressionTrainer {
    const p = toDevice(params);
    const decay = options.emaDecay ?? 0.999;
    check(Number.isFinite(decay) && decay >= 0 && decay < 1, "RegressionTrainer", "emaDecay", `must be in [0, 1) (got ${decay})`);
    const m = moments === undefined ? adamW(resolveAdamOptions(options, "RegressionTrainer")).init(p) : { m: toDevice(moments.m), v: toDevice(moments.v) };
    const e = decay > 0 ? toDevice(ema ?? params) : undefined;
    const trainer = new RegressionTrainer(config, options, p, m, e);
    trainer.stepCount = step;
    return trainer;
  }

  /** One optimizer step on `batch`; returns the loss before the step, the gradient norm and the learning rate. */
  step(batch: RegressionBatch): StepInfo {
    const { loss, norm, lr } = this.dispatch(batch);
    const info = this.finish((loss.dataSync() as Float32Array)[0], (norm.dataSync() as Float32Array)[0], lr);
    realizeEmaSync(this.ema, this.stepCount);
    return info;
  }

  /**
   * As {@link RegressionTrainer.step}, reading the loss asynchronously: this lets jax-js run the step's kernels
   * on its worker pool (several cores) instead of synchronously on the calling thread.
   */
  async stepAsync(batch: RegressionBatch): Promise<StepInfo> {
    const { loss, norm, lr } = this.dispatch(batch);
    const value = ((await loss.data()) as Float32Array)[0];
    const info = this.finish(value, ((await norm.data()) as Float32Array)[0], lr);
    await realizeEma(this.ema, this.stepCount);
    return info;
  }

  /** Waits until every pending device computation of this trainer has finished. */
  async settle(): Promise<void> {
    await blockUntilReady([...Object.values(this.params), ...Object.values(this.moments.m), ...Object.values(this.moments.v), ...Object.values(this.ema ?? {})]);
  }

  private dispatch(batch: RegressionBatch): { loss: np.Array; norm: np.Array; lr: number } {
    const fn = "RegressionTrainer.step";
    const { x, t, target } = batch;
    const b = x.rows;
    check(b > 0, fn, "batch.x", "is empty");
    const inputDim = networkInputDim(this.config);
    const outputDim = networkOutputDim(this.config);
    check(x.cols === inputDim, fn, "batch.x", `has ${x.cols} columns, the network takes ${inputDim}`);
    check(t.length === b, fn, "batch.t", `has length ${t.length}, expected ${b}`);
    check(target.rows === b && target.cols === outputDim, fn, "batch.target", `has shape [${target.rows}, ${target.cols}], expected [${b}, ${outputDim}]`);
    checkAllFinite(x.data, fn, "batch.x");
    checkAllFinite(t, fn, "batch.t");
    checkAllFinite(target.data, fn, "batch.target");
    const w = this.weights(batch.weight, b);
    const k = this.stepCount + 1;
    const lr = learningRateAt(this.options.schedule ?? { kind: "constant" }, this.adam.learningRate, this.stepCount, this.options.totalSteps ?? 10_000);
    const [loss, params, m, v, norm] = this.stepFn(
      this.params, this.moments.m, this.moments.v,
      deviceArray(f32(x.data), [b, x.cols]), deviceArray(f32(t), [b, 1]), deviceArray(f32(target.data), [b, target.cols]), w,
      scalar(lr), scalar(1 - this.adam.beta1 ** k), scalar(1 - this.adam.beta2 ** k),
    );
    this.params = params;
    this.moments = { m, v };
    if (this.emaFn !== undefined && this.ema !== undefined) this.ema = this.emaFn(this.ema, refAll(this.params), scalar(emaDecayAt(this.emaDecay, k)));
    this.stepCount = k;
    return { loss, norm, lr };
  }

  private finish(value: number, gradNorm: number, lr: number): StepInfo {
    if (!Number.isFinite(value) || !Number.isFinite(gradNorm)) {
      throw new SbkitNumericalError("RegressionTrainer.step", `loss became ${value} (gradient norm ${gradNorm}) at step ${this.stepCount}; lower the learning rate or check the data scale`);
    }
    return { loss: value, gradNorm, learningRate: lr };
  }

  private weights(weight: Float64Array | Array2D | undefined, b: number): np.Array {
    const fn = "RegressionTrainer.step";
    const d = networkOutputDim(this.config);
    if (weight === undefined) return np.ones([b, d]);
    if (weight instanceof Float64Array) {
      check(weight.length === b, fn, "batch.weight", `has length ${weight.length}, expected ${b}`);
      checkAllFinite(weight, fn, "batch.weight");
      return deviceArray(f32(weight), [b, 1]).mul(np.ones([b, d]));
    }
    check(weight.rows === b && weight.cols === d, fn, "batch.weight", `has shape [${weight.rows}, ${weight.cols}], expected [${b}, ${d}]`);
    checkAllFinite(weight.data, fn, "batch.weight");
    return deviceArray(f32(weight.data), [b, d]);
  }

  /** The current weights (or their EMA, when `ema` is true and EMA is on) as a standalone network. */
  network(ema = true): TimeNetwork {
    const src = ema && this.ema !== undefined ? this.ema : this.params;
    return TimeNetwork.fromDevice(this.config, refAll(src));
  }

  /** Host copy of the full state, for checkpoints. */
  state(): TrainerState {
    return hostState(this.stepCount, this.params, this.moments, this.ema);
  }

  /** Host copy of the weights (EMA if on and `ema` is true). */
  tensors(ema = true): Record<string, HostTensor> {
    return toHost(ema && this.ema !== undefined ? this.ema : this.params);
  }

  /** Releases device memory. */
  dispose(): void {
    disposeTrainer(this.params, this.moments, this.ema, [this.stepFn, this.emaFn]);
  }
}
