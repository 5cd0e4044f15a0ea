import { describe, expect, it } from "vitest";
import { array2d, type Array2D } from "../../src/core/array2d.js";
import { makeKey, normal2d, split, uniform } from "../../src/core/rng.js";
import { otProblem } from "../../src/ot/problem.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";
import { sinkhornAsync } from "../../src/ot/sinkhornAsync.js";
import { sinkhornKernel } from "../../src/ot/sinkhornKernel.js";

function cloud(seed: number, n: number, d: number, scale = 1, shift = 0): Array2D {
  const x = normal2d(makeKey(seed), n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = x.data[i] * scale + shift;
  return x;
}

/** Independent reference: dense log-domain Sinkhorn on an explicit cost matrix, run to machine precision. */
function denseReferencePlan(x: Array2D, y: Array2D, a: Float64Array, b: Float64Array, eps: number): Float64Array {
  const n = x.rows, m = y.rows, d = x.cols;
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (x.data[i * d + k] - y.data[j * d + k]) ** 2;
    C[i * m + j] = s / 2;
  }
  const f = new Float64Array(n), g = new Float64Array(m);
  const lse = (vals: Float64Array) => {
    let mx = -Infinity;
    for (const v of vals) mx = Math.max(mx, v);
    let s = 0;
    for (const v of vals) s += Math.exp(v - mx);
    return mx + Math.log(s);
  };
  const col = new Float64Array(n), row = new Float64Array(m);
  for (let it = 0; it < 3000; it++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) col[i] = Math.log(a[i]) + (f[i] - C[i * m + j]) / eps;
      g[j] = -eps * lse(col);
    }
    let change = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) row[j] = Math.log(b[j]) + (g[j] - C[i * m + j]) / eps;
      const v = -eps * lse(row);
      change = Math.max(change, Math.abs(v - f[i]));
      f[i] = v;
    }
    if (change < 1e-15) break;
  }
  const P = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) P[i * m + j] = a[i] * b[j] * Math.exp((f[i] + g[j] - C[i * m + j]) / eps);
  return P;
}

/** Symmetric square root of a 2×2 SPD matrix: √M = (M + √det I)/√(tr M + 2√det). */
function sqrt2(m: number[]): number[] {
  const s = Math.sqrt(m[0] * m[3] - m[1] * m[2]);
  const t = Math.sqrt(m[0] + m[3] + 2 * s);
  return [(m[0] + s) / t, m[1] / t, m[2] / t, (m[3] + s) / t];
}
const mul2 = (p: number[], q: number[]) => [p[0] * q[0] + p[1] * q[2], p[0] * q[1] + p[1] * q[3], p[2] * q[0] + p[3] * q[2], p[2] * q[1] + p[3] * q[3]];
const inv2 = (p: number[]) => { const det = p[0] * p[3] - p[1] * p[2]; return [p[3] / det, -p[1] / det, -p[2] / det, p[0] / det]; };

