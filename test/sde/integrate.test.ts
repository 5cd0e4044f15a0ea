import { describe, expect, it } from "vitest";
import { columnMeans } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { integrateOde, integrateSde } from "../../src/sde/integrate.js";
import { ornsteinUhlenbeckReference } from "../../src/sde/reference.js";
import { uniformTimeGrid } from "../../src/sde/time.js";
import type { VectorField } from "../../src/sde/types.js";

function constantRows(value: number, n: number) {
  return { data: new Float64Array(n).fill(value), rows: n, cols: 1 };
}

function moments(x: { data: Float64Array }): [number, number] {
  let m1 = 0;
  let m2 = 0;
  for (const v of x.data) { m1 += v; m2 += v * v; }
  return [m1 / x.data.length, m2 / x.data.length];
}

describe("integrateSde", () => {
  // OU dX = −θX dt + σ dW from X0 = x0: E X_1 = x0 e^{−θ}, E X_1² = (E X_1)² + σ²(1 − e^{−2θ})/(2θ).
  const theta = 2;
  const sigma = 0.5;
  const x0 = 5;
  const ou = ornsteinUhlenbeckReference(theta, sigma);
  const exactMean = x0 * Math.exp(-theta);
  const exactSecond = exactMean ** 2 + (sigma * sigma * -Math.expm1(-2 * theta)) / (2 * theta);
  const n = 40_000;

  it("Euler–Maruyama has weak order 1 on an OU test: the error roughly halves when dt halves", () => {
    const errors = [10, 20, 40].map((steps) => {
      const [m1, m2] = moments(integrateSde(ou, constantRows(x0, n), makeKey(steps), { steps }).final);
      return [Math.abs(m1 - exactMean), Math.abs(m2 - exactSecond)];
    });
    for (const j of [0, 1]) {
      const r1 = errors[0][j] / errors[1][j];
      const r2 = errors[1][j] / errors[2][j];
      expect(r1).toBeGreaterThan(1.6);
      expect(r1).toBeLessThan(2.6);
      expect(r2).toBeGreaterThan(1.6);
      expect(r2).toBeLessThan(2.6);
    }
  });

  it("stochastic Heun is far more accurate than Euler–Maruyama at the same step", () => {
    const em = moments(integrateSde(ou, constantRows(x0, n), makeKey(1), { steps: 20 }).final);
    const heun = moments(integrateSde(ou, constantRows(x0, n), makeKey(1), { steps: 20, method: "heun" }).final);
    expect(Math.abs(heun[0] - exactMean)).toBeLessThan(Math.abs(em[0] - exactMean) / 5);
    expect(Math.abs(heun[1] - exactSecond)).toBeLessThan(Math.abs(em[1] - exactSecond) / 5);
  });

  it("runs backward in time on a decreasing grid and saves states on request", () => {
    const sde = { drift: (_t: number, x: { data: Float64Array; rows: number; cols: number }) => ({ data: x.data.map(() => 1), rows: x.rows, cols: x.cols }), diffusion: () => 0 };
    const out = integrateSde(sde, [[0]], makeKey(2), { t0: 1, t1: 0, steps: 4, saveEvery: 2 });
    expect(Array.from(out.times)).toEqual([1, 0.5, 0]);
    expect(out.states.map((s) => s.data[0])).toEqual([0, -0.5, -1]);
    expect(out.final.data[0]).toBe(-1);
  });

  it("is reproducible per key", () => {
    const a = integrateSde(ou, [[1], [2]], makeKey(3), { steps: 5 }).final;
    const b = integrateSde(ou, [[1], [2]], makeKey(3), { steps: 5 }).final;
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it("rejects bad grids, methods and drifts of the wrong shape", () => {
    expect(() => integrateSde(ou, [[1]], makeKey(0), { times: [0, 0.5, 0.4] })).toThrow(/times must be strictly monotone/);
    expect(() => integrateSde(ou, [[1]], makeKey(0), { steps: 0 })).toThrow(/steps must be an integer/);
    expect(() => integrateSde(ou, [[1]], makeKey(0), { method: "rk4" as never })).toThrow(/method must be/);
    const bad = { drift: () => ({ data: new Float64Array(2), rows: 1, cols: 2 }), diffusion: () => 1 };
    expect(() => integrateSde(bad, [[1]], makeKey(0))).toThrow(/drift returned shape \[1, 2\]/);
    expect(() => integrateSde(ou, [[NaN]], makeKey(0))).toThrow(/x0 has a non-finite value/);
  });
});

describe("integrateOde", () => {
  // dx/dt = −t x, x(0) = 1 ⇒ x(1) = e^{−1/2}.
  const field: VectorField = (t, x) => ({ data: x.data.map((v) => -t * v), rows: x.rows, cols: x.cols });
  const exact = Math.exp(-0.5);

  it("has orders 1, 2 and 4 for Euler, Heun and RK4", () => {
    for (const [method, order] of [["euler", 1], ["heun", 2], ["rk4", 4]] as const) {
      const e1 = Math.abs(integrateOde(field, [[1]], { steps: 20, method }).final.data[0] - exact);
      const e2 = Math.abs(integrateOde(field, [[1]], { steps: 40, method }).final.data[0] - exact);
      expect(Math.log2(e1 / e2)).toBeGreaterThan(order - 0.2);
      expect(Math.log2(e1 / e2)).toBeLessThan(order + 0.3);
    }
  });

  it("integrates backward to the starting point", () => {
    const forward = integrateOde(field, [[1], [2]], { steps: 50 }).final;
    const back = integrateOde(field, forward, { times: uniformTimeGrid(50, 1, 0) }).final;
    expect(Math.abs(back.data[0] - 1)).toBeLessThan(1e-8);
    expect(columnMeans(back)[0]).toBeCloseTo(1.5, 8);
  });
});
