/**
 * Adam / AdamW as a pure `{init, update}` pair on device tensors (Kingma & Ba 2015; decoupled weight decay:
 * Loshchilov & Hutter 2019). With gradient `g`, step `k ≥ 1` and learning rate `η_k`:
 *
 *   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,
 *   θ ← θ − η_k [ (m / (1 − β1^k)) / (√(v / (1 − β2^k)) + δ) + λ θ ].
 *
 * Optional clipping by global norm first: `g ← g · c / max(‖g‖, c)` (Pascanu et al. 2013).
 * `update` is traceable (it runs inside the jitted training step). Internal to `src/nn`; jax-js ownership:
 * `update` consumes `grads`, `state` and `params`.
 */
import { numpy as np } from "@jax-js/jax";
import { check, checkFinite } from "../core/errors.js";
import type { DeviceTensors } from "./device.js";

/** Adam hyper-parameters. */
export interface AdamOptions {
  /** Peak learning rate η (default 1e-3). */
  readonly learningRate?: number;
  /** First-moment decay β1 (default 0.9). */
  readonly beta1?: number;
  /** Second-moment decay β2 (default 0.999). */
  readonly beta2?: number;
  /** δ in the denominator (default 1e-8). */
  readonly epsilon?: number;
  /** Decoupled weight decay λ (default 0: plain Adam). */
  readonly weightDecay?: number;
  /** Clip the global gradient norm to this value (default: no clipping). */
  readonly gradientClip?: number;
}

/** {@link AdamOptions} with every default filled in. */
export type ResolvedAdamOptions = Required<Omit<AdamOptions, "gradientClip">> & { readonly gradientClip: number | undefined };

/** Checks and fills in defaults. */
export function resolveAdamOptions(o: AdamOptions, fn: string): ResolvedAdamOptions {
  const r = {
    learningRate: checkFinite(o.learningRate ?? 1e-3, fn, "learningRate"),
    beta1: checkFinite(o.beta1 ?? 0.9, fn, "beta1"),
    beta2: checkFinite(o.beta2 ?? 0.999, fn, "beta2"),
    epsilon: checkFinite(o.epsilon ?? 1e-8, fn, "epsilon"),
    weightDecay: checkFinite(o.weightDecay ?? 0, fn, "weightDecay"),
    gradientClip: o.gradientClip,
  };
  check(r.learningRate > 0, fn, "learningRate", `must be > 0 (got ${r.learningRate})`);
  check(r.beta1 >= 0 && r.beta1 < 1, fn, "beta1", `must be in [0, 1) (got ${r.beta1})`);
  check(r.beta2 >= 0 && r.beta2 < 1, fn, "beta2", `must be in [0, 1) (got ${r.beta2})`);
  check(r.epsilon > 0, fn, "epsilon", `must be > 0 (got ${r.epsilon})`);
  check(r.weightDecay >= 0, fn, "weightDecay", `must be ≥ 0 (got ${r.weightDecay})`);
  if (r.gradientClip !== undefined) check(Number.isFinite(r.gradientClip) && r.gradientClip > 0, fn, "gradientClip", `must be a finite number > 0 (got ${r.gradientClip})`);
  return r;
}

/** Adam's moment estimates. */
export interface AdamState {
  readonly m: DeviceTensors;
  readonly v: DeviceTensors;
}

/** Per-step scalars, computed on the host so the jitted step is traced once: `η_k`, `1 − β1^k`, `1 − β2^k`. */
export interface AdamScalars {
  readonly learningRate: np.Array;
  readonly correction1: np.Array;
  readonly correction2: np.Array;
}

/** Global gradient norm `‖g‖ = √Σ g²` (does not consume `grads`). */
export function globalNorm(grads: DeviceTensors): np.Array {
  let total: np.Array | undefined;
  for (const g of Object.values(grads)) {
    const s = np.square(g.ref).sum();
    total = total === undefined ? s : total.add(s);
  }
  return np.sqrt(total ?? np.zeros([]));
}

/** The `{init, update}` pair for the given options. */
export function adamW(options: ResolvedAdamOptions) {
  const { beta1, beta2, epsilon, weightDecay, gradientClip } = options;
  return {
    /** Zero moments shaped like `params` (does not consume them). */
    init(params: DeviceTensors): AdamState {
      const m: DeviceTensors = {};
      const v: DeviceTensors = {};
      for (const [k, p] of Object.entries(params)) {
        m[k] = np.zeros([...p.shape]);
        v[k] = np.zeros([...p.shape]);
      }
      return { m, v };
    },
    /** One step; returns the new parameters and state, and the (pre-clipping) gradient norm. */
    update(grads: DeviceTensors, state: AdamState, params: DeviceTensors, s: AdamScalars): { params: DeviceTensors; state: AdamState; gradNorm: np.Array } {
      const norm = globalNorm(grads);
      let scale: np.Array | undefined;
      if (gradientClip !== undefined) scale = np.divide(gradientClip, np.maximum(norm.ref, gradientClip));
      const keys = Object.keys(params);
      const out: DeviceTensors = {};
      const m: DeviceTensors = {};
      const v: DeviceTensors = {};
      for (const k of keys) {
        const g = scale === undefined ? grads[k] : grads[k].mul(scale.ref);
        m[k] = state.m[k].mul(beta1).add(g.ref.mul(1 - beta1));
        v[k] = state.v[k].mul(beta2).add(np.square(g).mul(1 - beta2));
        const mHat = m[k].ref.div(s.correction1.ref);
        const vHat = v[k].ref.div(s.correction2.ref);
        let direction = mHat.div(np.sqrt(vHat).add(epsilon));
        if (weightDecay > 0) direction = direction.add(params[k].ref.mul(weightDecay));
        out[k] = params[k].sub(direction.mul(s.learningRate.ref));
      }
      scale?.dispose();
      s.learningRate.dispose();
      s.correction1.dispose();
      s.correction2.dispose();
      return { params: out, state: { m, v }, gradNorm: norm };
    },
  };
}
