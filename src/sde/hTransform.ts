/**
 * Doob's h-transform (Doob 1957; Léonard 2014, §2; Chen, Georgiou, Pavon 2021, §4): conditioning
 * `dX = f dt + g dW` through a space–time harmonic `h` gives `dX = [f + g² ∇log h(t,X)] dt + g dW`.
 * For Brownian motion `dX = σ dW` (ε = σ²):
 *
 * - hitting a point `y` at t = 1: `h(t,x) = N(y; x, ε(1−t)I)`, drift `ε∇log h = (y − x)/(1−t)`;
 * - started at `x0` and conditioned to have `X_1 ~ N(m, S)` (the SB from a Dirac):
 *   `h(t,x) = ∫ N(z; x, ε(1−t)I) N(z; m, S)/N(z; x0, εI) dz`, whose drift is the Markov projection of the
 *   mixture of Brownian bridges, `ε∇log h = (m + K_t(x − μ_t) − x)/(1−t)`, `K_t = S(tS + ε(1−t)I)⁻¹`,
 *   `μ_t = (1−t)x0 + t m`.
 *
 * Both drifts are singular at t = 1 and are defined for `t ∈ [0, 1)`.
 */
import type { Array2D } from "../core/array2d.js";
import { check, checkPositive } from "../core/errors.js";
import { addIdentity, scale, solveSpd, transpose } from "../core/linalg.js";
import { toGaussian, type GaussianLike } from "../gaussian/gaussian.js";
import { checkTimeBeforeOne } from "./time.js";
import type { Sde, VectorField } from "./types.js";

/** The h-transformed SDE `dX = [f + g² ∇log h] dt + g dW` given `∇log h` as a batched field. */
export function doobHTransform(sde: Sde, gradLogH: VectorField): Sde {
  return {
    diffusion: sde.diffusion,
    drift: (t, x) => {
      const f = sde.drift(t, x);
      const gh = gradLogH(t, x);
      const g2 = sde.diffusion(t) ** 2;
      const out = new Float64Array(x.data.length);
      for (let k = 0; k < out.length; k++) out[k] = f.data[k] + g2 * gh.data[k];
      return { data: out, rows: x.rows, cols: x.cols };
    },
  };
}

function checkColumns(x: Array2D, d: number, fn: string): void {
  check(x.cols === d, fn, "x", `has ${x.cols} columns, expected d = ${d}`);
}

/** Drift `(y − x)/(1 − t)` of `σ dW` conditioned to hit `point` at t = 1 (for `t ∈ [0, 1)`). */
export function hitPointDrift(sigma: number, point: ArrayLike<number>): VectorField {
  checkPositive(sigma, "hitPointDrift", "sigma");
  const y = Float64Array.from(point);
  return (t, x) => {
    checkTimeBeforeOne(t, "hitPointDrift");
    checkColumns(x, y.length, "hitPointDrift");
    const out = new Float64Array(x.data.length);
    for (let k = 0; k < out.length; k++) out[k] = (y[k % y.length] - x.data[k]) / (1 - t);
    return { data: out, rows: x.rows, cols: x.cols };
  };
}

/**
 * Drift of `σ dW` started at `start` and conditioned to have `X_1 ~ target = N(m, S)`:
 * `(m + K_t(x − μ_t) − x)/(1 − t)`, `K_t = S(tS + ε(1−t)I)⁻¹` (for `t ∈ [0, 1)`).
 */
export function hitGaussianDrift(sigma: number, start: ArrayLike<number>, target: GaussianLike): VectorField {
  checkPositive(sigma, "hitGaussianDrift", "sigma");
  const g = toGaussian(target, "hitGaussianDrift", "target");
  const x0 = Float64Array.from(start);
  const d = g.mean.length;
  check(x0.length === d, "hitGaussianDrift", "start", `has length ${x0.length}, expected d = ${d}`);
  const eps = sigma * sigma;
  return (t, x) => {
    checkTimeBeforeOne(t, "hitGaussianDrift");
    checkColumns(x, d, "hitGaussianDrift");
    // K_t = S M⁻¹ with M = tS + ε(1−t)I symmetric ⇒ K_tᵀ = M⁻¹ S.
    const k = transpose(solveSpd(addIdentity(scale(g.covariance, t), eps * (1 - t)), g.covariance));
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < x.rows; i++) {
      for (let a = 0; a < d; a++) {
        let s = g.mean[a] - x.data[i * d + a];
        for (let b = 0; b < d; b++) s += k.data[a * d + b] * (x.data[i * d + b] - ((1 - t) * x0[b] + t * g.mean[b]));
        out[i * d + a] = s / (1 - t);
      }
    }
    return { data: out, rows: x.rows, cols: x.cols };
  };
}
