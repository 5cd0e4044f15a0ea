/**
 * Divergences `∇·u_θ(x, t) = tr ∂u_θ/∂x` of a network and the objective that uses them: the time-reversal (or
 * implicit score matching) loss of SB-FBSDE (Chen, Liu & Theodorou, ICLR 2022, "Likelihood Training of
 * Schrödinger Bridge using Forward-Backward SDEs Theory", Thm. 4 and eq. 18; Hyvärinen 2005 for the divergence
 * form of score matching)
 *
 *   L(θ) = E_{x ~ q} [ ½‖u_θ(x)‖² − u_θ(x)·g(x) + c ∇·u_θ(x) ],
 *
 * whose minimizer is `u* = g + c ∇log q` (integrate `E_q[∇·u] = −E_q[u·∇log q]` by parts).
 *
 * Divergence estimators, both as the mean of `vᵀ J v` over probe vectors `v` with `E[v vᵀ] = I` (one
 * Jacobian-vector product `J v` by forward-mode autodiff per probe):
 * - `exact`: the d probes `√d e_k`, whose mean is exactly `tr J` (d passes);
 * - `hutchinson`: K Rademacher probes (entries ±1), an unbiased estimate of `tr J` (Hutchinson 1989).
 *
 * Host layout of probes: `[K·B, d]`, row `k·B + i` is probe k of sample i (inputs are tiled to match).
 */
