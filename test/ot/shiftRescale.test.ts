import { describe, expect, it } from "vitest";
import { makeKey, normal2d, uniform } from "../../src/core/rng.js";
import { meanCost, otProblem } from "../../src/ot/problem.js";
import { rescaleShifts } from "../../src/ot/shiftRescale.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";
import { makeWorkspace } from "../../src/ot/workspace.js";

/** `log Σ_i w_i exp(a_i / ε)` by the two-pass definition. */
function lse(logW: Float64Array, a: Float64Array, eps: number): number {
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) max = Math.max(max, logW[i] + a[i] / eps);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(logW[i] + a[i] / eps - max);
  return max + Math.log(s);
}

describe("log-sum-exp shifts across ε stages", () => {
  it("a shift rescaled from the exact value at ε lands 20 to 20 + (r + 1)(T − lo) below the exact value at ε / r", () => {
    const [n, m, d] = [40, 30, 3];
    const x = normal2d(makeKey(1), n, d);
    const y = normal2d(makeKey(2), m, d);
    const w = uniform(makeKey(3), n).map((u) => 0.2 + u);
    const ws = makeWorkspace(otProblem(x, y, { epsilon: 0.05, sourceWeights: w }), false);
    const f = normal2d(makeKey(4), n, 1).data;
    for (const [eps, r] of [[1, 2], [0.3, 2], [0.1, 3]]) {
      // the value of target row j at ε and at ε / r with the same potentials f (a_i = f_i − ½‖x_i − y_j‖² + ½‖y_j‖²)
      const values = (e: number) => Array.from({ length: m }, (_, j) => {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let c = 0;
          for (let k = 0; k < d; k++) c += 0.5 * (x.data[i * d + k] - y.data[j * d + k]) ** 2;
          a[i] = f[i] - c;
        }
        return lse(ws.logA, a, e);
      });
      const before = values(eps);
      const after = values(eps / r);
      ws.shiftY.set(before);
      rescaleShifts(ws, r);
      let total = 0;
      let lo = Infinity;
      for (const v of ws.logA) {
        total += Math.exp(v);
        lo = Math.min(lo, v);
      }
      const width = (r + 1) * (Math.log(total) - lo);
      for (let j = 0; j < m; j++) {
        expect(after[j] - ws.shiftY[j]).toBeGreaterThanOrEqual(20 - 1e-9);
        expect(after[j] - ws.shiftY[j]).toBeLessThanOrEqual(20 + width + 1e-9);
      }
    }
  });

  it("the online sweeps then never fall back to two passes, with the dense backend's answer", () => {
    const n = 300;
    const x = normal2d(makeKey(5), n, 2);
    const y = normal2d(makeKey(6), n, 2);
    for (let k = 0; k < y.data.length; k++) y.data[k] = 0.5 * y.data[k] + 1;
    const problem = otProblem(x, y, { epsilon: 0.05 });
    // Many stages (the schedule from the mean cost) and one deterministic path for both backends (over-relaxation;
    // Anderson's least squares would turn their different summation orders into different iteration counts).
    const pinned = { acceleration: "overRelaxation", epsilonScaling: { start: meanCost(problem) }, tolerance: 1e-6 } as const;
    const online = sinkhorn(problem, { ...pinned, backend: "online", precision: "double" });
    const dense = sinkhorn(problem, { ...pinned, backend: "dense" });
    expect(online.epsilonStages.length).toBeGreaterThan(4);
    expect(online.converged && dense.converged).toBe(true);
    // The first sweep of each side starts from Jensen's bound (onlineEngine.ts), later stages from the rescaled
    // shifts; before either, every row of the first two sweeps fell back (2n) and the 6 later stage starts added
    // 113 more rows here (713).
    expect(online.backend.fallbackRows).toBeLessThanOrEqual(3);
    expect(online.iterations).toBe(dense.iterations);
    expect(Math.abs(online.cost - dense.cost) / dense.cost).toBeLessThan(1e-10);
  });
});
