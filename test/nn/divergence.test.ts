/**
 * The divergence of a network (exact by forward-mode autodiff, and Hutchinson's estimator) against central finite
 * differences, and the divergence objective's trainer against its closed-form minimizer on a Gaussian.
 */
import { describe, expect, it } from "vitest";
import { array2d, type Array2D } from "../../src/core/array2d.js";
import { makeKey, foldIn, normal2d, uniform } from "../../src/core/rng.js";
import { divergenceProbes, networkDivergence } from "../../src/nn/divergence.js";
import { DivergenceTrainer } from "../../src/nn/divergenceTrainer.js";
import { mlpConfig } from "../../src/nn/mlp.js";
import { TimeNetwork } from "../../src/nn/network.js";

/** Jacobians `∂u_k/∂x_j` of every row by central differences, `[n][d][d]`. */
function finiteDifferenceJacobians(net: TimeNetwork, x: Array2D, t: number, h: number): number[][][] {
  const { rows: n, cols: d } = x;
  const jac = Array.from({ length: n }, () => Array.from({ length: d }, () => new Array<number>(d).fill(0)));
  for (let j = 0; j < d; j++) {
    const plus = array2d(x.data.slice(), n, d);
    const minus = array2d(x.data.slice(), n, d);
    for (let i = 0; i < n; i++) {
      plus.data[i * d + j] += h;
      minus.data[i * d + j] -= h;
    }
    const up = net.predict(plus, t);
    const down = net.predict(minus, t);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) jac[i][k][j] = (up.data[i * d + k] - down.data[i * d + k]) / (2 * h);
  }
  return jac;
}

/** A network whose Jacobian is far from zero: an MLP with larger output weights. */
async function testNetwork(d: number): Promise<TimeNetwork> {
  const cfg = mlpConfig(d, d, { hiddenDims: [32, 32], timeEmbeddingDim: 8 });
  const base = await TimeNetwork.create(cfg, makeKey(3));
  const w = base.tensors();
  base.dispose();
  for (const k of Object.keys(w)) for (let i = 0; i < w[k].data.length; i++) w[k].data[i] *= 2;
  return TimeNetwork.fromTensors(cfg, w);
}

describe("network divergence", () => {
  it("exact divergence (forward-mode JVPs) equals the trace of the finite-difference Jacobian", async () => {
    const d = 4;
    const net = await testNetwork(d);
    const x = normal2d(makeKey(4), 6, d);
    const exact = networkDivergence(net, x, 0.37, { kind: "exact" });
    const jac = finiteDifferenceJacobians(net, x, 0.37, 1e-2);
    let scale = 0;
    for (let i = 0; i < 6; i++) {
      const trace = jac[i].reduce((s, r, k) => s + r[k], 0);
      scale = Math.max(scale, Math.abs(trace));
      expect(Math.abs(exact[i] - trace)).toBeLessThan(2e-3);
    }
    expect(scale).toBeGreaterThan(0.1); // the check is not vacuous
    net.dispose();
  });

  it("Hutchinson's estimate is unbiased: the mean over K Rademacher probes is within 5 standard errors of the trace", async () => {
    const d = 4;
    const net = await testNetwork(d);
    const x = normal2d(makeKey(5), 3, d);
    const probes = 4000;
    const estimate = networkDivergence(net, x, 0.8, { kind: "hutchinson", probes }, makeKey(6));
    const jac = finiteDifferenceJacobians(net, x, 0.8, 1e-2);
    for (let i = 0; i < 3; i++) {
      const J = jac[i];
      const trace = J.reduce((s, r, k) => s + r[k], 0);
      // Var(vᵀJv) for Rademacher v: Σ_{j≠k} J_jk (J_jk + J_kj)
      let variance = 0;
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) if (j !== k) variance += J[j][k] * (J[j][k] + J[k][j]);
      expect(variance).toBeGreaterThan(1e-3);
      expect(Math.abs(estimate[i] - trace)).toBeLessThan(5 * Math.sqrt(variance / probes) + 2e-3);
    }
    // one probe is not the trace, and the same key gives the same estimate
    const one = networkDivergence(net, x, 0.8, { kind: "hutchinson", probes: 1 }, makeKey(7));
    expect(Array.from(networkDivergence(net, x, 0.8, { kind: "hutchinson", probes: 1 }, makeKey(7)))).toEqual(Array.from(one));
    net.dispose();
  });

  it("probe sets have E[v vᵀ] = I: the exact set exactly, Rademacher entries ±1", () => {
    const d = 3;
    const b = 2;
    const exact = divergenceProbes({ kind: "exact" }, b, d);
    expect(exact.length).toBe(d * b * d);
    for (let i = 0; i < b; i++) {
      const m = new Float64Array(d * d);
      for (let p = 0; p < d; p++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) m[j * d + k] += (exact[(p * b + i) * d + j] * exact[(p * b + i) * d + k]) / d;
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) expect(m[j * d + k]).toBeCloseTo(j === k ? 1 : 0, 6);
    }
    const rad = divergenceProbes({ kind: "hutchinson", probes: 5 }, b, d, makeKey(1));
    expect(rad.length).toBe(5 * b * d);
    expect(Array.from(rad).every((v) => v === 1 || v === -1)).toBe(true);
  });

  it("rejects bad input with the function and argument named", async () => {
    const net = await TimeNetwork.create(mlpConfig(2, 3, { hiddenDims: [8], timeEmbeddingDim: 0 }), makeKey(1));
    expect(() => networkDivergence(net, [[0, 0]], 0, { kind: "exact" })).toThrow(/networkDivergence: network .*square/);
    net.dispose();
    const sq = await TimeNetwork.create(mlpConfig(2, 2, { hiddenDims: [8], timeEmbeddingDim: 0 }), makeKey(1));
    expect(() => networkDivergence(sq, [[0, 0, 0]], 0, { kind: "exact" })).toThrow(/networkDivergence: x has 3 columns/);
    expect(() => networkDivergence(sq, [[0, Number.NaN]], 0, { kind: "exact" })).toThrow(/networkDivergence: x has a non-finite value/);
    expect(() => networkDivergence(sq, [[0, 0]], 0, { kind: "hutchinson", probes: 1 })).toThrow(/divergenceProbes: key is required/);
    expect(() => networkDivergence(sq, [[0, 0]], 0, { kind: "hutchinson", probes: 0 })).toThrow(/estimator.probes/);
    expect(() => networkDivergence(sq, [[0, 0]], 0, { kind: "trace" } as never)).toThrow(/estimator.kind must be "exact" or "hutchinson"/);
    sq.dispose();
    await expect(DivergenceTrainer.create(mlpConfig(2, 3, { hiddenDims: [8], timeEmbeddingDim: 0 }), makeKey(1), { coefficient: 1 })).rejects.toThrow(/DivergenceTrainer: config .*square/);
    await expect(DivergenceTrainer.create(mlpConfig(2, 2, { hiddenDims: [8], timeEmbeddingDim: 0 }), makeKey(1), { coefficient: Number.NaN })).rejects.toThrow(/options.coefficient/);
  });
});

