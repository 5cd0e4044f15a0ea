import { describe, expect, it } from "vitest";
import type { Array2D } from "../../src/core/array2d.js";
import { makeKey, normal2d, split, uniform } from "../../src/core/rng.js";
import { meanCost, otProblem, type OtProblem } from "../../src/ot/problem.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";
import { sinkhornAsync } from "../../src/ot/sinkhornAsync.js";
import { sinkhornKernel } from "../../src/ot/sinkhornKernel.js";
import type { SinkhornOptions } from "../../src/ot/sinkhornOptions.js";
import type { SinkhornResult } from "../../src/ot/sinkhornResult.js";

function cloud(seed: number, n: number, d: number, scale = 1, shift = 0): Array2D {
  const x = normal2d(makeKey(seed), n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = x.data[i] * scale + shift;
  return x;
}

function weights(seed: number, n: number): Float64Array {
  return uniform(makeKey(seed), n, 0.1, 1);
}

/**
 * Largest potential difference after removing the constant shift (f + c, g − c) that balanced potentials are
 * defined up to (`shift: false` for unbalanced problems, whose potentials are unique).
 */
function potentialGap(p: SinkhornResult, q: SinkhornResult, shift = true): number {
  const a = p.problem.sourceWeights;
  let c = 0;
  if (shift) for (let i = 0; i < a.length; i++) c += a[i] * (p.sourcePotential[i] - q.sourcePotential[i]);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(p.sourcePotential[i] - c - q.sourcePotential[i]));
  for (let j = 0; j < p.targetPotential.length; j++) worst = Math.max(worst, Math.abs(p.targetPotential[j] + c - q.targetPotential[j]));
  return worst;
}

/**
 * Dense vs online, both float64 (the online default mixes in float32 sweeps; see sinkhornPrecision.test.ts), along
 * one deterministic path: over-relaxation rather than the default Anderson acceleration, whose least squares turn
 * the backends' different summation orders into different iteration counts (their agreement under Anderson is
 * checked in sinkhornAnderson.test.ts), and ε-scaling from the mean cost, so that many stages exercise the kernel
 * squaring between stages.
 */
function both(problem: OtProblem, options: SinkhornOptions): { dense: SinkhornResult; online: SinkhornResult } {
  const s = options.epsilonScaling ?? true;
  const scaling = s === false ? false : { start: meanCost(problem), ...(typeof s === "object" ? s : {}) };
  const pinned: SinkhornOptions = { acceleration: "overRelaxation", ...options, epsilonScaling: scaling };
  const dense = sinkhorn(problem, { ...pinned, backend: "dense" });
  const online = sinkhorn(problem, { ...pinned, backend: "online", precision: "double" });
  expect(dense.backend.kind).toBe("dense");
  expect(online.backend.kind).toBe("online");
  return { dense, online };
}

