import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { sinkhornDivergence } from "../../src/ot/divergence.js";

describe("sinkhornDivergence", () => {
  const x = normal2d(makeKey(1), 60, 2);
  it("is 0 between a cloud and itself", () => {
    const s = sinkhornDivergence(x, x, { epsilon: 0.5, tolerance: 1e-10 });
    expect(s.converged).toBe(true);
    expect(Math.abs(s.value)).toBeLessThan(1e-9);
  });

  it("is positive otherwise and grows with the shift", () => {
    const shifted = (t: number) => ({ ...x, data: x.data.map((v, k) => (k % 2 === 0 ? v + t : v)) });
    const s1 = sinkhornDivergence(x, shifted(0.5), { epsilon: 0.5, tolerance: 1e-10 }).value;
    const s2 = sinkhornDivergence(x, shifted(1), { epsilon: 0.5, tolerance: 1e-10 }).value;
    expect(s1).toBeGreaterThan(0);
    expect(s2).toBeGreaterThan(s1);
    // A pure translation by t: S_ε = t²/2 exactly for the cost ½‖x−y‖² (the plan of α with α+t is that of α with α).
    expect(s2).toBeCloseTo(0.5, 6);
    expect(s1).toBeCloseTo(0.125, 6);
  });
});