describe("divergence objective trainer", () => {
  it("minimizes ½‖u‖² − u·g + c∇·u to u* = g + c∇log q on a Gaussian q (exact and Hutchinson)", async () => {
    // q = N(m, s² I) in d = 3, g(x) = A x fixed, c = 0.5: u*(x) = A x − c (x − m)/s²; time is an unused input.
    const d = 3;
    const s = 0.8;
    const m = [0.5, -1, 0.25];
    const A = [[0.3, -0.2, 0], [0.1, 0, 0.4], [0, 0.25, -0.3]];
    const c = 0.5;
    const field = (x: Array2D): Array2D => {
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < x.rows; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) out[i * d + k] += A[k][j] * x.data[i * d + j];
      return array2d(out, x.rows, d);
    };
    const draw = (key: ReturnType<typeof makeKey>, n: number): Array2D => {
      const z = normal2d(key, n, d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) z.data[i * d + k] = m[k] + s * z.data[i * d + k];
      return z;
    };
    // The minimum value: E[½‖u*‖² − u*·g + c∇·u*] = −½E‖Ax‖² − ½c²d/s² + c tr A, E‖Ax‖² = s²‖A‖²_F + ‖Am‖².
    let frob = 0;
    let am2 = 0;
    for (let k = 0; k < d; k++) {
      let am = 0;
      for (let j = 0; j < d; j++) {
        frob += A[k][j] ** 2;
        am += A[k][j] * m[j];
      }
      am2 += am * am;
    }
    const optimum = -0.5 * (s * s * frob + am2) - (0.5 * c * c * d) / (s * s) + c * (A[0][0] + A[1][1] + A[2][2]);
    const cfg = mlpConfig(d, d, { hiddenDims: [64, 64], timeEmbeddingDim: 0 });
    for (const divergence of [{ kind: "exact" }, { kind: "hutchinson", probes: 1 }] as const) {
      const trainer = await DivergenceTrainer.create(cfg, makeKey(2), { coefficient: c, divergence, learningRate: 3e-3, emaDecay: 0.99 });
      const batch = 256;
      let tail = 0;
      for (let k = 0; k < 500; k++) {
        const key = foldIn(makeKey(8), k);
        const x = draw(foldIn(key, 0), batch);
        const loss = trainer.step({ x, t: uniform(foldIn(key, 1), batch), drift: field(x), key: foldIn(key, 2) }).loss;
        if (k >= 400) tail += loss;
      }
      const net = trainer.network();
      const x = draw(makeKey(99), 2000);
      const u = net.predict(x, 0.5);
      const g = field(x);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < x.rows; i++) {
        for (let k = 0; k < d; k++) {
          const target = g.data[i * d + k] - (c * (x.data[i * d + k] - m[k])) / (s * s);
          err += (u.data[i * d + k] - target) ** 2;
          norm += target ** 2;
        }
      }
      expect(Math.sqrt(err / norm), divergence.kind).toBeLessThan(0.05);
      expect(Math.abs(tail / 100 - optimum), divergence.kind).toBeLessThan(0.05);
      net.dispose();
      trainer.dispose();
    }
  }, 120_000);

  it("a restored trainer continues with the same state", async () => {
    const cfg = mlpConfig(2, 2, { hiddenDims: [8], timeEmbeddingDim: 0 });
    const opts = { coefficient: 1, learningRate: 1e-2 };
    const batch = { x: normal2d(makeKey(1), 16, 2), t: new Float64Array(16).fill(0.5), drift: normal2d(makeKey(2), 16, 2) };
    const a = await DivergenceTrainer.create(cfg, makeKey(3), opts);
    a.step(batch);
    const b = await DivergenceTrainer.restore(cfg, a.state(), opts);
    expect(b.stepCount).toBe(1);
    a.step(batch);
    b.step(batch);
    for (const ema of [true, false]) expect(Array.from(b.tensors(ema)["layer0.weight"].data)).toEqual(Array.from(a.tensors(ema)["layer0.weight"].data));
    expect(() => a.step({ ...batch, drift: normal2d(makeKey(2), 15, 2) })).toThrow(/DivergenceTrainer.step: batch.drift has shape \[15, 2\], expected \[16, 2\]/);
    a.dispose();
    b.dispose();
  });
});
