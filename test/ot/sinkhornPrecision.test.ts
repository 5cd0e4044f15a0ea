import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { meanCost, otProblem } from "../../src/ot/problem.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";
import { sinkhornAsync } from "../../src/ot/sinkhornAsync.js";

function problem(n: number, m: number, d: number, scale: number) {
  const x = normal2d(makeKey(1), n, d);
  const y = normal2d(makeKey(2), m, d);
  for (let i = 0; i < y.data.length; i++) y.data[i] = 0.5 * y.data[i] + 1;
  const p = otProblem(x, y, { epsilon: 1 });
  return otProblem(x, y, { epsilon: scale * meanCost(p) });
}

describe("mixed-precision online sweeps", () => {
  it("float32 early sweeps, float64 finish: marginals of the float64 plan within tolerance, same cost as all-float64", () => {
    const p = problem(400, 350, 2, 0.01);
    const mixed = sinkhorn(p, { tolerance: 1e-6, backend: "online" });
    const double = sinkhorn(p, { tolerance: 1e-6, backend: "online", precision: "double" });
    expect(mixed.converged).toBe(true);
    expect(double.converged).toBe(true);
    expect(mixed.backend.singlePrecisionSweeps).toBeGreaterThan(10);
    expect(double.backend.singlePrecisionSweeps).toBe(0);
    // marginalError is measured on the plan pass (float64) at the returned potentials.
    expect(mixed.marginalError).toBeLessThan(1e-6);
    expect(Math.abs(mixed.cost - double.cost) / double.cost).toBeLessThan(1e-6);
    expect(Math.abs(mixed.iterations - double.iterations)).toBeLessThanOrEqual(5);
  });

  it("a float32 iteration below tolerance ends the solve when the float64 plan pass confirms its marginals", () => {
    const p = problem(400, 350, 8, 0.05);
    const mixed = sinkhorn(p, { tolerance: 1e-4, backend: "online" });
    const double = sinkhorn(p, { tolerance: 1e-9, backend: "online", precision: "double" });
    expect(mixed.converged).toBe(true);
    // Every iteration ran in float32: the stop was certified by the plan pass, not by a float64 iteration.
    expect(mixed.backend.singlePrecisionSweeps).toBe(2 * mixed.iterations);
    // The marginals, recomputed independently from the dense plan of the returned potentials.
    const plan = mixed.plan();
    let err = 0;
    for (let i = 0; i < 400; i++) {
      let row = 0;
      for (let j = 0; j < 350; j++) row += plan.data[i * 350 + j];
      err += Math.abs(row - p.sourceWeights[i]);
    }
    for (let j = 0; j < 350; j++) {
      let col = 0;
      for (let i = 0; i < 400; i++) col += plan.data[i * 350 + j];
      err += Math.abs(col - p.targetWeights[j]);
    }
    expect(err).toBeLessThan(1e-4);
    expect(Math.abs(err - mixed.marginalError)).toBeLessThan(1e-12);
    expect(Math.abs(mixed.cost - double.cost) / double.cost).toBeLessThan(1e-4);
  });

  it("hands over to float64 when float32 rounding stalls the error (large exponents, tight tolerance)", () => {
    // Spread 30 and ε = 0.002 × mean cost: exponents |x·y|/ε in the thousands, float32 floor well above 1e-8.
    const x = normal2d(makeKey(5), 300, 2);
    const y = normal2d(makeKey(6), 260, 2);
    for (let i = 0; i < x.data.length; i++) x.data[i] *= 30;
    for (let i = 0; i < y.data.length; i++) y.data[i] = 20 * y.data[i] + 10;
    const p = otProblem(x, y, { epsilon: 0.002 * meanCost(otProblem(x, y, { epsilon: 1 })) });
    const mixed = sinkhorn(p, { tolerance: 1e-8, backend: "online" });
    const double = sinkhorn(p, { tolerance: 1e-8, backend: "online", precision: "double" });
    expect(mixed.converged).toBe(true);
    expect(mixed.marginalError).toBeLessThan(1e-8);
    expect(mixed.backend.singlePrecisionSweeps).toBeGreaterThan(0);
    expect(mixed.iterations).toBeLessThanOrEqual(double.iterations + 10);
  });

  it("a warm start at the solution stays in float64 (no float32 rounding added to it)", () => {
    const p = problem(300, 300, 3, 0.05);
    const first = sinkhorn(p, { tolerance: 1e-9, backend: "online", precision: "double" });
    const warm = sinkhorn(p, { tolerance: 1e-9, backend: "online", initialSourcePotential: first.sourcePotential, initialTargetPotential: first.targetPotential });
    expect(warm.iterations).toBeLessThanOrEqual(2);
    expect(warm.backend.singlePrecisionSweeps).toBe(0);
  });

  it("parallel and single-thread drivers make the same float32 decisions", async () => {
    const p = problem(700, 500, 2, 0.02);
    const sync = sinkhorn(p, { tolerance: 1e-6, backend: "online" });
    const par = await sinkhornAsync(p, { tolerance: 1e-6, backend: "online", threads: 1 });
    expect(par.iterations).toBe(sync.iterations);
    expect(par.backend.singlePrecisionSweeps).toBe(sync.backend.singlePrecisionSweeps);
    expect(Math.abs(par.cost - sync.cost) / sync.cost).toBeLessThan(1e-12);
  });

  it("rejects an unknown precision", () => {
    expect(() => sinkhorn(problem(10, 10, 2, 0.1), { precision: "half" as never })).toThrow(/sinkhorn.*precision/);
  });
});
