/**
 * Trainer of one time-conditioned network `u_θ(x, t)` on the divergence objective of SB-FBSDE (Chen, Liu &
 * Theodorou, ICLR 2022; see divergence.ts):
 *
 *   L(θ) = mean_i [ ½‖u_θ(x_i, t_i)‖² − u_θ(x_i, t_i)·g_i + c ∇·u_θ(x_i, t_i) ],   minimizer u* = g + c∇log q,
 *
 * with `∇·u_θ` exact or by Hutchinson's estimator. One `step` = one jitted `valueAndGrad` (through a forward-mode
 * Jacobian-vector product) + AdamW update (+ EMA), exactly as {@link RegressionTrainer} does for least squares;
 * its state has the same layout ({@link TrainerState}), so checkpoints and model folders are the standard ones.
 */
import { jit, numpy as np, valueAndGrad, type OwnedFunction } from "@jax-js/jax";
import { checkAllFinite, type Array2D } from "../core/array2d.js";
import { check, checkFinite, SbkitNumericalError } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import { adamW, resolveAdamOptions, type AdamScalars, type AdamState, type ResolvedAdamOptions } from "./adam.js";
import { initNetwork, networkInputDim, networkOutputDim, type NetworkConfig } from "./architecture.js";
import { deviceArray, refAll, toDevice, toHost, type DeviceTensors } from "./device.js";
import { checkDivergenceEstimator, divergenceObjectiveRows, divergenceProbes, probeCount, tileRows, type DivergenceEstimator } from "./divergence.js";
import type { HostTensor, HostTensors } from "./hostTensor.js";
import { TimeNetwork } from "./network.js";
import { emaDecayAt, type StepInfo, type TrainerOptions, type TrainerState } from "./regressionTrainer.js";
import { ensureRuntime } from "./runtime.js";
import { learningRateAt } from "./schedule.js";
import { checkRestorable, disposeTrainer, emaUpdate, hostState, realizeEmaSync } from "./trainerParts.js";

/** One batch: points `x` `[B, d]` drawn from q, times `t` `[B]`, the fixed field `g` `[B, d]`, probe key. */
export interface DivergenceBatch {
  readonly x: Array2D;
  readonly t: Float64Array;
  readonly drift: Array2D;
  /** Key of the Hutchinson probes (required for `hutchinson`, ignored for `exact`). */
  readonly key?: Key;
}

/** Optimizer settings plus the objective's coefficient `c` and divergence estimator. */
export interface DivergenceTrainerOptions extends TrainerOptions {
  /** The coefficient `c` of `∇·u` (the minimizer is `g + c∇log q`). */
  readonly coefficient: number;
  /** Exact divergence (default) or Hutchinson's estimator. */
  readonly divergence?: DivergenceEstimator;
}

type StepFn = (p: DeviceTensors, m: DeviceTensors, v: DeviceTensors, x: np.Array, t: np.Array, g: np.Array, probes: np.Array, c: np.Array, lr: np.Array, c1: np.Array, c2: np.Array) => [np.Array, DeviceTensors, DeviceTensors, DeviceTensors, np.Array];

function scalar(v: number): np.Array {
  return np.array(new Float32Array([v]), { shape: [] });
}

/** Divergence-objective trainer of one network (square maps `d → d`). */
export class DivergenceTrainer {
  /** Optimizer steps taken by this network so far (drives Adam's bias correction and the EMA warm-up). */
  stepCount = 0;
  private readonly adam: ResolvedAdamOptions;
  private readonly emaDecay: number;
  private readonly estimator: DivergenceEstimator;
  private readonly stepFn: OwnedFunction<StepFn>;
  private readonly emaFn: OwnedFunction<(e: DeviceTensors, p: DeviceTensors, d: np.Array) => DeviceTensors> | undefined;

  private constructor(
    /** The architecture being trained. */
    readonly config: NetworkConfig,
    private readonly options: DivergenceTrainerOptions,
    private params: DeviceTensors,
    private moments: AdamState,
    private ema: DeviceTensors | undefined,
  ) {
    const fn = "DivergenceTrainer";
    this.adam = resolveAdamOptions(options, fn);
    this.emaDecay = options.emaDecay ?? 0.999;
    this.estimator = checkDivergenceEstimator(options.divergence ?? { kind: "exact" }, fn, "options.divergence");
    const opt = adamW(this.adam);
    const loss = (p: DeviceTensors, x: np.Array, t: np.Array, g: np.Array, probes: np.Array, c: np.Array): np.Array => divergenceObjectiveRows(config, p, x, t, g, probes, c).mean();
    this.stepFn = jit(((p, m, v, x, t, g, probes, c, lr, c1, c2) => {
      const [value, grads] = valueAndGrad(loss)(refAll(p), x, t, g, probes, c) as [np.Array, DeviceTensors];
      const s: AdamScalars = { learningRate: lr, correction1: c1, correction2: c2 };
      const next = opt.update(grads, { m, v }, p, s);
      return [value, next.params, next.state.m, next.state.v, next.gradNorm];
    }) as StepFn);
    this.emaFn = emaUpdate(this.emaDecay);
  }

