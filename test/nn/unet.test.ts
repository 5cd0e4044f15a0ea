import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grad, jit, lax, numpy as np } from "@jax-js/jax";
import { beforeAll, describe, expect, it } from "vitest";
import { array2d } from "../../src/core/array2d.js";
import { makeKey, normal, uniform } from "../../src/core/rng.js";
import { checkNetworkConfig, initNetwork, networkInputDim, networkLayout, networkOutputDim, networkParameterCount, type NetworkConfig } from "../../src/nn/architecture.js";
import { loadCheckpoint, saveCheckpoint } from "../../src/nn/checkpoint.js";
import type { HostTensor } from "../../src/nn/hostTensor.js";
import { timeFrequencies } from "../../src/nn/mlp.js";
import { TimeNetwork } from "../../src/nn/network.js";
import { RegressionTrainer } from "../../src/nn/regressionTrainer.js";
import { ensureRuntime } from "../../src/nn/runtime.js";
import { conv3x3, initUnet, unetConfig, unetForward, unetParameterCount, type UnetConfig } from "../../src/nn/unet.js";

const f64 = (data: ArrayLike<number>, shape: number[]) => np.array(Array.from(data), { shape, dtype: np.float64 });
type Host = Record<string, { shape: readonly number[]; data: Float64Array }>;

/** A plain-JS NHWC image batch. */
interface Img { b: number; h: number; w: number; c: number; data: Float64Array }
const at = (x: Img, n: number, i: number, j: number, k: number) => (i < 0 || j < 0 || i >= x.h || j >= x.w ? 0 : x.data[((n * x.h + i) * x.w + j) * x.c + k]);
const img = (b: number, h: number, w: number, c: number): Img => ({ b, h, w, c, data: new Float64Array(b * h * w * c) });

/** Direct-loop 3×3 cross-correlation with zero padding 1; kernel `[3, 3, cin, cout]`. */
function convLoop(x: Img, weight: ArrayLike<number>, bias: ArrayLike<number>, cout: number): Img {
  const y = img(x.b, x.h, x.w, cout);
  for (let n = 0; n < x.b; n++) for (let i = 0; i < x.h; i++) for (let j = 0; j < x.w; j++) for (let o = 0; o < cout; o++) {
    let s = bias[o];
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) for (let k = 0; k < x.c; k++) s += at(x, n, i + dy - 1, j + dx - 1, k) * weight[((dy * 3 + dx) * x.c + k) * cout + o];
    y.data[((n * x.h + i) * x.w + j) * cout + o] = s;
  }
  return y;
}

function groupNormLoop(x: Img, groups: number, scale: ArrayLike<number>, shift: ArrayLike<number>): Img {
  const y = img(x.b, x.h, x.w, x.c);
  const per = x.c / groups;
  for (let n = 0; n < x.b; n++) for (let g = 0; g < groups; g++) {
    const idx: number[] = [];
    for (let p = 0; p < x.h * x.w; p++) for (let k = g * per; k < (g + 1) * per; k++) idx.push((n * x.h * x.w + p) * x.c + k);
    const mean = idx.reduce((s, q) => s + x.data[q], 0) / idx.length;
    const variance = idx.reduce((s, q) => s + (x.data[q] - mean) ** 2, 0) / idx.length;
    for (const q of idx) y.data[q] = ((x.data[q] - mean) / Math.sqrt(variance + 1e-5)) * scale[q % x.c] + shift[q % x.c];
  }
  return y;
}

const silu = (v: number) => v / (1 + Math.exp(-v));

