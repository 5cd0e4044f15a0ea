import { describe, expect, it } from "vitest";
import { makeKey } from "../../src/core/rng.js";
import { SbkitInputError } from "../../src/core/errors.js";
import { brownianReference, ornsteinUhlenbeckReference } from "../../src/sde/reference.js";
import { ornsteinUhlenbeckBridge } from "../../src/sde/bridge.js";
import { sampleBridgePaths } from "../../src/sde/bridgePaths.js";
import { uniformTimeGrid } from "../../src/sde/time.js";

function repeatRows(row: number[], n: number) {
  const d = row.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) data[i * d + k] = row[k];
  return { data, rows: n, cols: d };
}

describe("sampleBridgePaths", () => {
  it("Brownian: marginals N((1−t)x0 + t x1, σ²t(1−t)) and covariance σ² s(1−t) across times", () => {
    const n = 40000;
    const sigma = 0.7;
    const x0 = repeatRows([1, -2], n);
    const x1 = repeatRows([-1, 3], n);
    const grid = uniformTimeGrid(8);
    const { paths } = sampleBridgePaths(brownianReference(sigma), makeKey(11), x0, x1, grid);
    expect(paths.length).toBe(9);
    const col = (k: number, c: number) => Float64Array.from({ length: n }, (_, i) => paths[k].data[2 * i + c]);
    const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
    const cov = (u: Float64Array, v: Float64Array) => { const mu = mean(u), mv = mean(v); let s = 0; for (let i = 0; i < u.length; i++) s += (u[i] - mu) * (v[i] - mv); return s / (u.length - 1); };
    for (let k = 1; k < 8; k++) {
      const t = grid[k];
      const v = sigma * sigma * t * (1 - t);
      for (let c = 0; c < 2; c++) {
        const m = (1 - t) * x0.data[c] + t * x1.data[c];
        expect(Math.abs(mean(col(k, c)) - m)).toBeLessThan(5 * Math.sqrt(v / n));
        expect(Math.abs(cov(col(k, c), col(k, c)) / v - 1)).toBeLessThan(0.04);
      }
    }
    // Cov(X_s, X_t) = σ² s (1 − t) for s ≤ t.
    const s = grid[2], t = grid[6];
    expect(Math.abs(cov(col(2, 0), col(6, 0)) / (sigma * sigma * s * (1 - t)) - 1)).toBeLessThan(0.05);
    expect(Array.from(paths[8].data.slice(0, 2))).toEqual([-1, 3]);
  });

  it("OU: per-time marginals equal the one-shot OU bridge mean and std", () => {
    const n = 40000;
    const x0 = repeatRows([2], n);
    const x1 = repeatRows([-0.5], n);
    const grid = uniformTimeGrid(5);
    const { paths } = sampleBridgePaths(ornsteinUhlenbeckReference(1.5, 0.8), makeKey(3), x0, x1, grid);
    const bridge = ornsteinUhlenbeckBridge(1.5, 0.8);
    for (let k = 1; k < 5; k++) {
      const t = grid[k];
      const m = bridge.mean(t, repeatRows([2], 1), repeatRows([-0.5], 1)).data[0];
      const sd = bridge.std(t);
      const v = paths[k].data;
      const mu = v.reduce((a, x) => a + x, 0) / n;
      const va = v.reduce((a, x) => a + (x - mu) ** 2, 0) / (n - 1);
      expect(Math.abs(mu - m)).toBeLessThan(5 * sd / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(va) / sd - 1)).toBeLessThan(0.02);
    }
  });

  it("rejects mismatched shapes and bad grids", () => {
    const r = brownianReference(1);
    expect(() => sampleBridgePaths(r, makeKey(0), repeatRows([0, 0], 3), repeatRows([0], 3), [0, 1])).toThrow(SbkitInputError);
    expect(() => sampleBridgePaths(r, makeKey(0), repeatRows([0], 3), repeatRows([0], 3), [0, 0.5])).toThrow(/times/);
    expect(() => sampleBridgePaths(r, makeKey(0), repeatRows([NaN], 3), repeatRows([0], 3), [0, 1])).toThrow(/x0/);
  });
});
