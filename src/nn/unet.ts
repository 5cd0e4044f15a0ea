/**
 * A small time-conditioned U-Net (Ronneberger et al. 2015) for flattened images, as used by diffusion models and
 * bridges on MNIST (Ho et al. 2020 condition every block on the time in the same way). With levels
 * `c_0, …, c_{L−1}` (`blockChannels`, e.g. `[32, 64, 64]` for 28 → 14 → 7):
 *
 *   emb(t) = [sin(1000 t ω_k), cos(1000 t ω_k)]  (as in mlp.ts),   τ = silu(emb(t) W_τ + b_τ)            [B, E]
 *   block(h) = silu(norm₂(conv₂(silu(norm₁(conv₁(h)) + τ W + b))))   (3×3 convolutions, padding 1)
 *   down:  e_0 = block(x),  e_i = block(avgpool₂(e_{i−1}))                                     (i = 1 … L−1)
 *   up:    u_{L−1} = e_{L−1},  u_i = block(concat[upsample₂(u_{i+1}), e_i])   (nearest; i = L−2 … 0)
 *   out = conv₃ₓ₃(u_0)  with the image's channel count.
 *
 * `norm` is GroupNorm (Wu & He 2018; ε = 1e-5, learned per-channel scale and shift) with `groupNormGroups`
 * groups, or the identity when that is 0. `τ W + b` is added per channel (broadcast over the pixels).
 *
 * Layout: `x` is `[B, H·W·C]`, each row an image in row-major `[H, W, C]` order (channels last, as a PNG or
 * MNIST file stores it), and every activation stays NHWC `[B, H, W, C]`. A convolution is the cross-correlation
 *
 *   y[b, i, j, o] = bias[o] + Σ_{dy, dx < 3} Σ_c x₀[b, i + dy − 1, j + dx − 1, c] · w[dy, dx, c, o]
 *
 * (x₀: zero outside the image; kernels HWIO `[3, 3, C_in, C_out]` as in flax), computed as nine matmuls: on
 * the wasm backend of jax-js 0.1.25 `lax.conv` (NCHW) runs at ~0.2 GFLOP/s while a matmul reaches ~10, so
 * each shifted window of the padded input, `[B·H·W, C_in]`, is multiplied by `w[dy, dx]` `[C_in, C_out]` and
 * the nine products are summed (a 3×3 conv layer's forward + backward ~40× faster than `lax.conv`; an im2col
 * concatenation to `[B·H·W, 9·C_in]` was half as fast and needs a 9× larger temporary).
 * Weights start as in PyTorch's `nn.Conv2d` / `nn.Linear`, `U(−1/√fan_in, 1/√fan_in)` with `fan_in = 9·C_in`
 * for a 3×3 convolution; GroupNorm starts at scale 1, shift 0.
 */
import { nn, numpy as np } from "@jax-js/jax";
import { check, checkInteger } from "../core/errors.js";
import { split, uniform, type Key } from "../core/rng.js";
import type { DeviceTensors } from "./device.js";
import type { HostTensor } from "./hostTensor.js";
import { timeFrequencies } from "./mlp.js";

/** Architecture of a time-conditioned U-Net `f(x, t)` on `[B, height·width·channels]` images. */
export interface UnetConfig {
  readonly kind: "unet";
  /** Image height H (divisible by 2^(L−1)). */
  readonly height: number;
  /** Image width W (divisible by 2^(L−1)). */
  readonly width: number;
  /** Image channels C (1 for MNIST). */
  readonly channels: number;
  /** Feature channels of the block at each resolution, e.g. `[32, 64, 64]` (L levels, L − 1 halvings). */
  readonly blockChannels: readonly number[];
  /** Even size E ≥ 2 of the sinusoidal time embedding (and of the time MLP). */
  readonly timeEmbeddingDim: number;
  /** Groups of every GroupNorm (dividing every block width); 0 leaves normalization out. */
  readonly groupNormGroups: number;
}

/** Shape and initialization of one weight tensor. */
export interface UnetTensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** `"uniform"`: U(±1/√fanIn); `"ones"` / `"zeros"`: GroupNorm scale / shift. */
  readonly init: "uniform" | "ones" | "zeros";
  readonly fanIn: number;
}

/** GroupNorm's ε. */
const GROUP_NORM_EPSILON = 1e-5;

/** A {@link UnetConfig} for `height × width` images with defaults: 1 channel, `[32, 64, 64]`, E = 64, 8 groups. */
export function unetConfig(height = 28, width = 28, options: { channels?: number; blockChannels?: readonly number[]; timeEmbeddingDim?: number; groupNormGroups?: number } = {}): UnetConfig {
  const cfg: UnetConfig = {
    kind: "unet",
    height,
    width,
    channels: options.channels ?? 1,
    blockChannels: options.blockChannels ?? [32, 64, 64],
    timeEmbeddingDim: options.timeEmbeddingDim ?? 64,
    groupNormGroups: options.groupNormGroups ?? 8,
  };
  checkUnetConfig(cfg, "unetConfig");
  return cfg;
}