/** Independent float64 U-Net forward pass for one image, following the formula in unet.ts. */
function hostUnet(cfg: UnetConfig, p: Host, pixels: ArrayLike<number>, t: number): Float64Array {
  const e = cfg.timeEmbeddingDim;
  const freqs = timeFrequencies(e);
  const emb = [...Array.from(freqs, (w) => Math.sin(t * w)), ...Array.from(freqs, (w) => Math.cos(t * w))];
  const dense = (v: number[], name: string) => {
    const nout = p[`${name}.weight`].shape[1];
    return Array.from({ length: nout }, (_, o) => v.reduce((s, vi, i) => s + vi * p[`${name}.weight`].data[i * nout + o], p[`${name}.bias`].data[o]));
  };
  const tau = dense(emb, "time").map(silu);
  const block = (name: string, x: Img): Img => {
    const cout = p[`${name}.conv1.bias`].shape[0];
    let y = convLoop(x, p[`${name}.conv1.weight`].data, p[`${name}.conv1.bias`].data, cout);
    if (cfg.groupNormGroups > 0) y = groupNormLoop(y, cfg.groupNormGroups, p[`${name}.norm1.scale`].data, p[`${name}.norm1.shift`].data);
    const shift = dense(tau, `${name}.time`);
    y.data.forEach((v, q) => (y.data[q] = silu(v + shift[q % cout])));
    y = convLoop(y, p[`${name}.conv2.weight`].data, p[`${name}.conv2.bias`].data, cout);
    if (cfg.groupNormGroups > 0) y = groupNormLoop(y, cfg.groupNormGroups, p[`${name}.norm2.scale`].data, p[`${name}.norm2.shift`].data);
    y.data.forEach((v, q) => (y.data[q] = silu(v)));
    return y;
  };
  const pool = (x: Img): Img => {
    const y = img(1, x.h / 2, x.w / 2, x.c);
    for (let i = 0; i < y.h; i++) for (let j = 0; j < y.w; j++) for (let k = 0; k < x.c; k++) y.data[(i * y.w + j) * x.c + k] = (at(x, 0, 2 * i, 2 * j, k) + at(x, 0, 2 * i + 1, 2 * j, k) + at(x, 0, 2 * i, 2 * j + 1, k) + at(x, 0, 2 * i + 1, 2 * j + 1, k)) / 4;
    return y;
  };
  const upConcat = (x: Img, skip: Img): Img => {
    const y = img(1, skip.h, skip.w, x.c + skip.c);
    for (let i = 0; i < y.h; i++) for (let j = 0; j < y.w; j++) for (let k = 0; k < y.c; k++) y.data[(i * y.w + j) * y.c + k] = k < x.c ? at(x, 0, i >> 1, j >> 1, k) : at(skip, 0, i, j, k - x.c);
    return y;
  };
  let h: Img = { b: 1, h: cfg.height, w: cfg.width, c: cfg.channels, data: Float64Array.from(pixels) };
  const skips: Img[] = [];
  const levels = cfg.blockChannels.length;
  for (let i = 0; i < levels; i++) {
    h = block(`down${i}`, i > 0 ? pool(h) : h);
    skips.push(h);
  }
  for (let i = levels - 2; i >= 0; i--) h = block(`up${i}`, upConcat(h, skips[i]));
  return convLoop(h, p["out.weight"].data, p["out.bias"].data, cfg.channels).data;
}

const toHost64 = (t: Record<string, HostTensor>): Host => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
const device = (host: Host) => Object.fromEntries(Object.entries(host).map(([k, v]) => [k, f64(v.data, [...v.shape])]));

