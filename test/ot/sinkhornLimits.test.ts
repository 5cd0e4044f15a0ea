import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { exactOt } from "../../src/ot/exact/exactOt.js";
import { meanCost, otProblem } from "../../src/ot/problem.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";

const x = normal2d(makeKey(21), 150, 2);
const y = normal2d(makeKey(22), 150, 2);
for (let i = 0; i < y.data.length; i += 2) { y.data[i] = 0.5 * y.data[i] + 2; y.data[i + 1] *= 1.5; }

describe("Sinkhorn in the ε → 0 limit and with over-relaxation", () => {
  it("the transport cost of the entropic plan decreases to the exact assignment cost as ε → 0", () => {
    const exact = exactOt(x, y);
    expect(exact.method).toBe("assignment");
    const scale = meanCost(otProblem(x, y, { epsilon: 1 }));
    const gaps = [0.1, 0.03, 0.01, 0.003].map((r) => sinkhorn(otProblem(x, y, { epsilon: r * scale }), { tolerance: 1e-7 })).map((res) => {
      expect(res.converged).toBe(true);
      return (res.cost - exact.cost) / exact.cost;
    });
    // Every entropic plan is feasible, so its cost is ≥ the optimum (up to the 1e-7 marginal error); the gap shrinks
    // roughly in proportion to ε.
    for (const gap of gaps) expect(gap).toBeGreaterThan(-1e-5);
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]).toBeLessThan(0.5 * gaps[k - 1]);
    expect(gaps[3]).toBeLessThan(5e-3);
  });

  it("over-relaxed (auto and fixed ω) and plain Sinkhorn reach the same potentials; auto needs far fewer iterations", () => {
    const p = otProblem(x, y, { epsilon: 0.005 * meanCost(otProblem(x, y, { epsilon: 1 })) });
    const plain = sinkhorn(p, { tolerance: 1e-9, overRelaxation: 1, maxIterations: 100_000 });
    const auto = sinkhorn(p, { tolerance: 1e-9 });
    const fixed = sinkhorn(p, { tolerance: 1e-9, overRelaxation: 1.5, maxIterations: 100_000 });
    for (const r of [plain, auto, fixed]) expect(r.converged).toBe(true);
    for (const r of [auto, fixed]) {
      // Potentials are unique up to f + c, g − c.
      const c = r.sourcePotential[0] - plain.sourcePotential[0];
      let worst = 0;
      for (let i = 0; i < x.rows; i++) worst = Math.max(worst, Math.abs(r.sourcePotential[i] - c - plain.sourcePotential[i]));
      for (let j = 0; j < y.rows; j++) worst = Math.max(worst, Math.abs(r.targetPotential[j] + c - plain.targetPotential[j]));
      expect(worst).toBeLessThan(1e-6 * p.epsilon * 100);
      expect(Math.abs(r.cost - plain.cost) / plain.cost).toBeLessThan(1e-7);
    }
    expect(auto.iterations * 3).toBeLessThan(plain.iterations);
  });

  it("rejects an over-relaxation outside [1, 2)", () => {
    const p = otProblem(x, y, { epsilon: 1 });
    expect(() => sinkhorn(p, { overRelaxation: 2 })).toThrow(/overRelaxation/);
    expect(() => sinkhorn(p, { overRelaxation: 0.5 })).toThrow(/overRelaxation/);
  });
});
