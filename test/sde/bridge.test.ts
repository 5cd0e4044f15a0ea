import { describe, expect, it } from "vitest";
import { columnMeans, covariance, type Array2D } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { brownianBridge, ornsteinUhlenbeckBridge } from "../../src/sde/bridge.js";
import { integrateSde } from "../../src/sde/integrate.js";
import { crossCov } from "../gaussian/asserts.js";

function repeatRow(row: number[], n: number): Array2D {
  const d = row.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) data.set(row, i * d);
  return { data, rows: n, cols: d };
}

describe("Brownian bridge", () => {
  const sigma = 0.8;
  const bridge = brownianBridge(sigma);
  const x0 = repeatRow([1, -1], 1);
  const x1 = repeatRow([3, 2], 1);

  it("has mean (1−t)x0 + t x1 and std σ√(t(1−t))", () => {
    const m = bridge.mean(0.25, x0, x1);
    expect(Array.from(m.data)).toEqual([1.5, -0.25]);
    expect(bridge.std(0.25)).toBeCloseTo(sigma * Math.sqrt(0.25 * 0.75), 14);
    expect(bridge.std(0)).toBe(0);
    expect(bridge.std(1)).toBe(0);
    expect(Array.from(bridge.drift(0.5, [[2, 0]], x1).data)).toEqual([2, 4]);
  });

  it("simulated through its drift (x1 − x)/(1−t) has the bridge moments, Cov(X_s,X_t) = σ² s(1−t), and hits x1", () => {
    const n = 20_000;
    const start = repeatRow([1, -1], n);
    const end = repeatRow([3, 2], n);
    const sde = { drift: (t: number, x: Array2D) => bridge.drift(t, x, end), diffusion: () => sigma };
    // Stop one step before t = 1 (the drift is singular there): grid 0..0.99, save every 0.01.
    const times = Array.from({ length: 100 }, (_, k) => k / 100);
    const paths = integrateSde(sde, start, makeKey(4), { times, saveEvery: 25 });
    const at = (t: number) => paths.states[Array.from(paths.times).findIndex((s) => Math.abs(s - t) < 1e-12)];
    for (const t of [0.25, 0.5, 0.75]) {
      const m = columnMeans(at(t));
      const exact = bridge.mean(t, x0, x1);
      expect(Math.abs(m[0] - exact.data[0])).toBeLessThan(0.01);
      expect(Math.abs(m[1] - exact.data[1])).toBeLessThan(0.01);
      const c = covariance(at(t));
      expect(c.data[0]).toBeCloseTo(sigma * sigma * t * (1 - t), 2);
      expect(Math.abs(c.data[1])).toBeLessThan(0.01);
    }
    expect(crossCov(at(0.25), at(0.75)).data[0]).toBeCloseTo(sigma * sigma * 0.25 * 0.25, 2);
    const last = paths.final;
    const mLast = columnMeans(last);
    expect(Math.abs(mLast[0] - 3 * 0.99 - 0.01)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(covariance(last).data[0]) - bridge.std(0.99))).toBeLessThan(0.03); // EM bias near the singular end
  });

  it("samples with the bridge moments", () => {
    const n = 50_000;
    const y = bridge.sample(makeKey(9), 0.3, repeatRow([1, -1], n), repeatRow([3, 2], n));
    const m = columnMeans(y);
    expect(m[0]).toBeCloseTo(1.6, 2);
    expect(covariance(y).data[3]).toBeCloseTo(sigma * sigma * 0.21, 2);
  });

  it("rejects bad shapes, σ ≤ 0 and t outside its range", () => {
    expect(() => brownianBridge(-1)).toThrow(/sigma must be a finite number > 0/);
    expect(() => bridge.mean(0.5, [[0, 0]], [[0, 0, 0]])).toThrow(/x1 has shape \[1, 3\], expected \[1, 2\]/);
    expect(() => bridge.drift(1, [[0, 0]], [[0, 0]])).toThrow(/t must be a time in \[0, 1\)/);
    expect(() => bridge.std(-0.5)).toThrow(/t must be a time in \[0, 1\]/);
  });
});

describe("Ornstein–Uhlenbeck bridge", () => {
  it("simulated through its h-transform drift matches the Gaussian-conditioning mean and std", () => {
    const theta = 2;
    const sigma = 0.6;
    const bridge = ornsteinUhlenbeckBridge(theta, sigma);
    const n = 20_000;
    const start = repeatRow([1.5], n);
    const end = repeatRow([-0.5], n);
    const sde = { drift: (t: number, x: Array2D) => bridge.drift(t, x, end), diffusion: () => sigma };
    const times = Array.from({ length: 201 }, (_, k) => k / 200).slice(0, 200);
    const paths = integrateSde(sde, start, makeKey(5), { times, saveEvery: 50 });
    for (const [index, t] of [[1, 0.25], [2, 0.5], [3, 0.75]]) {
      expect(paths.times[index]).toBeCloseTo(t, 12);
      const exactMean = bridge.mean(t, [[1.5]], [[-0.5]]).data[0];
      expect(Math.abs(columnMeans(paths.states[index])[0] - exactMean)).toBeLessThan(0.01);
      expect(Math.sqrt(covariance(paths.states[index]).data[0])).toBeCloseTo(bridge.std(t), 2);
    }
    // Gaussian conditioning of the OU process at t = 0.5 (independent route via the OU covariance function).
    const a = (dt: number) => Math.exp(-theta * dt);
    const v = (dt: number) => (sigma * sigma * (1 - Math.exp(-2 * theta * dt))) / (2 * theta);
    const condMean = a(0.5) * 1.5 + ((a(0.5) * v(0.5)) / v(1)) * (-0.5 - a(1) * 1.5);
    expect(bridge.mean(0.5, [[1.5]], [[-0.5]]).data[0]).toBeCloseTo(condMean, 12);
  });
});
