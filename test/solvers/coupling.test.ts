import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { exactOt } from "../../src/ot/exact/exactOt.js";
import { coupleBatch } from "../../src/solvers/coupling.js";
import type { Array2D } from "../../src/core/array2d.js";

const cost = (a: Array2D, b: Array2D) => {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += 0.5 * (a.data[k] - b.data[k]) ** 2;
  return s / a.rows;
};

describe("minibatch couplings", () => {
  const x0 = normal2d(makeKey(1), 64, 2);
  const x1 = normal2d(makeKey(2), 64, 2);
  for (let k = 0; k < x1.data.length; k++) x1.data[k] = 0.5 * x1.data[k] + 3;

  it("independent keeps the pairs as drawn", () => {
    const p = coupleBatch(x0, x1, makeKey(3), { kind: "independent" });
    expect(p.x0).toBe(x0);
    expect(p.x1).toBe(x1);
  });

  it("exact pairs the batch with the exact OT assignment (cost equals the network-simplex OT cost)", () => {
    const p = coupleBatch(x0, x1, makeKey(3), { kind: "exact" });
    expect(cost(p.x0, p.x1)).toBeCloseTo(exactOt(x0, x1).cost, 9);
    const rows = new Set<string>();
    for (let i = 0; i < 64; i++) rows.add(`${p.x1.data[2 * i]},${p.x1.data[2 * i + 1]}`);
    expect(rows.size).toBe(64);
  });

  it("sinkhorn with small ε draws pairs whose mean cost approaches the exact OT cost; large ε approaches independence", () => {
    const exact = exactOt(x0, x1).cost;
    // Each draw samples 64 pairs from the plan (relative spread ≈ 1.3% per draw), so average eight draws.
    let drawn = 0;
    for (let s = 0; s < 8; s++) {
      const small = coupleBatch(x0, x1, makeKey(100 + s), { kind: "sinkhorn", epsilon: 0.01 });
      drawn += cost(small.x0, small.x1) / 8;
    }
    expect(Math.abs(drawn - exact) / exact).toBeLessThan(0.015);
    const independent = cost(x0, x1);
    const large = coupleBatch(x0, x1, makeKey(4), { kind: "sinkhorn", epsilon: 1e4 });
    expect(Math.abs(cost(large.x0, large.x1) - independent) / independent).toBeLessThan(0.15);
  });

  it("rejects unequal batches, unknown kinds and a missing ε", () => {
    expect(() => coupleBatch(x0, normal2d(makeKey(5), 10, 2), makeKey(3), { kind: "exact" })).toThrow(/coupleBatch: x1 has 10 rows/);
    expect(() => coupleBatch(x0, x1, makeKey(3), { kind: "bogus" as "exact" })).toThrow(/options.kind must be one of/);
    expect(() => coupleBatch(x0, x1, makeKey(3), { kind: "sinkhorn" })).toThrow(/options.epsilon/);
  });
});
