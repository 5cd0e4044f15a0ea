/**
 * Host-side tensors: named float32 arrays with a shape. This is how network weights leave `src/nn` (checkpoints,
 * tests, other modules) without exposing jax-js arrays or their ownership rules.
 */
import { check } from "../core/errors.js";

/** A dense row-major float32 tensor on the host. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Named tensors, e.g. the weights of a network (`"layer0.weight"` → `[in, out]`). */
export type HostTensors = Readonly<Record<string, HostTensor>>;

/** Number of elements of a shape. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Checks that two sets of named tensors have the same names and shapes (e.g. a checkpoint against a config). */
export function checkSameLayout(expected: HostTensors, got: HostTensors, fn: string, argument: string): void {
  const a = Object.keys(expected).sort();
  const b = Object.keys(got).sort();
  check(a.length === b.length && a.every((k, i) => k === b[i]), fn, argument, `has tensors [${b.join(", ")}], expected [${a.join(", ")}]`);
  for (const k of a) {
    const s = expected[k].shape.join(",");
    const t = got[k].shape.join(",");
    check(s === t, fn, argument, `tensor "${k}" has shape [${t}], expected [${s}]`);
  }
}

/** Deep copy of named tensors. */
export function cloneTensors(t: HostTensors): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [k, v] of Object.entries(t)) out[k] = { shape: [...v.shape], data: v.data.slice() };
  return out;
}
