import { describe, expect, it } from "vitest";
import { columnMeans, covariance } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { doobHTransform, hitGaussianDrift, hitPointDrift } from "../../src/sde/hTransform.js";
import { integrateSde } from "../../src/sde/integrate.js";
import { brownianReference } from "../../src/sde/reference.js";
import { expectAllClose, mat } from "../gaussian/asserts.js";

function repeatRow(row: number[], n: number) {
  const data = new Float64Array(n * row.length);
  for (let i = 0; i < n; i++) data.set(row, i * row.length);
  return { data, rows: n, cols: row.length };
}

describe("Doob h-transform of Brownian motion", () => {
  const sigma = 0.9;

  it("conditioned to hit a point lands on it (within σ√dt of the last Euler step)", () => {
    const y = [2, -1];
    const sde = { drift: hitPointDrift(sigma, y), diffusion: () => sigma };
    const steps = 400;
    const out = integrateSde(sde, repeatRow([0, 0], 2000), makeKey(1), { steps });
    let maxDist = 0;
    for (let i = 0; i < out.final.rows; i++) maxDist = Math.max(maxDist, Math.hypot(out.final.data[2 * i] - y[0], out.final.data[2 * i + 1] - y[1]));
    expect(maxDist).toBeLessThan(5 * sigma * Math.sqrt(1 / steps));
    const m = columnMeans(out.final);
    expect(Math.abs(m[0] - 2)).toBeLessThan(0.01);
  });

  it("conditioned to end in N(m, S) from a point has X_1 ~ N(m, S)", () => {
    const target = { mean: [1, 0.5], covariance: mat([[0.5, 0.2], [0.2, 0.3]]) };
    const drift = hitGaussianDrift(sigma, [-1, 0], target);
    // ∇log h = drift/ε, and the h-transform adds g²∇log h to the zero drift of σ dW.
    const sde = doobHTransform(brownianReference(sigma), (t, x) => {
      const b = drift(t, x);
      return { data: b.data.map((v) => v / (sigma * sigma)), rows: b.rows, cols: b.cols };
    });
    const out = integrateSde(sde, repeatRow([-1, 0], 10_000), makeKey(2), { steps: 200 });
    const m = columnMeans(out.final);
    expect(Math.abs(m[0] - 1)).toBeLessThan(0.02);
    expect(Math.abs(m[1] - 0.5)).toBeLessThan(0.02);
    expectAllClose(covariance(out.final), target.covariance, 0.03);
  });

  it("has drift ε∇log h with h(t,x) = ∫ N(z; x, ε(1−t)) N(z; m, s²)/N(z; x0, ε) dz (1-D quadrature)", () => {
    const eps = sigma * sigma;
    const [x0, m, s2] = [0.3, 1.2, 0.4];
    const gauss = (z: number, mu: number, v: number) => Math.exp(-((z - mu) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    const logH = (t: number, x: number) => {
      let sum = 0;
      const h = 1e-3;
      for (let z = -10; z <= 12; z += h) sum += (gauss(z, x, eps * (1 - t)) * gauss(z, m, s2)) / gauss(z, x0, eps);
      return Math.log(sum * h);
    };
    const drift = hitGaussianDrift(sigma, [x0], { mean: [m], covariance: [[s2]] });
    for (const [t, x] of [[0.2, 0.5], [0.6, -0.4], [0.9, 1.5]]) {
      const d = 1e-4;
      const numeric = (eps * (logH(t, x + d) - logH(t, x - d))) / (2 * d);
      expect(drift(t, { data: Float64Array.of(x), rows: 1, cols: 1 }).data[0]).toBeCloseTo(numeric, 5);
    }
  });

  it("rejects σ ≤ 0, t = 1 and dimension mismatches", () => {
    expect(() => hitPointDrift(0, [0])).toThrow(/sigma must be a finite number > 0/);
    expect(() => hitPointDrift(1, [0])(1, mat([[0]]))).toThrow(/t must be a time in \[0, 1\)/);
    expect(() => hitPointDrift(1, [0, 0])(0.5, mat([[0]]))).toThrow(/x has 1 columns, expected d = 2/);
    expect(() => hitGaussianDrift(1, [0], { mean: [0, 0], covariance: mat([[1, 0], [0, 1]]) })).toThrow(/start has length 1, expected d = 2/);
  });
});