/** Validates a config (e.g. one read from a checkpoint). */
export function checkUnetConfig(cfg: UnetConfig, fn: string): void {
  check(cfg.kind === "unet", fn, "config.kind", `must be "unet" (got ${String(cfg.kind)})`);
  checkInteger(cfg.height, fn, "config.height", 1);
  checkInteger(cfg.width, fn, "config.width", 1);
  checkInteger(cfg.channels, fn, "config.channels", 1);
  check(Array.isArray(cfg.blockChannels) && cfg.blockChannels.length >= 1, fn, "config.blockChannels", "must be a non-empty array of channel counts, one per resolution");
  for (const c of cfg.blockChannels) checkInteger(c, fn, "config.blockChannels", 1);
  const factor = 2 ** (cfg.blockChannels.length - 1);
  check(cfg.height % factor === 0 && cfg.width % factor === 0, fn, "config.blockChannels", `has ${cfg.blockChannels.length} levels, so the image is halved ${cfg.blockChannels.length - 1} times and height and width must be divisible by ${factor} (got ${cfg.height}×${cfg.width})`);
  checkInteger(cfg.timeEmbeddingDim, fn, "config.timeEmbeddingDim", 2);
  check(cfg.timeEmbeddingDim % 2 === 0, fn, "config.timeEmbeddingDim", `must be even (got ${cfg.timeEmbeddingDim})`);
  checkInteger(cfg.groupNormGroups, fn, "config.groupNormGroups", 0);
  if (cfg.groupNormGroups > 0) {
    for (const c of cfg.blockChannels) check(c % cfg.groupNormGroups === 0, fn, "config.groupNormGroups", `must divide every block width (${cfg.groupNormGroups} does not divide ${c})`);
  }
}

/** Number of values of one image, `H·W·C` (the network's input and output width). */
export function unetImageSize(cfg: UnetConfig): number {
  return cfg.height * cfg.width * cfg.channels;
}

/** Input and output channels of every block, in evaluation order: `down0 … down{L−1}`, `up{L−2} … up0`. */
export function unetBlocks(cfg: UnetConfig): { name: string; inChannels: number; outChannels: number }[] {
  const c = cfg.blockChannels;
  const L = c.length;
  const blocks = c.map((cout, i) => ({ name: `down${i}`, inChannels: i === 0 ? cfg.channels : c[i - 1], outChannels: cout }));
  for (let i = L - 2; i >= 0; i--) blocks.push({ name: `up${i}`, inChannels: c[i + 1] + c[i], outChannels: c[i] });
  return blocks;
}

/** Every weight tensor with its shape and initialization, in a fixed order. */
export function unetTensorSpecs(cfg: UnetConfig): UnetTensorSpec[] {
  const e = cfg.timeEmbeddingDim;
  const specs: UnetTensorSpec[] = [
    { name: "time.weight", shape: [e, e], init: "uniform", fanIn: e },
    { name: "time.bias", shape: [e], init: "uniform", fanIn: e },
  ];
  const conv = (name: string, cin: number, cout: number): void => {
    specs.push({ name: `${name}.weight`, shape: [3, 3, cin, cout], init: "uniform", fanIn: 9 * cin });
    specs.push({ name: `${name}.bias`, shape: [cout], init: "uniform", fanIn: 9 * cin });
  };
  const norm = (name: string, cout: number): void => {
    if (cfg.groupNormGroups === 0) return;
    specs.push({ name: `${name}.scale`, shape: [cout], init: "ones", fanIn: 1 });
    specs.push({ name: `${name}.shift`, shape: [cout], init: "zeros", fanIn: 1 });
  };
  for (const b of unetBlocks(cfg)) {
    conv(`${b.name}.conv1`, b.inChannels, b.outChannels);
    norm(`${b.name}.norm1`, b.outChannels);
    specs.push({ name: `${b.name}.time.weight`, shape: [e, b.outChannels], init: "uniform", fanIn: e });
    specs.push({ name: `${b.name}.time.bias`, shape: [b.outChannels], init: "uniform", fanIn: e });
    conv(`${b.name}.conv2`, b.outChannels, b.outChannels);
    norm(`${b.name}.norm2`, b.outChannels);
  }
  conv("out", cfg.blockChannels[0], cfg.channels);
  return specs;
}

/** Number of trainable parameters. */
export function unetParameterCount(cfg: UnetConfig): number {
  let n = 0;
  for (const s of unetTensorSpecs(cfg)) n += s.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Fresh weights drawn from `key` (one sub-key per tensor, in {@link unetTensorSpecs} order). */
export function initUnet(cfg: UnetConfig, key: Key): Record<string, HostTensor> {
  checkUnetConfig(cfg, "initUnet");
  const specs = unetTensorSpecs(cfg);
  const keys = split(key, specs.length);
  const out: Record<string, HostTensor> = {};
  specs.forEach((s, i) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(s.fanIn);
    const data = s.init === "uniform" ? Float32Array.from(uniform(keys[i], size, -bound, bound)) : new Float32Array(size).fill(s.init === "ones" ? 1 : 0);
    out[s.name] = { shape: [...s.shape], data };
  });
  return out;
}

