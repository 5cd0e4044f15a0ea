/**
 * Pieces shared by the AdamW trainers of one network ({@link RegressionTrainer}, {@link DivergenceTrainer}): the
 * jitted EMA update, the checks on a saved state before restoring it, and host copies / disposal of the device
 * state (weights, Adam moments, EMA weights).
 */
import { jit, numpy as np, type OwnedFunction } from "@jax-js/jax";
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
