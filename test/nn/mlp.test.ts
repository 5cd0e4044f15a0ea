import { grad, numpy as np } from "@jax-js/jax";
import { beforeAll, describe, expect, it } from "vitest";
import { makeKey, normal, uniform } from "../../src/core/rng.js";
import { initMlp, mlpConfig, mlpForward, mlpParameterCount, timeFrequencies, type MlpConfig } from "../../src/nn/mlp.js";
import { ensureRuntime } from "../../src/nn/runtime.js";
import type { HostTensor } from "../../src/nn/hostTensor.js";

const f64 = (data: ArrayLike<number>, shape: number[]) => np.array(Array.from(data), { shape, dtype: np.float64 });

/** Independent host forward pass in float64: [x, sin(1000tω), cos(1000tω)] → (W, b, silu)… */
function hostForward(cfg: MlpConfig, p: Record<string, { shape: readonly number[]; data: Float64Array }>, x: number[], t: number): number[] {
  const freqs = timeFrequencies(cfg.timeEmbeddingDim);
  let h = [...x, ...Array.from(freqs, (w) => Math.sin(t * w)), ...Array.from(freqs, (w) => Math.cos(t * w))];
  const layers = cfg.hiddenDims.length + 1;
  for (let l = 0; l < layers; l++) {
    const w = p[`layer${l}.weight`];
    const b = p[`layer${l}.bias`];
    const [nin, nout] = w.shape;
    const out = new Array<number>(nout).fill(0);
    for (let j = 0; j < nout; j++) {
      let s = b.data[j];
      for (let i = 0; i < nin; i++) s += h[i] * w.data[i * nout + j];
      out[j] = l + 1 < layers ? s / (1 + Math.exp(-s)) : s;
    }
    h = out;
  }
  return h;
}

describe("time-conditioned MLP", () => {
  const cfg = mlpConfig(3, 2, { hiddenDims: [16, 8], timeEmbeddingDim: 6 });
  let host: Record<string, { shape: readonly number[]; data: Float64Array }>;
  beforeAll(async () => {
    await ensureRuntime();
    const init = initMlp(cfg, makeKey(3)) as Record<string, HostTensor>;
    host = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
  });
  const device = () => Object.fromEntries(Object.entries(host).map(([k, v]) => [k, f64(v.data, [...v.shape])]));
  const xs = normal(makeKey(5), 4 * 3);
  const ts = uniform(makeKey(6), 4);

  it("has the documented layout and PyTorch-style init bounds", () => {
    expect(mlpParameterCount(cfg)).toBe((3 + 6) * 16 + 16 + 16 * 8 + 8 + 8 * 2 + 2);
    const w0 = host["layer0.weight"];
    expect(w0.shape).toEqual([9, 16]);
    const bound = 1 / Math.sqrt(9);
    expect(Math.max(...w0.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w0.data.map(Math.abs))).toBeGreaterThan(0.8 * bound);
  });

  // jax-js evaluates sin/cos/exp to about float32 accuracy even for float64 arrays (sin(700) is off by ~4e-5),
  // so the comparisons below allow that; the arithmetic itself (matmul, sums) is exact float64.
  it("forward pass matches an independent float64 implementation", () => {
    const y = mlpForward(cfg, device(), f64(xs, [4, 3]), f64(ts, [4, 1])).dataSync();
    for (let i = 0; i < 4; i++) {
      const ref = hostForward(cfg, host, Array.from(xs.subarray(3 * i, 3 * i + 3)), ts[i]);
      expect(Math.abs(y[2 * i] - ref[0])).toBeLessThan(1e-4);
      expect(Math.abs(y[2 * i + 1] - ref[1])).toBeLessThan(1e-4);
    }
  });

  it("gradient of a loss with respect to every weight matches central finite differences (float64)", () => {
    const c = normal(makeKey(7), 4 * 2);
    const loss = (p: Record<string, np.Array>) => mlpForward(cfg, p, f64(xs, [4, 3]), f64(ts, [4, 1])).mul(f64(c, [4, 2])).sum();
    const g = grad(loss)(device()) as Record<string, np.Array>;
    const grads = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v.dataSync() as Float64Array]));
    const lossAt = (name: string, idx: number, delta: number) => {
      const p = device();
      const vals = Array.from(host[name].data);
      vals[idx] += delta;
      p[name].dispose();
      p[name] = f64(vals, [...host[name].shape]);
      return (loss(p).dataSync() as Float64Array)[0];
    };
    const h = 1e-3; // large enough that exp's ~1e-8 relative error in silu does not swamp the difference
    let checked = 0;
    for (const name of Object.keys(host)) {
      for (const idx of [0, Math.floor(host[name].data.length / 2), host[name].data.length - 1]) {
        const fd = (lossAt(name, idx, h) - lossAt(name, idx, -h)) / (2 * h);
        expect(Math.abs(grads[name][idx] - fd)).toBeLessThan(1e-5 + 1e-4 * Math.abs(fd));
        checked++;
      }
    }
    expect(checked).toBe(18);
  });

  it("rejects bad architectures with clear errors", () => {
    expect(() => mlpConfig(0, 2)).toThrow(/inputDim/);
    expect(() => mlpConfig(2, 2, { timeEmbeddingDim: 5 })).toThrow(/timeEmbeddingDim must be even/);
    expect(() => mlpConfig(2, 2, { hiddenDims: [] })).toThrow(/hiddenDims/);
  });
});
