/** Small numeric helpers shared by the gaussian, sde and pde tests. */
import { expect } from "vitest";
import type { Array2D } from "../../src/core/array2d.js";
import { add, identity, matmul, transpose } from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";

/** max_ij |a_ij − b_ij| after checking shapes. */
export function maxAbsDiff(a: Array2D, b: Array2D): number {
  expect([a.rows, a.cols]).toEqual([b.rows, b.cols]);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** Asserts max |a − b| < tolerance. */
export function expectAllClose(a: Array2D, b: Array2D, tolerance: number): void {
  expect(maxAbsDiff(a, b)).toBeLessThan(tolerance);
}

/** A random SPD matrix `G Gᵀ/d + shift I`. */
export function randomSpd(seed: number, d: number, shift = 0.5): Array2D {
  const g = normal2d(makeKey(seed), d, d);
  return add(matmul(g, transpose(g)), identity(d), 1 / d, shift);
}

/** Wraps nested arrays as Array2D. */
export function mat(rows: number[][]): Array2D {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

/** Sample cross-covariance `1/(n−1) Σ_i (x_i − x̄)(y_i − ȳ)ᵀ` (`[dx, dy]`). */
export function crossCov(x: Array2D, y: Array2D): Array2D {
  const n = x.rows;
  const mx = new Float64Array(x.cols);
  const my = new Float64Array(y.cols);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < x.cols; a++) mx[a] += x.data[i * x.cols + a] / n;
    for (let b = 0; b < y.cols; b++) my[b] += y.data[i * y.cols + b] / n;
  }
  const out = new Float64Array(x.cols * y.cols);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < x.cols; a++) {
      const xa = x.data[i * x.cols + a] - mx[a];
      for (let b = 0; b < y.cols; b++) out[a * y.cols + b] += (xa * (y.data[i * y.cols + b] - my[b])) / (n - 1);
    }
  }
  return { data: out, rows: x.cols, cols: y.cols };
}
