/**
 * Pieces shared by the AdamW trainers of one network ({@link RegressionTrainer}, {@link DivergenceTrainer}): the
 * jitted EMA update, the checks on a saved state before restoring it, and host copies / disposal of the device
 * state (weights, Adam moments, EMA weights).
 */
import { blockUntilReady, jit, numpy as np, type OwnedFunction } from "@jax-js/jax";
import { checkInteger } from "../core/errors.js";
import type { AdamState } from "./adam.js";
import { networkLayout, type NetworkConfig } from "./architecture.js";
import { disposeAll, toHost, type DeviceTensors } from "./device.js";
import { checkSameLayout } from "./hostTensor.js";
import type { TrainerState } from "./regressionTrainer.js";

/** The jitted EMA update `e ← d·e + (1 − d)·p` (consumes `e` and `d`), or `undefined` when EMA is off (decay 0). */
export function emaUpdate(decay: number): OwnedFunction<(e: DeviceTensors, p: DeviceTensors, d: np.Array) => DeviceTensors> | undefined {
  if (decay <= 0) return undefined;
  return jit((e: DeviceTensors, p: DeviceTensors, d: np.Array) => {
    const out: DeviceTensors = {};
    for (const k of Object.keys(e)) out[k] = e[k].mul(d.ref).add(p[k].mul(np.subtract(1, d.ref)));
    d.dispose();
    return out;
  });
}

/** Steps between realizations of the lazily evaluated EMA (see {@link realizeEmaSync}). */
export const EMA_REALIZE_EVERY = 16;

/**
 * Realizes the EMA weights after every {@link EMA_REALIZE_EVERY}-th step. jax-js evaluates lazily and nothing reads
 * the EMA during training, so without this its pending updates would chain every step's parameters until the stage
 * ends: one parameter set kept alive per step (d = 128, MLP 256³: ≈ 0.8 MB per step, 146 → 458 MB RSS over 400
 * steps, and a crash at wasm32's 4 GiB after ≈ 4000 steps; with this, 149 → 208 MB). The work is the same, done
 * earlier. The synchronous form reads each array (a host copy of the weights, once per 16 steps).
 */
export function realizeEmaSync(ema: DeviceTensors | undefined, step: number): void {
  if (ema === undefined || step % EMA_REALIZE_EVERY !== 0) return;
  for (const v of Object.values(ema)) v.ref.dataSync();
}

/** The asynchronous form of {@link realizeEmaSync} (waits for the arrays, no host copy). */
export async function realizeEma(ema: DeviceTensors | undefined, step: number): Promise<void> {
  if (ema === undefined || step % EMA_REALIZE_EVERY !== 0) return;
  await blockUntilReady(Object.values(ema));
}

/** Checks that a saved {@link TrainerState} has the layout of `config` in every part and an integer step. */
export function checkRestorable(config: NetworkConfig, state: TrainerState, fn: string): void {
  const layout = networkLayout(config);
  checkSameLayout(layout, state.params, fn, "state.params");
  checkSameLayout(layout, state.adamM, fn, "state.adamM");
  checkSameLayout(layout, state.adamV, fn, "state.adamV");
  if (state.ema !== undefined) checkSameLayout(layout, state.ema, fn, "state.ema");
  checkInteger(state.step, fn, "state.step");
}

/** Host copy of a trainer's device state, for checkpoints. */
export function hostState(step: number, params: DeviceTensors, moments: AdamState, ema: DeviceTensors | undefined): TrainerState {
  return {
    step,
    params: toHost(params),
    ema: ema === undefined ? undefined : toHost(ema),
    adamM: toHost(moments.m),
    adamV: toHost(moments.v),
  };
}

/** Releases a trainer's device state and its jitted functions. */
export function disposeTrainer(params: DeviceTensors, moments: AdamState, ema: DeviceTensors | undefined, fns: ({ dispose(): void } | undefined)[]): void {
  disposeAll(params);
  disposeAll(moments.m);
  disposeAll(moments.v);
  if (ema !== undefined) disposeAll(ema);
  for (const f of fns) f?.dispose();
}
