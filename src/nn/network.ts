/**
 * A trained (or fresh) time-conditioned network `f(x, t)` as seen from outside `src/nn`: plain `[n, d]` float64
 * arrays in and out, weights as {@link HostTensors}. Evaluation runs on the jax-js device under `jit`, in chunks.
 */
import { jit, numpy as np, type OwnedFunction } from "@jax-js/jax";
import { array2d, checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import { deviceArray, disposeAll, refAll, toDevice, toHost, type DeviceTensors } from "./device.js";
import { checkNetworkConfig, initNetwork, networkChunkRows, networkForward, networkInputDim, networkLayout, networkOutputDim, type NetworkConfig } from "./architecture.js";
import { checkSameLayout, type HostTensor, type HostTensors } from "./hostTensor.js";
import { ensureRuntime } from "./runtime.js";

/** Float32 copy of rows `[r0, r1)` of `x` and the matching times as `[rows, 1]`. */
function hostBatch(x: Array2D, t: number | ArrayLike<number>, r0: number, r1: number): { xs: Float32Array; ts: Float32Array } {
  const xs = Float32Array.from(x.data.subarray(r0 * x.cols, r1 * x.cols));
  const ts = new Float32Array(r1 - r0);
  if (typeof t === "number") ts.fill(t);
  else for (let i = r0; i < r1; i++) ts[i - r0] = t[i];
  return { xs, ts };
}

/** A network `f(x, t)` of any {@link NetworkConfig}: `[n, inputDim]` × times → `[n, outputDim]`. */
export class TimeNetwork {
  private readonly forward: OwnedFunction<(p: DeviceTensors, x: np.Array, t: np.Array) => np.Array>;

  private constructor(
    /** The architecture. */
    readonly config: NetworkConfig,
    private params: DeviceTensors,
  ) {
    this.forward = jit((p: DeviceTensors, x: np.Array, t: np.Array) => networkForward(config, p, x, t));
  }

  /** Width of `x` (`H·W·C` for a U-Net). */
  get inputDim(): number {
    return networkInputDim(this.config);
  }

  /** Width of the output. */
  get outputDim(): number {
    return networkOutputDim(this.config);
  }

  /** A network with fresh weights drawn from `key`. */
  static async create(config: NetworkConfig, key: Key): Promise<TimeNetwork> {
    await ensureRuntime();
    return new TimeNetwork(config, toDevice(initNetwork(config, key)));
  }

  /** A network with the given weights (e.g. from a checkpoint); names and shapes are checked against `config`. */
  static async fromTensors(config: NetworkConfig, tensors: HostTensors): Promise<TimeNetwork> {
    await ensureRuntime();
    return TimeNetwork.fromTensorsSync(config, tensors);
  }

  /** As {@link TimeNetwork.fromTensors}, for callers that already awaited the runtime (internal). */
  static fromTensorsSync(config: NetworkConfig, tensors: HostTensors): TimeNetwork {
    checkNetworkConfig(config, "TimeNetwork.fromTensors");
    const expected = networkLayout(config);
    checkSameLayout(expected, tensors, "TimeNetwork.fromTensors", "tensors");
    for (const [k, v] of Object.entries(tensors)) checkAllFinite(v.data, "TimeNetwork.fromTensors", `tensors["${k}"]`);
    return new TimeNetwork(config, toDevice(tensors));
  }

  /** Internal: wraps device arrays (takes ownership). */
  static fromDevice(config: NetworkConfig, params: DeviceTensors): TimeNetwork {
    return new TimeNetwork(config, params);
  }

  /**
   * `f(x_i, t_i)` for every row: `x` is `[n, inputDim]`, `t` one time for all rows or one per row.
   * Returns `[n, outputDim]` (float64 copies of the float32 results).
   */
  predict(x: Array2DLike, t: number | ArrayLike<number>): Array2D {
    const fn = "TimeNetwork.predict";
    const xs = toArray2D(x, fn, "x");
    const inputDim = this.inputDim;
    const outputDim = this.outputDim;
    check(xs.cols === inputDim, fn, "x", `has ${xs.cols} columns, the network takes ${inputDim}`);
    if (typeof t === "number") check(Number.isFinite(t), fn, "t", `must be finite (got ${t})`);
    else {
      check(t.length === xs.rows, fn, "t", `has length ${t.length}, expected one time per row (${xs.rows})`);
      checkAllFinite(t, fn, "t");
    }
    const out = new Float64Array(xs.rows * outputDim);
    const chunk = networkChunkRows(this.config);
    for (let r0 = 0; r0 < xs.rows; r0 += chunk) {
      const r1 = Math.min(xs.rows, r0 + chunk);
      const { xs: xb, ts } = hostBatch(xs, t, r0, r1);
      const y = this.forward(refAll(this.params), deviceArray(xb, [r1 - r0, xs.cols]), deviceArray(ts, [r1 - r0, 1]));
      out.set(y.dataSync() as Float32Array, r0 * outputDim);
    }
    return array2d(out, xs.rows, outputDim);
  }

  /** A copy of the weights. */
  tensors(): Record<string, HostTensor> {
    return toHost(this.params);
  }

  /** Releases the device memory; the network cannot be used afterwards. */
  dispose(): void {
    disposeAll(this.params);
    this.params = {};
    this.forward.dispose();
  }
}
