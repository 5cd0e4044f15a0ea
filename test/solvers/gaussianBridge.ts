/** The d = 5 Gaussian endpoint problem shared by the neural-solver tests, with its closed-form SB. */
import { array2d, columnMeans, covariance, type Array2D } from "../../src/core/array2d.js";
import { matmul, transpose } from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { gaussianSbCrossCovariance } from "../../src/gaussian/gaussianSb.js";

export const D = 5;

function spd(seed: number, lo: number): Array2D {
  const a = normal2d(makeKey(seed), D, D);
  const m = matmul(a, transpose(a));
  for (let i = 0; i < D; i++) m.data[i * D + i] += lo;
  for (let k = 0; k < m.data.length; k++) m.data[k] /= D;
  return m;
}

export const mu0 = new Float64Array(D);
export const mu1 = Float64Array.from({ length: D }, (_, i) => (i % 2 === 0 ? 1 : -0.5));
export const S0 = spd(11, 2);
export const S1 = spd(12, 1);

export function samples(which: 0 | 1, n: number, seed: number): Array2D {
  return sampleGaussianLaw(makeKey(seed), which === 0 ? { mean: mu0, covariance: S0 } : { mean: mu1, covariance: S1 }, n);
}

export function trueCrossCovariance(epsilon: number): Array2D {
  return gaussianSbCrossCovariance(S0, S1, epsilon);
}

/** Empirical Cov(x0, x1) of paired rows. */
export function crossCovariance(x0: Array2D, x1: Array2D): Array2D {
  const m0 = columnMeans(x0);
  const m1 = columnMeans(x1);
  const n = x0.rows;
  const d = x0.cols;
  const c = new Float64Array(d * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] += (x0.data[r * d + i] - m0[i]) * (x1.data[r * d + j] - m1[j]);
  for (let k = 0; k < c.length; k++) c[k] /= n - 1;
  return array2d(c, d, d);
}

export { columnMeans, covariance };
