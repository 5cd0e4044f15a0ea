import { numpy as np } from "@jax-js/jax";
import { beforeAll, describe, expect, it } from "vitest";
import { adamW, resolveAdamOptions } from "../../src/nn/adam.js";
import type { DeviceTensors } from "../../src/nn/device.js";
import { ensureRuntime } from "../../src/nn/runtime.js";
import { learningRateAt } from "../../src/nn/schedule.js";

const f64 = (v: number[]) => np.array(v, { dtype: np.float64 });
const scalars = (lr: number, k: number, beta1 = 0.9, beta2 = 0.999) => ({ learningRate: f64([lr]).reshape([]), correction1: f64([1 - beta1 ** k]).reshape([]), correction2: f64([1 - beta2 ** k]).reshape([]) });

describe("Adam / AdamW", () => {
  beforeAll(() => ensureRuntime());
  // f(w) = Σ a_i (w_i − c_i)², ∇f = 2a(w − c)
  const a = [1, 10, 0.1];
  const c = [3, -2, 0.5];
  const gradient = (w: number[]) => w.map((wi, i) => 2 * a[i] * (wi - c[i]));

  it("takes a first step of exactly −η·sign(g) per coordinate (m̂/√v̂ = g/|g|)", () => {
    const opt = adamW(resolveAdamOptions({ learningRate: 0.1, epsilon: 1e-12 }, "test"));
    const w0 = [0, 0, 0];
    const params: DeviceTensors = { w: f64(w0) };
    const state = opt.init(params);
    const next = opt.update({ w: f64(gradient(w0)) }, state, params, scalars(0.1, 1));
    const w1 = Array.from(next.params.w.dataSync());
    w1.forEach((v, i) => expect(v).toBeCloseTo(w0[i] - 0.1 * Math.sign(gradient(w0)[i]), 9));
  });

  it("minimizes an ill-conditioned quadratic", () => {
    const opt = adamW(resolveAdamOptions({ learningRate: 0.1 }, "test"));
    let w = [0, 0, 0];
    let params: DeviceTensors = { w: f64(w) };
    let state = opt.init(params);
    for (let k = 1; k <= 1200; k++) {
      const lr = learningRateAt({ kind: "cosine" }, 0.1, k - 1, 1200);
      const out = opt.update({ w: f64(gradient(w)) }, state, params, scalars(lr, k));
      out.gradNorm.dispose();
      params = out.params;
      state = out.state;
      w = Array.from(params.w.ref.dataSync());
    }
    w.forEach((v, i) => expect(Math.abs(v - c[i])).toBeLessThan(1e-3));
  });

  it("clips by global norm, g·c/max(‖g‖, c), and matches an independent host Adam over two steps", () => {
    const opt = adamW(resolveAdamOptions({ learningRate: 0.1, gradientClip: 1 }, "test"));
    const grads = [[3, 4], [0.3, 0.4]];
    // host reference: clip, then Adam with bias corrections
    let m = [0, 0];
    let v = [0, 0];
    let w = [0, 0];
    let params: DeviceTensors = { w: f64(w) };
    let state = opt.init(params);
    for (let k = 1; k <= 2; k++) {
      const g = grads[k - 1];
      const norm = Math.hypot(g[0], g[1]);
      const gc = g.map((x) => (x * 1) / Math.max(norm, 1));
      m = m.map((mi, i) => 0.9 * mi + 0.1 * gc[i]);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * gc[i] ** 2);
      w = w.map((wi, i) => wi - (0.1 * (m[i] / (1 - 0.9 ** k))) / (Math.sqrt(v[i] / (1 - 0.999 ** k)) + 1e-8));
      const out = opt.update({ w: f64(g) }, state, params, scalars(0.1, k));
      expect(out.gradNorm.dataSync()[0]).toBeCloseTo(norm, 12);
      params = out.params;
      state = out.state;
    }
    const got = Array.from(params.w.dataSync());
    got.forEach((x, i) => expect(x).toBeCloseTo(w[i], 12));
  });

  it("validates its options and schedules", () => {
    expect(() => resolveAdamOptions({ learningRate: -1 }, "fit")).toThrow(/fit: learningRate must be > 0/);
    expect(() => resolveAdamOptions({ beta2: 1 }, "fit")).toThrow(/beta2/);
    expect(() => resolveAdamOptions({ gradientClip: 0 }, "fit")).toThrow(/gradientClip/);
    expect(learningRateAt({ kind: "cosine" }, 1, 0, 100)).toBeCloseTo(1, 12);
    expect(learningRateAt({ kind: "cosine" }, 1, 50, 100)).toBeCloseTo(0.5, 12);
    expect(learningRateAt({ kind: "constant", warmupSteps: 10 }, 1, 4, 100)).toBeCloseTo(0.5, 12);
  });
});
