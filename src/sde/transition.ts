/**
 * Transition kernels and Gaussian marginals of a {@link LinearReference}:
 * `X_t | X_s = x ~ N(a(s,t) x, v(s,t) I)`, and from `X_0 ~ N(μ0, Σ0)`: `X_t ~ N(a(0,t) μ0, a(0,t)² Σ0 + v(0,t) I)`
 * (Särkkä & Solin 2019, ch. 6; Song et al. 2021, appendix B).
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { addIdentity, scale } from "../core/linalg.js";
import { normal2d, type Key } from "../core/rng.js";
import { toGaussian, type Gaussian, type GaussianLike } from "../gaussian/gaussian.js";
import type { LinearReference } from "./reference.js";

/** Mean rows `a(s,t) x_i` (`[n, d]`) and per-coordinate variance `v(s,t)` of `X_t | X_s = x_i`. */
export function transitionKernel(reference: LinearReference, s: number, t: number, xs: Array2DLike): { means: Array2D; variance: number } {
  const x = toArray2D(xs, "transitionKernel", "xs");
  checkAllFinite(x.data, "transitionKernel", "xs", x.cols);
  const a = reference.transitionScale(s, t);
  return { means: scale(x, a), variance: reference.transitionVariance(s, t) };
}

/** One exact draw of `X_t` given `X_s = x_i` for every row (`[n, d]`). */
export function sampleTransition(reference: LinearReference, key: Key, s: number, t: number, xs: Array2DLike): Array2D {
  const { means, variance } = transitionKernel(reference, s, t, xs);
  const z = normal2d(key, means.rows, means.cols);
  const sd = Math.sqrt(variance);
  const out = new Float64Array(z.data.length);
  for (let k = 0; k < out.length; k++) out[k] = means.data[k] + sd * z.data[k];
  return { data: out, rows: means.rows, cols: means.cols };
}

/** Marginal law at time t from a Gaussian start: `N(a(0,t) μ0, a(0,t)² Σ0 + v(0,t) I)`. */
export function referenceMarginal(reference: LinearReference, t: number, source: GaussianLike): Gaussian {
  const g = toGaussian(source, "referenceMarginal", "source");
  const a = reference.transitionScale(0, t);
  const v = reference.transitionVariance(0, t);
  return { mean: g.mean.map((m) => a * m), covariance: addIdentity(scale(g.covariance, a * a), v) };
}
