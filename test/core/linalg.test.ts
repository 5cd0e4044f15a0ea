import { describe, expect, it } from "vitest";
import type { Array2D } from "../../src/core/array2d.js";
import { SbkitInputError } from "../../src/core/errors.js";
import {
  add,
  cholesky,
  diag,
  identity,
  inverseSpd,
  invSqrtmSpd,
  isSymmetric,
  logDetSpd,
  matmul,
  matVec,
  solve,
  solveSpd,
  sqrtmAndInvSqrtmSpd,
  sqrtmSpd,
  symmetricEigen,
  trace,
  transpose,
} from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";

function maxAbsDiff(a: Array2D, b: Array2D): number {
  expect([a.rows, a.cols]).toEqual([b.rows, b.cols]);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** A random SPD matrix G Gᵀ/d + shift·I. */
function randomSpd(seed: number, d: number, shift = 0.5): Array2D {
  const g = normal2d(makeKey(seed), d, d);
  return add(matmul(g, transpose(g)), identity(d), 1 / d, shift);
}

describe("linalg basics", () => {
  it("multiplies, transposes and traces against hand-computed values", () => {
    const a = [[1, 2, 3], [4, 5, 6]];
    const b = [[1, 0], [0, 1], [1, 1]];
    expect(Array.from(matmul(a, b).data)).toEqual([4, 5, 10, 11]);
    expect(Array.from(transpose(a).data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(matVec(a, [1, 1, 1]))).toEqual([6, 15]);
    expect(trace([[1, 2], [3, 4]])).toBe(5);
    expect(isSymmetric([[1, 2], [2, 1]])).toBe(true);
    expect(isSymmetric([[1, 2], [2.1, 1]])).toBe(false);
    expect(() => matmul(a, a)).toThrow(/matmul: b has 2 rows, expected a.cols = 3/);
  });
});

describe("cholesky", () => {
  it("gives lower-triangular L with L Lᵀ = A to 1e-10", () => {
    for (const d of [1, 3, 8]) {
      const a = randomSpd(d, d);
      const l = cholesky(a);
      for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(l.data[i * d + j]).toBe(0);
      expect(maxAbsDiff(matmul(l, transpose(l)), a)).toBeLessThan(1e-10);
    }
  });

  it("rejects non-SPD, non-symmetric, non-square and NaN input with a clear error", () => {
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(SbkitInputError);
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/cholesky: a must be symmetric positive definite/);
    expect(() => cholesky([[1, 0], [0.5, 1]])).toThrow(/must be symmetric/);
    expect(() => cholesky([[1, 0, 0], [0, 1, 0]])).toThrow(/square/);
    expect(() => cholesky([[1, NaN], [NaN, 1]])).toThrow(/non-finite value NaN at \[0, 1\]/);
    expect(() => cholesky([[1, 0], [0, 1]], "gaussianSb", "S0")).not.toThrow();
    expect(() => cholesky([[-1, 0], [0, 1]], "gaussianSb", "S0")).toThrow(/gaussianSb: S0 must be symmetric positive definite/);
  });
});

describe("symmetricEigen and matrix functions", () => {
  it("reconstructs A = V diag(λ) Vᵀ with ascending λ and orthonormal V", () => {
    const a = randomSpd(11, 6, -0.3); // indefinite in general
    const { values, vectors } = symmetricEigen(a);
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    expect(maxAbsDiff(matmul(matmul(vectors, diag(values)), transpose(vectors)), a)).toBeLessThan(1e-10);
    expect(maxAbsDiff(matmul(transpose(vectors), vectors), identity(6))).toBeLessThan(1e-10);
  });

  it("matches the closed-form eigenvalues of [[2,1],[1,2]]", () => {
    expect(Array.from(symmetricEigen([[2, 1], [1, 2]]).values).map((v) => +v.toFixed(12))).toEqual([1, 3]);
  });

  it("has (A^½)² = A and A^½ A^{−½} = I to 1e-10", () => {
    const a = randomSpd(5, 5);
    const s = sqrtmSpd(a);
    const si = invSqrtmSpd(a);
    expect(maxAbsDiff(matmul(s, s), a)).toBeLessThan(1e-10);
    expect(maxAbsDiff(matmul(s, si), identity(5))).toBeLessThan(1e-10);
    const both = sqrtmAndInvSqrtmSpd(a);
    expect(maxAbsDiff(both.sqrt, s)).toBeLessThan(1e-12);
    expect(maxAbsDiff(both.invSqrt, si)).toBeLessThan(1e-12);
  });

  it("takes the square root of a PSD (singular) matrix and rejects indefinite ones", () => {
    const psd = [[1, 1], [1, 1]];
    const s = sqrtmSpd(psd);
    expect(maxAbsDiff(matmul(s, s), { data: Float64Array.from([1, 1, 1, 1]), rows: 2, cols: 2 })).toBeLessThan(1e-12);
    expect(() => invSqrtmSpd(psd)).toThrow(/positive definite/);
    expect(() => sqrtmSpd([[1, 2], [2, 1]])).toThrow(/sqrtmSpd: a must be symmetric positive semidefinite/);
  });
});

describe("solves, inverse and log-determinant", () => {
  it("inverts SPD matrices and solves systems", () => {
    const a = randomSpd(7, 4);
    expect(maxAbsDiff(matmul(a, inverseSpd(a)), identity(4))).toBeLessThan(1e-10);
    const b = normal2d(makeKey(8), 4, 2);
    expect(maxAbsDiff(matmul(a, solveSpd(a, b)), b)).toBeLessThan(1e-10);
    const g = normal2d(makeKey(9), 4, 4);
    expect(maxAbsDiff(matmul(g, solve(g, b)), b)).toBeLessThan(1e-10);
    expect(() => solve([[1, 2], [2, 4]], [[1], [1]])).toThrow(/singular/);
  });

  it("computes log det as the sum of log eigenvalues", () => {
    const a = randomSpd(3, 5);
    const expected = Array.from(symmetricEigen(a).values).reduce((s, l) => s + Math.log(l), 0);
    expect(logDetSpd(a)).toBeCloseTo(expected, 10);
    expect(logDetSpd([[2, 0], [0, 3]])).toBeCloseTo(Math.log(6), 14);
  });
});