describe("sinkhorn (log domain, costs on the fly)", () => {
  const x = cloud(1, 40, 3);
  const y = cloud(2, 30, 3, 0.7, 1);
  const [ka, kb] = split(makeKey(3));
  const a = uniform(ka, 40, 0.1, 1);
  const b = uniform(kb, 30, 0.1, 1);
  const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
  const an = a.map((v) => v / sa), bn = b.map((v) => v / sb);

  it("matches both marginals to the tolerance, with primal = dual", () => {
    const res = sinkhorn(otProblem(x, y, { epsilon: 0.1, sourceWeights: a, targetWeights: b }), { tolerance: 1e-9 });
    expect(res.converged).toBe(true);
    expect(res.marginalError).toBeLessThan(1e-9);
    expect(res.errors.at(-1)).toBeLessThan(1e-9);
    expect(Math.abs(res.regularizedCost - res.dualValue)).toBeLessThan(1e-8);
  });

  it("gives the plan of an independent dense log-domain Sinkhorn (online and dense backends)", () => {
    for (const [eps, backend] of [[0.05, "online"], [0.5, "online"], [5, "online"], [0.05, "dense"], [0.5, "dense"], [5, "dense"]] as const) {
      const ref = denseReferencePlan(x, y, an, bn, eps);
      const res = sinkhorn(otProblem(x, y, { epsilon: eps, sourceWeights: a, targetWeights: b }), { tolerance: 1e-12, backend });
      expect(res.backend.kind).toBe(backend);
      const P = res.plan().data;
      let maxDiff = 0;
      for (let k = 0; k < P.length; k++) maxDiff = Math.max(maxDiff, Math.abs(P[k] - ref[k]));
      expect(maxDiff).toBeLessThan(1e-10);
      let cost = 0;
      for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) {
        let c = 0;
        for (let k = 0; k < 3; k++) c += (x.data[i * 3 + k] - y.data[j * 3 + k]) ** 2;
        cost += (ref[i * 30 + j] * c) / 2;
      }
      expect(res.cost).toBeCloseTo(cost, 9);
    }
  });

  it("agrees with kernel-mode Sinkhorn", () => {
    const p = otProblem(x, y, { epsilon: 0.3, sourceWeights: a, targetWeights: b });
    const logd = sinkhorn(p, { tolerance: 1e-11 });
    const kern = sinkhornKernel(p, { tolerance: 1e-11 });
    expect(kern.converged).toBe(true);
    expect(kern.cost).toBeCloseTo(logd.cost, 10);
    expect(kern.regularizedCost).toBeCloseTo(logd.regularizedCost, 10);
    const P = logd.plan().data, Q = kern.plan().data;
    for (let k = 0; k < P.length; k++) expect(Math.abs(P[k] - Q[k])).toBeLessThan(1e-11);
  });

  it("kernel mode reports underflow at tiny ε instead of returning NaN", () => {
    const far = cloud(9, 20, 2, 1, 50);
    expect(() => sinkhornKernel(otProblem(cloud(8, 20, 2), far, { epsilon: 1e-3 }))).toThrow(/sinkhornKernel: kernel row/);
    const logd = sinkhorn(otProblem(cloud(8, 20, 2), far, { epsilon: 1e-3 }));
    expect(Number.isFinite(logd.cost)).toBe(true);
  });

  it("gives the same answer with and without ε-scaling", () => {
    const p = otProblem(x, y, { epsilon: 0.02 });
    const scaled = sinkhorn(p, { tolerance: 1e-10 });
    const direct = sinkhorn(p, { tolerance: 1e-10, epsilonScaling: false });
    expect(scaled.epsilonStages.length).toBeGreaterThan(1);
    expect(scaled.cost).toBeCloseTo(direct.cost, 8);
  });

  it("unbalanced with a huge ρ equals balanced", () => {
    const bal = sinkhorn(otProblem(x, y, { epsilon: 0.2 }), { tolerance: 1e-10 });
    const unb = sinkhorn(otProblem(x, y, { epsilon: 0.2, unbalanced: 1e9 }), { tolerance: 1e-8 });
    expect(unb.converged).toBe(true);
    expect(unb.cost).toBeCloseTo(bal.cost, 6);
    expect(unb.marginalError).toBeLessThan(1e-6);
  });

  it("unbalanced with a small ρ moves less mass than balanced and keeps primal = dual", () => {
    const far = cloud(5, 30, 3, 1, 3);
    const bal = sinkhorn(otProblem(x, far, { epsilon: 0.2 }), { tolerance: 1e-10 });
    const unb = sinkhorn(otProblem(x, far, { epsilon: 0.2, unbalanced: 1 }), { tolerance: 1e-11 });
    const mass = unb.sourceMarginal.reduce((s, v) => s + v, 0);
    expect(mass).toBeLessThan(0.5);
    expect(unb.cost).toBeLessThan(bal.cost);
    expect(Math.abs(unb.regularizedCost - unb.dualValue)).toBeLessThan(1e-8);
  });

  it("matches the closed-form Gaussian SB cross-covariance on large samples", () => {
    // N(μ0, Σ0) → N(μ1, Σ1), ε = 1: C = ½(Σ0^½ D Σ0^{−½} − εI), D = (4 Σ0^½ Σ1 Σ0^½ + ε² I)^½ (Bunne et al. 2023).
    const n = 1500, eps = 1;
    const S0 = [1, 0.3, 0.3, 0.6], S1 = [0.8, -0.2, -0.2, 1.2];
    const L0 = [1, 0, 0.3, Math.sqrt(0.6 - 0.09)], L1 = [Math.sqrt(0.8), 0, -0.2 / Math.sqrt(0.8), Math.sqrt(1.2 - 0.04 / 0.8)];
    const draw = (seed: number, L: number[], mu: number[]) => {
      const z = normal2d(makeKey(seed), n, 2);
      const out = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        out[2 * i] = mu[0] + L[0] * z.data[2 * i];
        out[2 * i + 1] = mu[1] + L[2] * z.data[2 * i] + L[3] * z.data[2 * i + 1];
      }
      return array2d(out, n, 2);
    };
    const x0 = draw(11, L0, [0, 0]), x1 = draw(12, L1, [2, -1]);
    const res = sinkhorn(otProblem(x0, x1, { epsilon: eps }), { tolerance: 1e-8 });
    const py = res.apply(x1);
    const mx = [0, 0], my = [0, 0];
    for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) { mx[k] += x0.data[2 * i + k] / n; my[k] += x1.data[2 * i + k] / n; }
    const cross = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) cross[2 * p + q] += x0.data[2 * i + p] * py.data[2 * i + q];
    for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) cross[2 * p + q] -= mx[p] * my[q];
    const r0 = sqrt2(S0);
    const D = sqrt2(mul2(mul2(r0, S1), r0).map((v, k) => 4 * v + (k === 0 || k === 3 ? eps * eps : 0)));
    const C = mul2(mul2(r0, D), inv2(r0)).map((v, k) => 0.5 * (v - (k === 0 || k === 3 ? eps : 0)));
    for (let k = 0; k < 4; k++) expect(Math.abs(cross[k] - C[k])).toBeLessThan(0.06);
  });

  it("sinkhornAsync (worker threads) gives the same result as sinkhorn", async () => {
    const big = cloud(21, 700, 2), tgt = cloud(22, 600, 2, 0.5, 1);
    const p = otProblem(big, tgt, { epsilon: 0.05 });
    const sync = sinkhorn(p, { tolerance: 1e-7, backend: "online" });
    const par = await sinkhornAsync(p, { tolerance: 1e-7, threads: 2, backend: "online" });
    expect(par.iterations).toBe(sync.iterations);
    expect(par.cost).toBeCloseTo(sync.cost, 10);
    for (let j = 0; j < 600; j += 37) expect(par.targetPotential[j]).toBeCloseTo(sync.targetPotential[j], 9);
  });

  it("reports non-convergence in the result instead of throwing", () => {
    const res = sinkhorn(otProblem(x, y, { epsilon: 0.001 }), { maxIterations: 3, tolerance: 1e-12 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(3);
    expect(res.errors).toHaveLength(3);
  });
});

