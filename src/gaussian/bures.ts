/**
 * Bures–Wasserstein optimal transport between Gaussians: the ε → 0 limit of the Gaussian Schrödinger bridge
 * (Bunne et al. 2023, §4; Dowson & Landau 1982; Takatsu 2011). Costs use `‖x−y‖²`, so `W2²` below is twice the
 * OT cost for the library's `½‖x−y‖²`.
 */
import { toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { matmul, sqrtmAndInvSqrtmSpd, sqrtmSpd, symmetrize, trace } from "../core/linalg.js";
import { toGaussian, type GaussianLike } from "./gaussian.js";

/** The linear part `A = Σ0^{−½}(Σ0^½ Σ1 Σ0^½)^½ Σ0^{−½}` (`[d, d]`, SPD) of the Monge map `T(x) = μ1 + A(x − μ0)`. */
export function buresMapMatrix(cov0: Array2DLike, cov1: Array2DLike): Array2D {
  const { sqrt: r, invSqrt: rInv } = sqrtmAndInvSqrtmSpd(cov0, "buresMapMatrix", "cov0");
  const s1 = toArray2D(cov1, "buresMapMatrix", "cov1");
  check(s1.rows === r.rows && s1.cols === r.rows, "buresMapMatrix", "cov1", `has shape [${s1.rows}, ${s1.cols}], expected [${r.rows}, ${r.rows}]`);
  const middle = sqrtmSpd(symmetrize(matmul(matmul(r, s1), r)), "buresMapMatrix", "cov1");
  return symmetrize(matmul(matmul(rInv, middle), rInv));
}

/** Cross-covariance of the OT plan `Σ0 A = Σ0^½(Σ0^½ Σ1 Σ0^½)^½ Σ0^{−½}`: the ε → 0 limit of the SB's `C`. */
export function buresCrossCovariance(cov0: Array2DLike, cov1: Array2DLike): Array2D {
  return matmul(cov0, buresMapMatrix(cov0, cov1));
}

/** The Monge map `T(x) = μ1 + A(x − μ0)` between two Gaussians applied to each row of `x` (`[n, d]` → `[n, d]`). */
export function buresOtMap(source: GaussianLike, target: GaussianLike, x: Array2DLike): Array2D {
  const g0 = toGaussian(source, "buresOtMap", "source");
  const g1 = toGaussian(target, "buresOtMap", "target");
  const d = g0.mean.length;
  check(g1.mean.length === d, "buresOtMap", "target", `has dimension ${g1.mean.length}, expected ${d}`);
  const pts = toArray2D(x, "buresOtMap", "x");
  check(pts.cols === d, "buresOtMap", "x", `has ${pts.cols} columns, expected d = ${d}`);
  const a = buresMapMatrix(g0.covariance, g1.covariance);
  const out = new Float64Array(pts.data.length);
  for (let i = 0; i < pts.rows; i++) {
    for (let p = 0; p < d; p++) {
      let s = g1.mean[p];
      for (let q = 0; q < d; q++) s += a.data[p * d + q] * (pts.data[i * d + q] - g0.mean[q]);
      out[i * d + p] = s;
    }
  }
  return { data: out, rows: pts.rows, cols: d };
}

/**
 * Squared Bures–Wasserstein distance
 * `W2²(N(μ0,Σ0), N(μ1,Σ1)) = ‖μ0 − μ1‖² + tr Σ0 + tr Σ1 − 2 tr (Σ0^½ Σ1 Σ0^½)^½` (cost `‖x−y‖²`).
 * Covariances may be positive semidefinite here. Round-off negatives (the true value is ≥ 0) are clamped to 0.
 */
export function buresWassersteinSquared(source: GaussianLike, target: GaussianLike): number {
  const fn = "buresWassersteinSquared";
  const s0 = toArray2D(source.covariance, fn, "source.covariance");
  const s1 = toArray2D(target.covariance, fn, "target.covariance");
  const d = source.mean.length;
  check(s0.rows === d && s0.cols === d, fn, "source.covariance", `has shape [${s0.rows}, ${s0.cols}], expected [${d}, ${d}]`);
  check(target.mean.length === d && s1.rows === d && s1.cols === d, fn, "target", `must have dimension ${d} like source`);
  const r = sqrtmSpd(s0, fn, "source.covariance");
  const cross = sqrtmSpd(symmetrize(matmul(matmul(r, s1), r)), fn, "target.covariance");
  let meanPart = 0;
  for (let a = 0; a < d; a++) meanPart += (source.mean[a] - target.mean[a]) ** 2;
  check(Number.isFinite(meanPart), fn, "mean", "must be finite");
  return Math.max(0, meanPart + trace(s0) + trace(s1) - 2 * trace(cross));
}