describe("dense (tensorized) backend agrees with the online backend", () => {
  const cases: { name: string; n: number; m: number; d: number; ratio: number; weighted: boolean }[] = [
    { name: "balanced, d=2, small ε", n: 300, m: 300, d: 2, ratio: 0.01, weighted: false },
    { name: "weighted, d=2, large ε", n: 250, m: 200, d: 2, ratio: 0.5, weighted: true },
    { name: "weighted, d=10, small ε", n: 200, m: 240, d: 10, ratio: 0.01, weighted: true },
    { name: "balanced, d=10, large ε", n: 200, m: 150, d: 10, ratio: 0.3, weighted: false },
  ];
  for (const c of cases) {
    it(`${c.name}: same potentials, costs and iterations; marginals within tolerance`, () => {
      const x = cloud(100 + c.d, c.n, c.d);
      const y = cloud(200 + c.d, c.m, c.d, 0.6, 1 / Math.sqrt(c.d));
      const [ka, kb] = split(makeKey(7 * c.n + c.d));
      const sourceWeights = c.weighted ? uniform(ka, c.n, 0.1, 1) : undefined;
      const targetWeights = c.weighted ? uniform(kb, c.m, 0.1, 1) : undefined;
      const epsilon = c.ratio * meanCost(otProblem(x, y, { epsilon: 1 }));
      const problem = otProblem(x, y, { epsilon, sourceWeights, targetWeights });
      const { dense, online } = both(problem, { tolerance: 1e-9 });
      for (const r of [dense, online]) {
        expect(r.converged).toBe(true);
        expect(r.marginalError).toBeLessThan(1e-9);
      }
      expect(dense.iterations).toBe(online.iterations);
      expect(potentialGap(dense, online)).toBeLessThan(1e-8);
      expect(Math.abs(dense.cost - online.cost) / online.cost).toBeLessThan(1e-10);
      expect(Math.abs(dense.regularizedCost - online.regularizedCost)).toBeLessThan(1e-9 * Math.abs(online.regularizedCost));
      expect(dense.backend.fallbackRows).toBe(0);
      // ε-scaling with factor ½ moves the kernel between stages by squaring: exact builds only at the start and for
      // the last stage (whose ratio to the previous one is not 2).
      expect(dense.backend.kernelBuilds).toBeLessThanOrEqual(2);
      expect(dense.backend.kernelUpdates).toBeGreaterThanOrEqual(dense.epsilonStages.length - 2);
    });
  }

  it("unbalanced (KL-relaxed marginals): same potentials and costs", () => {
    const x = cloud(31, 200, 3);
    const y = cloud(32, 180, 3, 1, 2.5);
    const problem = otProblem(x, y, { epsilon: 0.2, unbalanced: 1, sourceWeights: weights(33, 200) });
    const { dense, online } = both(problem, { tolerance: 1e-10 });
    expect(dense.converged && online.converged).toBe(true);
    expect(potentialGap(dense, online, false)).toBeLessThan(1e-8);
    expect(Math.abs(dense.cost - online.cost) / online.cost).toBeLessThan(1e-10);
    expect(Math.abs(dense.dualValue - dense.regularizedCost)).toBeLessThan(1e-8);
  });

  it("factor ≠ ½, warm starts and an iteration cap inside an early stage take the exact-build paths", () => {
    const x = cloud(41, 150, 4);
    const y = cloud(42, 160, 4, 0.8, 0.5);
    const problem = otProblem(x, y, { epsilon: 0.02 });
    const slow = both(problem, { tolerance: 1e-9, epsilonScaling: { factor: 0.3 } });
    expect(slow.dense.backend.kernelBuilds).toBe(slow.dense.epsilonStages.length);
    expect(potentialGap(slow.dense, slow.online)).toBeLessThan(1e-8);
    const warm = both(problem, { tolerance: 1e-9, initialSourcePotential: slow.online.sourcePotential, initialTargetPotential: slow.online.targetPotential });
    expect(warm.dense.iterations).toBe(warm.online.iterations);
    expect(potentialGap(warm.dense, warm.online)).toBeLessThan(1e-8);
    const capped = both(problem, { maxIterations: 3 });
    expect(capped.dense.converged).toBe(false);
    // Three iterations from ε ≈ 40·0.02 leave potentials far from ε's, so the plan's mass is huge; both agree.
    expect(Math.abs(capped.dense.cost - capped.online.cost) / capped.online.cost).toBeLessThan(1e-10);
    for (let i = 0; i < 150; i++) {
      expect(Math.abs(capped.dense.sourceMarginal[i] - capped.online.sourceMarginal[i])).toBeLessThan(1e-10 * capped.online.sourceMarginal[i]);
    }
  });

  it("a tight tolerance forces exact rebuilds instead of accumulating rounding in in-place updates", () => {
    const x = cloud(51, 120, 2);
    const y = cloud(52, 120, 2, 0.5, 1);
    const problem = otProblem(x, y, { epsilon: 0.1 });
    const { dense, online } = both(problem, { tolerance: 1e-12 });
    expect(dense.converged && online.converged).toBe(true);
    expect(dense.backend.kernelBuilds).toBeGreaterThan(1);
    expect(potentialGap(dense, online)).toBeLessThan(1e-10);
  });

  it("kernel underflow is recomputed by the exact online sweep and reported, never NaN", () => {
    // Without ε-scaling, K = exp(−c/ε) underflows in every row (c/ε ≈ 1250 > 745): the first sweep falls back row
    // by row, then the kernel is re-stabilized at the new potentials and the solve finishes densely.
    const x = cloud(8, 20, 2);
    const far = cloud(9, 20, 2, 1, 50);
    const problem = otProblem(x, far, { epsilon: 1 });
    const { dense, online } = both(problem, { epsilonScaling: false, tolerance: 1e-9 });
    expect(dense.backend.fallbackRows).toBeGreaterThanOrEqual(20);
    expect(dense.backend.kernelBuilds).toBeGreaterThan(1);
    expect(dense.iterations).toBe(online.iterations);
    expect(dense.converged).toBe(true);
    expect(Number.isFinite(dense.cost)).toBe(true);
    expect(potentialGap(dense, online)).toBeLessThan(1e-8);
    expect(Math.abs(dense.cost - online.cost) / online.cost).toBeLessThan(1e-12);
  });
});