import { jit, jvp, numpy as np, type OwnedFunction } from "@jax-js/jax";
import { checkAllFinite, toArray2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import { uniform, type Key } from "../core/rng.js";
import { networkChunkRows, networkForward, networkInputDim, networkOutputDim, type NetworkConfig } from "./architecture.js";
import { deviceArray, disposeAll, refAll, toDevice, type DeviceTensors } from "./device.js";
import type { TimeNetwork } from "./network.js";

/** How `∇·u` is computed: exactly (d Jacobian-vector products) or by Hutchinson's estimator with K probes. */
export type DivergenceEstimator = { readonly kind: "exact" } | { readonly kind: "hutchinson"; readonly probes: number };

/** Validates an estimator. */
export function checkDivergenceEstimator(estimator: DivergenceEstimator, fn: string, argument = "divergence"): DivergenceEstimator {
  check(typeof estimator === "object" && estimator !== null, fn, argument, `must be {kind: "exact"} or {kind: "hutchinson", probes} (got ${String(estimator)})`);
  if (estimator.kind === "hutchinson") {
    checkInteger(estimator.probes, fn, `${argument}.probes`, 1);
    return estimator;
  }
  check(estimator.kind === "exact", fn, `${argument}.kind`, `must be "exact" or "hutchinson" (got ${String((estimator as { kind: unknown }).kind)})`);
  return estimator;
}

/** Number of probes per sample: d for `exact`, K for `hutchinson`. */
export function probeCount(estimator: DivergenceEstimator, dimension: number): number {
  return estimator.kind === "exact" ? dimension : estimator.probes;
}

/**
 * Probe vectors `[K·B, d]` for B samples (row `k·B + i` = probe k of sample i): `√d e_k` for `exact` (no key
 * needed), independent ±1 entries drawn from `key` for `hutchinson`. Both satisfy `E[v vᵀ] = I`.
 */
export function divergenceProbes(estimator: DivergenceEstimator, samples: number, dimension: number, key?: Key): Float32Array {
  const fn = "divergenceProbes";
  checkDivergenceEstimator(estimator, fn, "estimator");
  checkInteger(samples, fn, "samples", 1);
  checkInteger(dimension, fn, "dimension", 1);
  const k = probeCount(estimator, dimension);
  const out = new Float32Array(k * samples * dimension);
  if (estimator.kind === "exact") {
    const s = Math.sqrt(dimension);
    for (let p = 0; p < k; p++) for (let i = 0; i < samples; i++) out[(p * samples + i) * dimension + p] = s;
    return out;
  }
  check(key !== undefined, fn, "key", "is required for Hutchinson probes");
  const u = uniform(key, out.length);
  for (let j = 0; j < out.length; j++) out[j] = u[j] < 0.5 ? -1 : 1;
  return out;
}

/** `K` stacked copies of the rows of `data` (`[rows, cols]` → `[K·rows, cols]`), as float32. */
export function tileRows(data: ArrayLike<number>, copies: number): Float32Array {
  const out = new Float32Array(data.length * copies);
  for (let k = 0; k < copies; k++) for (let j = 0; j < data.length; j++) out[k * data.length + j] = data[j];
  return out;
}

/**
 * Per-row terms of the objective on tiled inputs (internal; traceable; consumes every argument):
 * `x`, `t`, `g`, `v` are `[K·B, ·]`; returns `[K·B]` rows `½‖u‖² − u·g + c vᵀ(∂u/∂x)v`, whose mean over the K
 * copies of a sample is that sample's loss with the divergence estimate.
 */
export function divergenceObjectiveRows(config: NetworkConfig, params: DeviceTensors, x: np.Array, t: np.Array, g: np.Array, v: np.Array, c: np.Array): np.Array {
  const [u, jv] = jvp((xx: np.Array) => networkForward(config, params, xx, t), [x], [v.ref]) as [np.Array, np.Array];
  const quadratic = np.square(u.ref).sum(1).mul(0.5).sub(u.mul(g).sum(1));
  return quadratic.add(jv.mul(v).sum(1).mul(c));
}

/** `vᵀ(∂u/∂x)v` per row (internal; traceable; consumes its arguments). */
function quadraticForm(config: NetworkConfig, params: DeviceTensors, x: np.Array, t: np.Array, v: np.Array): np.Array {
  const [u, jv] = jvp((xx: np.Array) => networkForward(config, params, xx, t), [x], [v.ref]) as [np.Array, np.Array];
  u.dispose();
  return jv.mul(v).sum(1);
}

/**
 * The divergence `∇·u(x_i, t)` of a network for every row of `x` (`[n, d]`, square networks only): exact, or
 * Hutchinson's estimate (the mean of `vᵀ J v` over K Rademacher probes drawn from `key`). Returns `[n]`.
 */
export function networkDivergence(network: TimeNetwork, x: Array2DLike, t: number, estimator: DivergenceEstimator, key?: Key): Float64Array {
  const fn = "networkDivergence";
  const xs = toArray2D(x, fn, "x");
  const d = networkInputDim(network.config);
  check(networkOutputDim(network.config) === d, fn, "network", `maps ${d} to ${networkOutputDim(network.config)} dimensions; a divergence needs a square map`);
  check(xs.cols === d, fn, "x", `has ${xs.cols} columns, the network takes ${d}`);
  check(xs.rows > 0, fn, "x", "is empty");
  checkAllFinite(xs.data, fn, "x", xs.cols);
  check(Number.isFinite(t), fn, "t", `must be finite (got ${t})`);
  checkDivergenceEstimator(estimator, fn, "estimator");
  const n = xs.rows;
  const k = probeCount(estimator, d);
  const v = divergenceProbes(estimator, n, d, key);
  const f: OwnedFunction<(p: DeviceTensors, x: np.Array, t: np.Array, v: np.Array) => np.Array> = jit((p: DeviceTensors, xx: np.Array, tt: np.Array, vv: np.Array) => quadraticForm(network.config, p, xx, tt, vv));
  const params = toDevice(network.tensors());
  const out = new Float64Array(n);
  const chunk = Math.max(1, Math.floor(networkChunkRows(network.config) / k));
  try {
    for (let r0 = 0; r0 < n; r0 += chunk) {
      const r1 = Math.min(n, r0 + chunk);
      const m = r1 - r0;
      const probes = new Float32Array(k * m * d);
      for (let p = 0; p < k; p++) probes.set(v.subarray((p * n + r0) * d, (p * n + r1) * d), p * m * d);
      const rows = f(refAll(params), deviceArray(tileRows(xs.data.subarray(r0 * d, r1 * d), k), [k * m, d]), deviceArray(new Float32Array(k * m).fill(t), [k * m, 1]), deviceArray(probes, [k * m, d])).dataSync() as Float32Array;
      for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) out[r0 + i] += rows[p * m + i] / k;
    }
  } finally {
    disposeAll(params);
    f.dispose();
  }
  return out;
}
