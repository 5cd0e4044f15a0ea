/**
 * The heat semigroup on a uniform grid in the log domain: for a variance `v > 0`,
 * `(H_v f)(x_k) = Σ_j N(x_j; x_k, v I) f(x_j) · cellVolume ≈ ∫ N(y; x_k, vI) f(y) dy`,
 * computed as `log H_v f = LSE_j(log N(x_j; x_k, vI) + log f_j) + log cellVolume` so that potentials with huge
 * dynamic range (small ε) do not overflow. The Gaussian kernel factorizes over axes, so a 2-D application is two
 * 1-D passes (`O(n³)` for an `n × n` grid instead of `O(n⁴)`).
 *
 * `H_{εs}` is the transition operator of `dX = σ dW` over a time `s` (ε = σ²): it solves the forward heat equation
 * `∂_t φ̂ = (ε/2)Δφ̂` and, run backward, `∂_t φ + (ε/2)Δφ = 0` (Léonard 2014; Chen, Georgiou, Pavon 2021).
 * The quadrature is exact to round-off while `√v ≥ h` (Poisson summation error `≈ 2e^{−2π² v/h²}`).
 */
import { check } from "../core/errors.js";
import type { UniformGrid } from "./grid.js";

/** Log-sum-exp pass along one axis of length `n` with stride `stride`, repeated over `outer × inner` lines. */
function logConvolveAxis(src: Float64Array, dst: Float64Array, logKernel: Float64Array, n: number, outer: number, inner: number): void {
  const line = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      for (let j = 0; j < n; j++) line[j] = src[base + j * inner];
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        const row = i * n;
        for (let j = 0; j < n; j++) {
          const v = logKernel[row + j] + line[j];
          if (v > max) max = v;
        }
        if (max === -Infinity) {
          dst[base + i * inner] = -Infinity;
          continue;
        }
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.exp(logKernel[row + j] + line[j] - max);
        dst[base + i * inner] = max + Math.log(s);
      }
    }
  }
}

/** `log N(x_j; x_i, v) + log h` for one axis, as an `[n, n]` matrix. */
function axisLogKernel(x: Float64Array, h: number, variance: number): Float64Array {
  const n = x.length;
  const k = new Float64Array(n * n);
  const c = Math.log(h) - 0.5 * Math.log(2 * Math.PI * variance);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] = c - ((x[i] - x[j]) ** 2) / (2 * variance);
  return k;
}

/**
 * `log (H_v f)` at every node from `log f` (length `grid.size`, `−∞` allowed for zeros). `v = 0` returns a copy
 * (the identity). Throws when `0 < √v < max h` (the grid cannot resolve the kernel accurately).
 */
export function logHeatApply(grid: UniformGrid, variance: number, logValues: Float64Array): Float64Array {
  check(Number.isFinite(variance) && variance >= 0, "logHeatApply", "variance", `must be finite and ≥ 0 (got ${variance})`);
  check(logValues.length === grid.size, "logHeatApply", "logValues", `has length ${logValues.length}, expected ${grid.size}`);
  if (variance === 0) return Float64Array.from(logValues);
  const hMax = Math.max(...grid.spacings);
  check(Math.sqrt(variance) >= hMax * (1 - 1e-12), "logHeatApply", "variance", `${variance} is too small for the grid spacing ${hMax} (need √v ≥ h; refine the grid)`);
  let src = Float64Array.from(logValues);
  let dst = new Float64Array(grid.size);
  const shape = grid.shape;
  for (let a = 0; a < shape.length; a++) {
    const outer = shape.slice(0, a).reduce((p, n) => p * n, 1);
    const inner = shape.slice(a + 1).reduce((p, n) => p * n, 1);
    logConvolveAxis(src, dst, axisLogKernel(grid.axes[a], grid.spacings[a], variance), shape[a], outer, inner);
    [src, dst] = [dst, src];
  }
  return src;
}
