/**
 * Moving named tensors between the host ({@link HostTensors}) and the jax-js device. Internal to `src/nn`.
 * Ownership (jax-js): `toDevice` returns fresh arrays owned by the caller; `toHost` reads without consuming.
 */
import { numpy as np } from "@jax-js/jax";
import type { HostTensor, HostTensors } from "./hostTensor.js";

/** Device arrays keyed by tensor name. */
export type DeviceTensors = Record<string, np.Array>;

/** A float32 device array holding `data` with `shape`. */
export function deviceArray(data: Float32Array, shape: readonly number[]): np.Array {
  return np.array(data, { shape: [...shape] });
}

/** Uploads every tensor. */
export function toDevice(host: HostTensors): DeviceTensors {
  const out: DeviceTensors = {};
  for (const [k, v] of Object.entries(host)) out[k] = deviceArray(v.data, v.shape);
  return out;
}

/** Reads one array back as float32 without consuming it. */
export function readArray(a: np.Array): Float32Array {
  const d = a.ref.dataSync();
  return d instanceof Float32Array ? d.slice() : Float32Array.from(d as ArrayLike<number>);
}

/** Downloads every tensor without consuming the device arrays. */
export function toHost(dev: DeviceTensors): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [k, v] of Object.entries(dev)) out[k] = { shape: [...v.shape], data: readArray(v) };
  return out;
}

/** A new reference to every array (for passing a tree into a consuming function while keeping it). */
export function refAll(dev: DeviceTensors): DeviceTensors {
  const out: DeviceTensors = {};
  for (const [k, v] of Object.entries(dev)) out[k] = v.ref;
  return out;
}

/** Releases every array. */
export function disposeAll(dev: DeviceTensors): void {
  for (const v of Object.values(dev)) v.dispose();
}