describe("derived quantities", () => {
  const x = cloud(31, 25, 2);
  const y = cloud(32, 20, 2, 1, 2);
  const res = sinkhorn(otProblem(x, y, { epsilon: 0.3 }), { tolerance: 1e-12 });

  it("entropic map at the source points equals the barycentric projection", () => {
    const bary = res.barycentricProjection().data;
    const mapped = res.entropicMap(x).data;
    for (let k = 0; k < bary.length; k++) expect(mapped[k]).toBeCloseTo(bary[k], 9);
  });

  it("samples pairs with the plan's frequencies", () => {
    const P = res.plan().data;
    const draws = 200_000;
    const { sourceIndices, targetIndices } = res.samplePairs(makeKey(4), draws);
    const counts = new Float64Array(P.length);
    for (let s = 0; s < draws; s++) counts[sourceIndices[s] * 20 + targetIndices[s]]++;
    let tv = 0;
    for (let k = 0; k < P.length; k++) tv += Math.abs(counts[k] / draws - P[k]);
    expect(tv / 2).toBeLessThan(0.03);
  });
});

describe("bad input", () => {
  const x = cloud(41, 5, 2);
  it("names the argument that was wrong", () => {
    expect(() => otProblem(x, cloud(42, 5, 3), { epsilon: 1 })).toThrow(/otProblem: target has dimension 3, but source has dimension 2/);
    expect(() => otProblem(x, x, { epsilon: 0 })).toThrow(/otProblem: epsilon must be a finite number > 0/);
    expect(() => otProblem(x, x, { epsilon: -1 })).toThrow(/epsilon/);
    expect(() => otProblem(array2d(new Float64Array(0), 0, 2), x, { epsilon: 1 })).toThrow(/otProblem: source must not be empty/);
    const bad = cloud(43, 5, 2);
    bad.data[3] = NaN;
    expect(() => otProblem(bad, x, { epsilon: 1 })).toThrow(/otProblem: source has a non-finite value NaN at \[1, 1\]/);
    expect(() => otProblem(x, x, { epsilon: 1, sourceWeights: [1, 1, -1, 1, 1] })).toThrow(/sourceWeights must be non-negative/);
    expect(() => otProblem(x, x, { epsilon: 1, targetWeights: [0, 0, 0, 0, 0] })).toThrow(/targetWeights must have a positive sum/);
    expect(() => otProblem(x, x, { epsilon: 1, targetWeights: [1, 2] })).toThrow(/targetWeights has length 2, expected 5/);
    expect(() => otProblem(x, x, { epsilon: 1, unbalanced: 0 })).toThrow(/otProblem: sourceRho/);
    expect(() => sinkhorn(otProblem(x, x, { epsilon: 1 }), { tolerance: -1 })).toThrow(/sinkhorn: tolerance/);
    expect(() => sinkhorn(otProblem(x, x, { epsilon: 1 }), { initialSourcePotential: [1, 2] })).toThrow(/initialSourcePotential has length 2/);
  });
});