/**
 * 3×3 convolution with zero padding 1 and a bias (see the module formula): `x` `[B, H, W, C_in]`, `weight`
 * `[3, 3, C_in, C_out]`, `bias` `[C_out]` → `[B, H, W, C_out]`. Internal (exported for tests); consumes its
 * arguments.
 */
export function conv3x3(h: np.Array, weight: np.Array, bias: np.Array): np.Array {
  const [b, hh, ww, cin] = h.shape;
  const cout = weight.shape[3];
  const padded = np.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  let y: np.Array = bias.reshape([1, cout]);
  for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) {
    y = y.add(np.matmul(padded.ref.slice([], [dy, dy + hh], [dx, dx + ww], []).reshape([b * hh * ww, cin]), weight.ref.slice(dy, dx)));
  }
  padded.dispose();
  weight.dispose();
  return y.reshape([b, hh, ww, cout]);
}

/** GroupNorm over `groups` groups of pixels × channels, then per-channel `scale`, `shift` (consumes its arguments). */
function groupNorm(h: np.Array, groups: number, scale: np.Array, shift: np.Array): np.Array {
  const [b, hh, ww, c] = h.shape;
  const r = h.reshape([b, hh * ww, groups, c / groups]);
  const centered = r.ref.sub(np.mean(r, [1, 3], { keepdims: true }));
  const variance = np.mean(np.square(centered.ref), [1, 3], { keepdims: true });
  const normalized = centered.div(np.sqrt(variance.add(GROUP_NORM_EPSILON))).reshape([b, hh, ww, c]);
  return normalized.mul(scale).add(shift);
}

/** 2×2 average pooling `[B, H, W, C]` → `[B, H/2, W/2, C]`. */
function avgPool2(h: np.Array): np.Array {
  const [b, hh, ww, c] = h.shape;
  return np.mean(h.reshape([b, hh / 2, 2, ww / 2, 2, c]), [2, 4]);
}

/** Nearest-neighbour 2× upsampling `[B, H, W, C]` → `[B, 2H, 2W, C]`. */
function upsample2(h: np.Array): np.Array {
  const [b, hh, ww, c] = h.shape;
  return np.broadcastTo(h.reshape([b, hh, 1, ww, 1, c]), [b, hh, 2, ww, 2, c]).reshape([b, 2 * hh, 2 * ww, c]);
}

/** One block (see the module formula); consumes `h` and the block's weights, borrows `tau`. */
function block(cfg: UnetConfig, p: DeviceTensors, name: string, h: np.Array, tau: np.Array): np.Array {
  const g = cfg.groupNormGroups;
  let y = conv3x3(h, p[`${name}.conv1.weight`], p[`${name}.conv1.bias`]);
  if (g > 0) y = groupNorm(y, g, p[`${name}.norm1.scale`], p[`${name}.norm1.shift`]);
  const shift = np.matmul(tau.ref, p[`${name}.time.weight`]).add(p[`${name}.time.bias`]);
  y = nn.silu(y.add(shift.reshape([shift.shape[0], 1, 1, shift.shape[1]])));
  y = conv3x3(y, p[`${name}.conv2.weight`], p[`${name}.conv2.bias`]);
  if (g > 0) y = groupNorm(y, g, p[`${name}.norm2.scale`], p[`${name}.norm2.shift`]);
  return nn.silu(y);
}

/**
 * Device forward pass (internal; jax-js ownership: consumes `params`, `x` `[B, H·W·C]` and `t` `[B, 1]`).
 * Returns `[B, H·W·C]` in the same row-major `[H, W, C]` order.
 */
export function unetForward(cfg: UnetConfig, params: DeviceTensors, x: np.Array, t: np.Array): np.Array {
  const { height: hh, width: ww, channels: c, blockChannels } = cfg;
  const b = x.shape[0];
  const freqs = np.array(Array.from(timeFrequencies(cfg.timeEmbeddingDim)), { shape: [1, cfg.timeEmbeddingDim / 2], dtype: t.dtype });
  const angles = t.mul(freqs);
  const emb = np.concatenate([np.sin(angles.ref), np.cos(angles)], 1);
  const tau = nn.silu(np.matmul(emb, params["time.weight"]).add(params["time.bias"]));
  let h = x.reshape([b, hh, ww, c]);
  const skips: np.Array[] = [];
  for (let i = 0; i < blockChannels.length; i++) {
    if (i > 0) h = avgPool2(h);
    h = block(cfg, params, `down${i}`, h, tau);
    if (i + 1 < blockChannels.length) skips.push(h.ref);
  }
  for (let i = blockChannels.length - 2; i >= 0; i--) {
    h = np.concatenate([upsample2(h), skips[i]], 3);
    h = block(cfg, params, `up${i}`, h, tau);
  }
  tau.dispose();
  return conv3x3(h, params["out.weight"], params["out.bias"]).reshape([b, hh * ww * c]);
}