  /** A trainer for a fresh network drawn from `key`. */
  static async create(config: NetworkConfig, key: Key, options: DivergenceTrainerOptions): Promise<DivergenceTrainer> {
    await ensureRuntime();
    return DivergenceTrainer.fromHost(config, initNetwork(config, key), undefined, undefined, options, 0);
  }

  /** A trainer continuing from a saved {@link TrainerState} (its `step` is this network's own step count). */
  static async restore(config: NetworkConfig, state: TrainerState, options: DivergenceTrainerOptions): Promise<DivergenceTrainer> {
    await ensureRuntime();
    const fn = "DivergenceTrainer.restore";
    checkRestorable(config, state, fn);
    return DivergenceTrainer.fromHost(config, state.params, state.ema, { m: state.adamM, v: state.adamV }, options, state.step);
  }

  private static fromHost(config: NetworkConfig, params: HostTensors, ema: HostTensors | undefined, moments: { m: HostTensors; v: HostTensors } | undefined, options: DivergenceTrainerOptions, step: number): DivergenceTrainer {
    const fn = "DivergenceTrainer";
    check(networkInputDim(config) === networkOutputDim(config), fn, "config", `maps ${networkInputDim(config)} to ${networkOutputDim(config)} dimensions; the divergence objective needs a square map`);
    checkFinite(options.coefficient, fn, "options.coefficient");
    const decay = options.emaDecay ?? 0.999;
    check(Number.isFinite(decay) && decay >= 0 && decay < 1, fn, "emaDecay", `must be in [0, 1) (got ${decay})`);
    const p = toDevice(params);
    const m = moments === undefined ? adamW(resolveAdamOptions(options, fn)).init(p) : { m: toDevice(moments.m), v: toDevice(moments.v) };
    const e = decay > 0 ? toDevice(ema ?? params) : undefined;
    const trainer = new DivergenceTrainer(config, options, p, m, e);
    trainer.stepCount = step;
    return trainer;
  }

  /**
   * One optimizer step on `batch`; returns the objective before the step, the gradient norm and the learning rate.
   * `learningRate` overrides the rate of the schedule for this step (for schedules that restart, e.g. per stage).
   */
  step(batch: DivergenceBatch, learningRate?: number): StepInfo {
    const fn = "DivergenceTrainer.step";
    const { x, t, drift } = batch;
    const b = x.rows;
    const d = networkInputDim(this.config);
    check(b > 0, fn, "batch.x", "is empty");
    check(x.cols === d, fn, "batch.x", `has ${x.cols} columns, the network takes ${d}`);
    check(t.length === b, fn, "batch.t", `has length ${t.length}, expected ${b}`);
    check(drift.rows === b && drift.cols === d, fn, "batch.drift", `has shape [${drift.rows}, ${drift.cols}], expected [${b}, ${d}]`);
    checkAllFinite(x.data, fn, "batch.x");
    checkAllFinite(t, fn, "batch.t");
    checkAllFinite(drift.data, fn, "batch.drift");
    check(this.estimator.kind === "exact" || batch.key !== undefined, fn, "batch.key", "is required by the Hutchinson estimator");
    const k = probeCount(this.estimator, d);
    const n = k * b;
    const probes = divergenceProbes(this.estimator, b, d, batch.key);
    const step = this.stepCount + 1;
    if (learningRate !== undefined) check(Number.isFinite(learningRate) && learningRate >= 0, fn, "learningRate", `must be a finite number ≥ 0 (got ${learningRate})`);
    const lr = learningRate ?? learningRateAt(this.options.schedule ?? { kind: "constant" }, this.adam.learningRate, this.stepCount, this.options.totalSteps ?? 10_000);
    const [loss, params, m, v, norm] = this.stepFn(
      this.params, this.moments.m, this.moments.v,
      deviceArray(tileRows(x.data, k), [n, d]), deviceArray(tileRows(t, k), [n, 1]), deviceArray(tileRows(drift.data, k), [n, d]), deviceArray(probes, [n, d]),
      scalar(this.options.coefficient), scalar(lr), scalar(1 - this.adam.beta1 ** step), scalar(1 - this.adam.beta2 ** step),
    );
    this.params = params;
    this.moments = { m, v };
    if (this.emaFn !== undefined && this.ema !== undefined) this.ema = this.emaFn(this.ema, refAll(this.params), scalar(emaDecayAt(this.emaDecay, step)));
    this.stepCount = step;
    const value = (loss.dataSync() as Float32Array)[0];
    const gradNorm = (norm.dataSync() as Float32Array)[0];
    if (!Number.isFinite(value) || !Number.isFinite(gradNorm)) {
      throw new SbkitNumericalError(fn, `objective became ${value} (gradient norm ${gradNorm}) at step ${step}; lower the learning rate or check the data scale`);
    }
    realizeEmaSync(this.ema, step);
    return { loss: value, gradNorm, learningRate: lr };
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