describe("backend choice", () => {
  const x = cloud(61, 100, 2);
  const y = cloud(62, 100, 2, 1, 1);
  const problem = otProblem(x, y, { epsilon: 0.5 });
  // The 100×100 kernel takes 80 000 bytes ≈ 0.0763 MiB.

  it("auto picks dense under the budget and online above it (or with the budget 0)", async () => {
    expect(sinkhorn(problem).backend.kind).toBe("dense");
    expect(sinkhorn(problem, { denseMemoryMB: 0.08 }).backend.kind).toBe("dense");
    expect(sinkhorn(problem, { denseMemoryMB: 0.07 }).backend.kind).toBe("online");
    expect(sinkhorn(problem, { denseMemoryMB: 0 }).backend.kind).toBe("online");
    expect((await sinkhornAsync(problem, { threads: 1 })).backend.kind).toBe("dense");
    const big = otProblem(cloud(63, 600, 2), cloud(64, 500, 2), { epsilon: 1 });
    // 600×500 entries: 2.29 MiB in float64, 1.14 MiB in float32 (tolerance ≥ 5e-5 with the default precision)
    const par = await sinkhornAsync(big, { threads: 1, denseMemoryMB: 1, tolerance: 1e-4 });
    expect(par.backend.kind).toBe("online");
    const single = await sinkhornAsync(big, { threads: 1, denseMemoryMB: 2, tolerance: 1e-4 });
    expect(single.backend).toMatchObject({ kind: "dense", kernelPrecision: "single" });
    expect((await sinkhornAsync(big, { threads: 1, denseMemoryMB: 2, tolerance: 1e-4, precision: "double" })).backend.kind).toBe("online");
    expect((await sinkhornAsync(big, { threads: 1, denseMemoryMB: 2, tolerance: 1e-5 })).backend.kind).toBe("online");
    expect(sinkhornKernel(problem).backend.kind).toBe("online");
  });

  it("rejects bad option values with errors naming the function and the argument", async () => {
    const bad = (options: object) => options as SinkhornOptions;
    expect(() => sinkhorn(problem, bad({ backend: "gpu" }))).toThrow(/^sinkhorn: backend must be one of "auto", "online", "dense" \(got "gpu"\)$/);
    expect(() => sinkhorn(problem, bad({ backend: 1 }))).toThrow(/sinkhorn: backend must be one of/);
    expect(() => sinkhorn(problem, { denseMemoryMB: -1 })).toThrow(/^sinkhorn: denseMemoryMB must be a finite number ≥ 0/);
    expect(() => sinkhorn(problem, { denseMemoryMB: NaN })).toThrow(/sinkhorn: denseMemoryMB/);
    expect(() => sinkhorn(problem, bad({ denseMemoryMB: "256" }))).toThrow(/sinkhorn: denseMemoryMB/);
    expect(() => sinkhorn(problem, { backend: "dense", denseMemoryMB: 0.05 })).toThrow(/^sinkhorn: backend "dense" needs 0\.1 MiB for the 100×100 kernel, above denseMemoryMB = 0\.05/);
    expect(() => sinkhorn(problem, { backend: "dense", denseMemoryMB: 0 })).toThrow(/sinkhorn: backend "dense" needs/);
    await expect(sinkhornAsync(problem, bad({ backend: "tensorized" }))).rejects.toThrow(/^sinkhornAsync: backend must be one of/);
    expect(() => sinkhornKernel(problem, { backend: "dense" })).toThrow(/^sinkhornKernel: backend must be "auto" or "online"/);
  });
});

describe("float32 kernel (float64 over the budget; default precision, tolerance ≥ 5e-5)", () => {
  it("reaches the tolerance for the exact float64 plan of its potentials, reports that plan's error, and matches a tight float64 solve", () => {
    // 300×401 entries: 0.92 MiB in float64, 0.46 MiB in float32
    const budget = { denseMemoryMB: 0.5 };
    for (const d of [2, 7]) {
      const x = cloud(71, 300, d);
      const y = cloud(72, 401, d, 0.7, 0.5);
      const base = { sourceWeights: weights(73, 300), targetWeights: weights(74, 401) };
      const mean = meanCost(otProblem(x, y, { epsilon: 1, ...base }));
      const problem = otProblem(x, y, { epsilon: 0.01 * mean, ...base });
      expect(sinkhorn(problem, { tolerance: 1e-4, maxIterations: 1 }).backend.kernelPrecision).toBe("double");
      const r = sinkhorn(problem, { tolerance: 1e-4, ...budget });
      expect(r.backend).toMatchObject({ kind: "dense", kernelPrecision: "single" });
      expect(r.converged).toBe(true);
      expect(r.epsilonStages.length).toBeGreaterThan(1); // squarings between stages, each counted in the error bound
      // the plan of the returned potentials, in float64 with the costs computed directly (no kernel)
      const plan = r.plan();
      const rows = new Float64Array(300);
      const cols = new Float64Array(401);
      for (let i = 0; i < 300; i++) for (let j = 0; j < 401; j++) { rows[i] += plan.data[i * 401 + j]; cols[j] += plan.data[i * 401 + j]; }
      let err = 0;
      for (let i = 0; i < 300; i++) err += Math.abs(rows[i] - problem.sourceWeights[i]);
      for (let j = 0; j < 401; j++) err += Math.abs(cols[j] - problem.targetWeights[j]);
      expect(err).toBeLessThan(1e-4);
      // the kernel's relative error stays within 1% of the tolerance: the reported error is the plan's to 2e-6
      expect(Math.abs(err - r.marginalError)).toBeLessThan(2e-6);
      const exact = sinkhorn(problem, { tolerance: 1e-10 });
      expect(exact.backend.kernelPrecision).toBe("double");
      expect(Math.abs(r.cost - exact.cost) / exact.cost).toBeLessThan(1e-3);
    }
  });
});
