/**
 * The drift / score network of every 2-D to 128-D solver: an MLP on `[x, emb(t)]` with SiLU activations and a
 * sinusoidal time embedding (Vaswani et al. 2017; Ho et al. 2020 use the same embedding of the step 1000·t):
 *
 *   emb(t) = [sin(1000 t ω_k), cos(1000 t ω_k)]_{k<K/2},  ω_k = 10000^{−k/(K/2)},
 *   h_0 = [x, emb(t)],  h_{l+1} = silu(h_l W_l + b_l),  out = h_L W_L + b_L.
 *
 * Weights are `[in, out]` and start as in PyTorch's `nn.Linear`: `W, b ~ U(−1/√in, 1/√in)`.
 * With `timeEmbeddingDim = 0` the raw `t` is appended instead (one extra input).
 */
import { nn, numpy as np } from "@jax-js/jax";
import { check, checkInteger } from "../core/errors.js";
import { split, uniform, type Key } from "../core/rng.js";
import type { DeviceTensors } from "./device.js";
import type { HostTensor } from "./hostTensor.js";

/** Architecture of a time-conditioned MLP `f(x, t)`. */
export interface MlpConfig {
  readonly kind: "mlp";
  /** Dimension of `x`. */
  readonly inputDim: number;
  /** Dimension of the output. */
  readonly outputDim: number;
  /** Widths of the hidden layers, e.g. `[256, 256, 256]`. */
  readonly hiddenDims: readonly number[];
  /** Even size of the sinusoidal time embedding (default 64); 0 appends the raw `t`. */
  readonly timeEmbeddingDim: number;
  /** Hidden activation (default `"silu"`). */
  readonly activation?: "silu" | "relu" | "gelu";
}

/** An {@link MlpConfig} with defaults: three hidden layers of 256 and a 64-dimensional time embedding. */
export function mlpConfig(inputDim: number, outputDim: number, options: { hiddenDims?: readonly number[]; timeEmbeddingDim?: number; activation?: MlpConfig["activation"] } = {}): MlpConfig {
  const cfg: MlpConfig = {
    kind: "mlp",
    inputDim,
    outputDim,
    hiddenDims: options.hiddenDims ?? [256, 256, 256],
    timeEmbeddingDim: options.timeEmbeddingDim ?? 64,
    activation: options.activation ?? "silu",
  };
  checkMlpConfig(cfg, "mlpConfig");
  return cfg;
}

/** Validates a config (e.g. one read from a checkpoint). */
export function checkMlpConfig(cfg: MlpConfig, fn: string): void {
  check(cfg.kind === "mlp", fn, "config.kind", `must be "mlp" (got ${String(cfg.kind)})`);
  checkInteger(cfg.inputDim, fn, "config.inputDim", 1);
  checkInteger(cfg.outputDim, fn, "config.outputDim", 1);
  check(Array.isArray(cfg.hiddenDims) && cfg.hiddenDims.length >= 1, fn, "config.hiddenDims", "must be a non-empty array of widths");
  for (const h of cfg.hiddenDims) checkInteger(h, fn, "config.hiddenDims", 1);
  checkInteger(cfg.timeEmbeddingDim, fn, "config.timeEmbeddingDim", 0);
  check(cfg.timeEmbeddingDim % 2 === 0, fn, "config.timeEmbeddingDim", `must be even (got ${cfg.timeEmbeddingDim})`);
  const act = cfg.activation ?? "silu";
  check(act === "silu" || act === "relu" || act === "gelu", fn, "config.activation", `must be silu, relu or gelu (got ${act})`);
}

/** Layer widths `[in, h_1, …, h_L, out]` including the time features. */
export function mlpWidths(cfg: MlpConfig): number[] {
  const timeFeatures = cfg.timeEmbeddingDim === 0 ? 1 : cfg.timeEmbeddingDim;
  return [cfg.inputDim + timeFeatures, ...cfg.hiddenDims, cfg.outputDim];
}

/** Number of trainable parameters. */
export function mlpParameterCount(cfg: MlpConfig): number {
  const w = mlpWidths(cfg);
  let n = 0;
  for (let l = 0; l + 1 < w.length; l++) n += w[l] * w[l + 1] + w[l + 1];
  return n;
}

/** Fresh weights `layer{l}.weight` `[in, out]` and `layer{l}.bias` `[out]` drawn from `key`. */
export function initMlp(cfg: MlpConfig, key: Key): Record<string, HostTensor> {
  checkMlpConfig(cfg, "initMlp");
  const w = mlpWidths(cfg);
  const keys = split(key, 2 * (w.length - 1));
  const out: Record<string, HostTensor> = {};
  for (let l = 0; l + 1 < w.length; l++) {
    const bound = 1 / Math.sqrt(w[l]);
    out[`layer${l}.weight`] = { shape: [w[l], w[l + 1]], data: Float32Array.from(uniform(keys[2 * l], w[l] * w[l + 1], -bound, bound)) };
    out[`layer${l}.bias`] = { shape: [w[l + 1]], data: Float32Array.from(uniform(keys[2 * l + 1], w[l + 1], -bound, bound)) };
  }
  return out;
}

/** The frequencies `1000·ω_k` of the time embedding. */
export function timeFrequencies(dim: number): Float32Array {
  const half = dim / 2;
  const f = new Float32Array(half);
  for (let k = 0; k < half; k++) f[k] = 1000 * Math.exp(-Math.log(10000) * (k / half));
  return f;
}

function activate(h: np.Array, act: MlpConfig["activation"]): np.Array {
  if (act === "relu") return nn.relu(h);
  if (act === "gelu") return nn.gelu(h);
  return nn.silu(h);
}

/**
 * Device forward pass (internal; jax-js ownership: consumes `params`, `x` `[B, inputDim]` and `t` `[B, 1]`).
 * Returns `[B, outputDim]`.
 */
export function mlpForward(cfg: MlpConfig, params: DeviceTensors, x: np.Array, t: np.Array): np.Array {
  let features: np.Array;
  if (cfg.timeEmbeddingDim === 0) {
    features = t;
  } else {
    const freqs = np.array(Array.from(timeFrequencies(cfg.timeEmbeddingDim)), { shape: [1, cfg.timeEmbeddingDim / 2], dtype: t.dtype });
    const angles = t.mul(freqs);
    features = np.concatenate([np.sin(angles.ref), np.cos(angles)], 1);
  }
  let h = np.concatenate([x, features], 1);
  const layers = cfg.hiddenDims.length + 1;
  for (let l = 0; l < layers; l++) {
    h = np.matmul(h, params[`layer${l}.weight`]).add(params[`layer${l}.bias`]);
    if (l + 1 < layers) h = activate(h, cfg.activation);
  }
  return h;
}