describe("time-conditioned U-Net", () => {
  const tiny = unetConfig(8, 8, { channels: 2, blockChannels: [4, 8], timeEmbeddingDim: 4, groupNormGroups: 2 });
  const deep = unetConfig(8, 4, { channels: 1, blockChannels: [2, 4, 4], timeEmbeddingDim: 6, groupNormGroups: 0 });
  beforeAll(async () => {
    await ensureRuntime();
  });

  it("has the documented parameter count and PyTorch-style init", () => {
    const perBlock = (cin: number, cout: number, e: number, norm: boolean) => 9 * cin * cout + cout + e * cout + cout + 9 * cout * cout + cout + (norm ? 4 * cout : 0);
    // tiny: time 4×4+4; down0 2→4, down1 4→8, up0 (8+4)→4; out 4→2.
    expect(unetParameterCount(tiny)).toBe(20 + perBlock(2, 4, 4, true) + perBlock(4, 8, 4, true) + perBlock(12, 4, 4, true) + 9 * 4 * 2 + 2);
    expect(unetParameterCount(deep)).toBe(42 + perBlock(1, 2, 6, false) + perBlock(2, 4, 6, false) + perBlock(4, 4, 6, false) + perBlock(8, 4, 6, false) + perBlock(6, 2, 6, false) + 9 * 2 + 1);
    const mnist = unetConfig();
    expect(mnist).toMatchObject({ height: 28, width: 28, channels: 1, blockChannels: [32, 64, 64], timeEmbeddingDim: 64, groupNormGroups: 8 });
    expect(networkParameterCount(mnist)).toBe(308_609);
    expect([networkInputDim(mnist), networkOutputDim(mnist)]).toEqual([784, 784]);
    const w = initNetwork(tiny, makeKey(1));
    expect(Object.keys(w).sort()).toEqual(Object.keys(networkLayout(tiny)).sort());
    expect(w["up0.conv1.weight"].shape).toEqual([3, 3, 12, 4]);
    const bound = 1 / Math.sqrt(9 * 12);
    const m = Math.max(...Array.from(w["up0.conv1.weight"].data, Math.abs));
    expect(m).toBeLessThanOrEqual(bound);
    expect(m).toBeGreaterThan(0.8 * bound);
    expect(Array.from(w["down1.norm2.scale"].data)).toEqual(new Array(8).fill(1));
    expect(Array.from(w["down1.norm2.shift"].data)).toEqual(new Array(8).fill(0));
  });

  it("3×3 convolution matches a direct loop and lax.conv (NCHW) in float64", () => {
    const [b, h, w, cin, cout] = [2, 5, 6, 3, 4];
    const x = normal(makeKey(2), b * h * w * cin);
    const k = normal(makeKey(3), 9 * cin * cout);
    const bias = normal(makeKey(4), cout);
    const y = conv3x3(f64(x, [b, h, w, cin]), f64(k, [3, 3, cin, cout]), f64(bias, [cout]));
    expect(y.shape).toEqual([b, h, w, cout]);
    const got = y.dataSync() as Float64Array;
    const loop = convLoop({ b, h, w, c: cin, data: x }, k, bias, cout).data;
    const nchw = lax.conv(np.transpose(f64(x, [b, h, w, cin]), [0, 3, 1, 2]), np.transpose(f64(k, [3, 3, cin, cout]), [3, 2, 0, 1]), [1, 1], [[1, 1], [1, 1]]);
    const viaLax = np.transpose(nchw, [0, 2, 3, 1]).add(f64(bias, [cout])).dataSync() as Float64Array;
    for (let q = 0; q < got.length; q++) {
      expect(Math.abs(got[q] - loop[q])).toBeLessThan(1e-12);
      expect(Math.abs(got[q] - viaLax[q])).toBeLessThan(1e-12);
    }
  });

  // jax-js evaluates sin/cos/exp to about float32 accuracy even for float64 arrays (observed error ≤ 3e-6).
  for (const [label, cfg] of [["8×8×2, [4, 8], GroupNorm", tiny], ["8×4×1, [2, 4, 4], no norm", deep]] as const) {
    it(`forward pass (${label}) matches an independent float64 implementation`, () => {
      const host = toHost64(initUnet(cfg, makeKey(5)));
      const d = cfg.height * cfg.width * cfg.channels;
      const xs = normal(makeKey(6), 3 * d);
      const ts = uniform(makeKey(7), 3);
      const y = unetForward(cfg, device(host), f64(xs, [3, d]), f64(ts, [3, 1]));
      expect(y.shape).toEqual([3, d]);
      const got = y.dataSync() as Float64Array;
      let maxErr = 0;
      for (let n = 0; n < 3; n++) {
        const ref = hostUnet(cfg, host, xs.subarray(n * d, (n + 1) * d), ts[n]);
        for (let q = 0; q < d; q++) maxErr = Math.max(maxErr, Math.abs(got[n * d + q] - ref[q]));
      }
      expect(maxErr).toBeLessThan(3e-5);
    });
  }

  it("gradient with respect to weights of every kind matches five-point finite differences (float64)", () => {
    const host = toHost64(initUnet(tiny, makeKey(8)));
    // Non-trivial GroupNorm parameters, so their gradients are generic.
    for (const k of Object.keys(host)) if (k.includes(".norm")) host[k].data.forEach((_, i, a) => (a[i] += 0.3 * Math.sin(7 * i + k.length)));
    const d = 8 * 8 * 2;
    const xs = normal(makeKey(9), 2 * d);
    const ts = uniform(makeKey(10), 2);
    const c = normal(makeKey(11), 2 * d);
    const loss = (p: Record<string, np.Array>) => unetForward(tiny, p, f64(xs, [2, d]), f64(ts, [2, 1])).mul(f64(c, [2, d])).sum();
    const g = grad(loss)(device(host)) as Record<string, np.Array>;
    const evaluate = jit(loss);
    const lossAt = (name: string, idx: number, delta: number) => {
      const p = device(host);
      const vals = Array.from(host[name].data);
      vals[idx] += delta;
      p[name].dispose();
      p[name] = f64(vals, [...host[name].shape]);
      return (evaluate(p).dataSync() as Float64Array)[0];
    };
    // Each evaluation carries ~1e-7 of noise from the float32-accurate exp/sin, which a central difference at
    // h = 1e-3 divides by 2e-3; the five-point stencil at h = 1e-2 keeps that small and its truncation is O(h⁴).
    const h = 1e-2;
    const names = ["time.weight", "time.bias", "down0.conv1.weight", "down0.conv1.bias", "down0.norm1.scale", "down0.norm1.shift", "down0.time.weight", "down1.time.bias", "down1.conv2.weight", "down1.norm2.scale", "up0.conv1.weight", "up0.norm2.shift", "out.weight", "out.bias"];
    let checked = 0;
    for (const name of names) {
      const grads = g[name].dataSync() as Float64Array;
      for (const idx of [0, host[name].data.length - 1]) {
        const fd = (8 * (lossAt(name, idx, h) - lossAt(name, idx, -h)) - (lossAt(name, idx, 2 * h) - lossAt(name, idx, -2 * h))) / (12 * h);
        expect(Math.abs(grads[idx] - fd), `${name}[${idx}]`).toBeLessThan(3e-5 + 1e-4 * Math.abs(fd));
        checked++;
      }
    }
    expect(checked).toBe(28);
    evaluate.dispose();
  });

  it("a RegressionTrainer lowers a denoising loss; a checkpoint round-trip predicts identically", async () => {
    // 32 fixed 8×8×2 images: smooth random mixtures of two patterns, seen through noise of scale 0.5.
    const n = 32;
    const d = 8 * 8 * 2;
    const mix = normal(makeKey(12), 2 * n);
    const noise = normal(makeKey(13), n * d);
    const clean = new Float64Array(n * d);
    const noisy = new Float64Array(n * d);
    for (let r = 0; r < n; r++) for (let q = 0; q < d; q++) {
      const [i, j, ch] = [Math.floor(q / 16), Math.floor(q / 2) % 8, q % 2];
      clean[r * d + q] = mix[2 * r] * Math.sin((i + ch) / 2) + mix[2 * r + 1] * Math.cos(j / 3);
      noisy[r * d + q] = clean[r * d + q] + 0.5 * noise[r * d + q];
    }
    const batch = { x: array2d(noisy, n, d), t: new Float64Array(n).fill(0.5), target: array2d(clean, n, d) };
    const trainer = await RegressionTrainer.create(tiny, makeKey(14), { learningRate: 3e-3, emaDecay: 0 });
    const losses: number[] = [];
    for (let k = 0; k < 50; k++) losses.push(trainer.step(batch).loss);
    expect(losses[49]).toBeLessThan(0.25 * losses[0]);

    const dir = mkdtempSync(join(tmpdir(), "sbkit-unet-"));
    const networks: Record<string, NetworkConfig> = { denoiser: tiny };
    saveCheckpoint(dir, { method: "test", settings: {}, step: 50, totalSteps: 50, lossHistory: losses, networks, states: { denoiser: trainer.state() } });
    const loaded = loadCheckpoint(dir);
    expect(loaded.networks.denoiser).toEqual(tiny);
    const a = trainer.network(false);
    const b = await TimeNetwork.fromTensors(loaded.networks.denoiser, loaded.states.denoiser.params);
    const xq = array2d(noisy.slice(0, 4 * d), 4, d);
    const ya = a.predict(xq, 0.5);
    expect([ya.rows, ya.cols]).toEqual([4, d]);
    expect(Array.from(b.predict(xq, 0.5).data)).toEqual(Array.from(ya.data));
    // The restored trainer continues exactly like the original.
    const resumed = await RegressionTrainer.restore(tiny, loaded.states.denoiser, { learningRate: 3e-3, emaDecay: 0 });
    expect(resumed.step(batch).loss).toBe(trainer.step(batch).loss);
    await expect(TimeNetwork.fromTensors(deep, loaded.states.denoiser.params)).rejects.toThrow(/has tensors/);
    for (const x of [a, b, trainer, resumed]) x.dispose();
  });

  it("rejects bad architectures and inputs with clear errors", async () => {
    expect(() => unetConfig(28, 28, { blockChannels: [8, 8, 8, 8] })).toThrow(/halved 3 times and height and width must be divisible by 8 \(got 28×28\)/);
    expect(() => unetConfig(28, 28, { groupNormGroups: 5 })).toThrow(/groupNormGroups must divide every block width \(5 does not divide 32\)/);
    expect(() => unetConfig(28, 28, { timeEmbeddingDim: 7 })).toThrow(/timeEmbeddingDim must be even/);
    expect(() => unetConfig(28, 28, { timeEmbeddingDim: 0 })).toThrow(/timeEmbeddingDim must be an integer in \[2/);
    expect(() => unetConfig(28, 28, { blockChannels: [] })).toThrow(/blockChannels must be a non-empty array/);
    expect(() => unetConfig(0, 28)).toThrow(/config.height/);
    expect(() => checkNetworkConfig({ kind: "cnn" } as unknown as NetworkConfig, "loadCheckpoint")).toThrow(/loadCheckpoint: config.kind must be "mlp" or "unet" \(got "cnn"\)/);
    const net = await TimeNetwork.create(tiny, makeKey(15));
    expect(() => net.predict(array2d(new Float64Array(10 * 64), 10, 64), 0.5)).toThrow(/has 64 columns, the network takes 128/);
    net.dispose();
  });
});
