/**
 * Kullback–Leibler divergence between multivariate normals.
 */
import { check } from "../core/errors.js";
import { logDetSpd, solveSpd, trace } from "../core/linalg.js";
import { toGaussian, type GaussianLike } from "./gaussian.js";

/**
 * `KL(N(μp,Σp) ‖ N(μq,Σq)) = ½[tr(Σq⁻¹Σp) + (μq−μp)ᵀΣq⁻¹(μq−μp) − d + log det Σq − log det Σp]` (nats).
 * Both covariances must be SPD of the same size. Round-off negatives (the true value is ≥ 0) are clamped to 0.
 */
export function gaussianKl(p: GaussianLike, q: GaussianLike): number {
  const gp = toGaussian(p, "gaussianKl", "p");
  const gq = toGaussian(q, "gaussianKl", "q");
  const d = gp.mean.length;
  check(gq.mean.length === d, "gaussianKl", "q", `has dimension ${gq.mean.length}, expected ${d} like p`);
  const diff = new Float64Array(d);
  for (let a = 0; a < d; a++) diff[a] = gq.mean[a] - gp.mean[a];
  const w = solveSpd(gq.covariance, { data: diff, rows: d, cols: 1 });
  let quad = 0;
  for (let a = 0; a < d; a++) quad += diff[a] * w.data[a];
  const tr = trace(solveSpd(gq.covariance, gp.covariance));
  return Math.max(0, 0.5 * (tr + quad - d + logDetSpd(gq.covariance) - logDetSpd(gp.covariance)));
}

