/**
 * The closed-form Gaussian Schrödinger bridge (Bunne, Hsieh, Cuturi, Krause, "The Schrödinger Bridge between
 * Gaussian Measures has a Closed Form", AISTATS 2023) between `N(μ0,Σ0)` and `N(μ1,Σ1)` for the reference
 * `dX = σ dW` on `[0,1]`, `ε = σ²`:
 *
 * - `D = (4 Σ0^½ Σ1 Σ0^½ + ε² I)^½`, `C = ½(Σ0^½ D Σ0^{−½} − ε I)` — the cross-covariance
 *   `C = E[(X0−μ0)(X1−μ1)ᵀ]` of the optimal static plan (equivalently the entropic OT plan for cost ½‖x−y‖²);
 * - `μ_t = (1−t)μ0 + tμ1`, `Σ_t = (1−t)²Σ0 + t²Σ1 + t(1−t)(C + Cᵀ + εI)`;
 * - Markov drift `b(t,x) = μ1 − μ0 + B_t (x − μ_t)`, `B_t = A_t Σ_t⁻¹`,
 *   `A_t = tΣ1 − (1−t)Σ0 + (1−t)Cᵀ − tC − εtI`.
 *
 * This is the oracle every learned or iterative solver is tested against.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkPositive } from "../core/errors.js";
import { add, addIdentity, identity, matmul, scale, solveSpd, sqrtmAndInvSqrtmSpd, sqrtmSpd, sub, symmetrize, transpose } from "../core/linalg.js";
import { split, type Key } from "../core/rng.js";
import { checkUnitTime } from "../sde/time.js";
import { sampleGaussianLaw, toGaussian, type Gaussian, type GaussianLike } from "./gaussian.js";

/** A Gaussian SB problem: endpoint laws and the reference noise level `ε = σ² > 0`. */
export interface GaussianSbProblem {
  readonly source: GaussianLike;
  readonly target: GaussianLike;
  readonly epsilon: number;
}

/** Cross-covariance `C = ½(Σ0^½ D Σ0^{−½} − εI)`, `D = (4 Σ0^½ Σ1 Σ0^½ + ε²I)^½` (validated SPD inputs, ε ≥ 0). */
export function gaussianSbCrossCovariance(cov0: Array2D, cov1: Array2D, epsilon: number): Array2D {
  const d = cov0.rows;
  const { sqrt: r, invSqrt: rInv } = sqrtmAndInvSqrtmSpd(cov0, "gaussianSbCrossCovariance", "cov0");
  const inner = symmetrize(matmul(matmul(r, cov1), r));
  const dMat = sqrtmSpd(addIdentity(scale(inner, 4), epsilon * epsilon), "gaussianSbCrossCovariance", "D²");
  return scale(sub(matmul(matmul(r, dMat), rInv), identity(d, epsilon)), 0.5);
}

/** A `[n, d]` batch: each row minus/plus a vector. */
function affineRows(x: Array2D, matrix: Array2D, center: Float64Array, offset: Float64Array): Array2D {
  const { rows: n, cols: d } = x;
  const out = new Float64Array(n * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) c[a] = x.data[i * d + a] - center[a];
    for (let a = 0; a < d; a++) {
      let s = offset[a];
      for (let b = 0; b < d; b++) s += matrix.data[a * d + b] * c[b];
      out[i * d + a] = s;
    }
  }
  return { data: out, rows: n, cols: d };
}

/**
 * The solved Gaussian SB: endpoint laws, `ε`, the plan cross-covariance `C` and on-request marginals, drift
 * and conditional laws. Immutable. Build it with {@link gaussianSb}.
 */
export class GaussianSb {
  /** Source law `N(μ0, Σ0)`. */
  readonly source: Gaussian;
  /** Target law `N(μ1, Σ1)`. */
  readonly target: Gaussian;
  /** Reference noise `ε = σ²`. */
  readonly epsilon: number;
  /** Dimension `d`. */
  readonly dimension: number;
  /** `C = E[(X0−μ0)(X1−μ1)ᵀ]` (`[d, d]`, not symmetric in general). */
  readonly crossCovariance: Array2D;

  constructor(source: Gaussian, target: Gaussian, epsilon: number, crossCovariance: Array2D) {
    this.source = source;
    this.target = target;
    this.epsilon = epsilon;
    this.dimension = source.mean.length;
    this.crossCovariance = crossCovariance;
  }

  /** `μ_t = (1−t)μ0 + tμ1` (length `d`). */
  meanAt(t: number): Float64Array {
    checkUnitTime(t, "GaussianSb.meanAt");
    return this.source.mean.map((m0, a) => (1 - t) * m0 + t * this.target.mean[a]);
  }

  /** `Σ_t = (1−t)²Σ0 + t²Σ1 + t(1−t)(C + Cᵀ + εI)` (`[d, d]`). */
  covarianceAt(t: number): Array2D {
    checkUnitTime(t, "GaussianSb.covarianceAt");
    const c = this.crossCovariance;
    const mixed = addIdentity(add(c, transpose(c)), this.epsilon);
    return symmetrize(add(add(this.source.covariance, this.target.covariance, (1 - t) ** 2, t * t), mixed, 1, t * (1 - t)));
  }

  /** `A_t = tΣ1 − (1−t)Σ0 + (1−t)Cᵀ − tC − εtI` (`[d, d]`). */
  driftNumerator(t: number): Array2D {
    checkUnitTime(t, "GaussianSb.driftNumerator");
    const c = this.crossCovariance;
    const a = add(add(this.target.covariance, this.source.covariance, t, -(1 - t)), add(transpose(c), c, 1 - t, -t));
    return addIdentity(a, -this.epsilon * t);
  }

  /** Drift matrix `B_t = A_t Σ_t⁻¹` (`[d, d]`), so `b(t,x) = μ1 − μ0 + B_t(x − μ_t)`. */
  driftMatrix(t: number): Array2D {
    checkUnitTime(t, "GaussianSb.driftMatrix");
    // B Σ = A  ⇔  Σ Bᵀ = Aᵀ (Σ symmetric).
    return transpose(solveSpd(this.covarianceAt(t), transpose(this.driftNumerator(t))));
  }

  /** Markov drift `b(t,x) = μ1 − μ0 + B_t(x − μ_t)` for each row of `x` (`[n, d]` → `[n, d]`). */
  drift(t: number, x: Array2DLike): Array2D {
    checkUnitTime(t, "GaussianSb.drift");
    const pts = this.points(x, "GaussianSb.drift");
    const offset = this.target.mean.map((m1, a) => m1 - this.source.mean[a]);
    return affineRows(pts, this.driftMatrix(t), this.meanAt(t), offset);
  }

  /**
   * Law of `X1` given `X0 = x0` under the plan, from the joint Gaussian `[[Σ0, C], [Cᵀ, Σ1]]`:
   * mean `μ1 + Cᵀ Σ0⁻¹ (x0 − μ0)` (one row per row of `x0`, `[n, d]`), covariance `Σ1 − Cᵀ Σ0⁻¹ C` (`[d, d]`).
   */
  targetGivenSource(x0: Array2DLike): { means: Array2D; covariance: Array2D } {
    const pts = this.points(x0, "GaussianSb.targetGivenSource", "x0");
    const s0InvC = solveSpd(this.source.covariance, this.crossCovariance); // Σ0⁻¹ C
    const gain = transpose(s0InvC); // Cᵀ Σ0⁻¹
    const covariance = symmetrize(sub(this.target.covariance, matmul(transpose(this.crossCovariance), s0InvC)));
    return { means: affineRows(pts, gain, this.source.mean, this.target.mean), covariance };
  }

  /**
   * Law of `X_t` given `(X0, X1) = (x0, x1)`: the Brownian bridge `N((1−t)x0 + t x1, ε t(1−t) I)`.
   * `x0`, `x1` are `[n, d]`; returns means `[n, d]` and the scalar variance `ε t(1−t)` of every coordinate.
   */
  bridgeGivenEndpoints(t: number, x0: Array2DLike, x1: Array2DLike): { means: Array2D; variance: number } {
    checkUnitTime(t, "GaussianSb.bridgeGivenEndpoints");
    const a = this.points(x0, "GaussianSb.bridgeGivenEndpoints", "x0");
    const b = this.points(x1, "GaussianSb.bridgeGivenEndpoints", "x1");
    check(a.rows === b.rows, "GaussianSb.bridgeGivenEndpoints", "x1", `has ${b.rows} rows, expected ${a.rows} like x0`);
    return { means: add(a, b, 1 - t, t), variance: this.epsilon * t * (1 - t) };
  }

  /** `n` pairs `(x0, x1)` from the optimal plan `N((μ0, μ1), [[Σ0, C], [Cᵀ, Σ1]])`; each `[n, d]`. */
  sampleCoupling(key: Key, n: number): { x0: Array2D; x1: Array2D } {
    const [k0, k1] = split(key);
    const x0 = sampleGaussianLaw(k0, this.source, n);
    const cond = this.targetGivenSource(x0);
    const noise = sampleGaussianLaw(k1, { mean: new Float64Array(this.dimension), covariance: cond.covariance }, n);
    return { x0, x1: add(cond.means, noise) };
  }

  private points(x: Array2DLike, fn: string, argument = "x"): Array2D {
    const pts = toArray2D(x, fn, argument);
    check(pts.cols === this.dimension, fn, argument, `has ${pts.cols} columns, expected d = ${this.dimension}`);
    checkAllFinite(pts.data, fn, argument, pts.cols);
    return pts;
  }
}

/**
 * Solves the Gaussian Schrödinger bridge in closed form (Bunne et al. 2023). Throws a clear
 * `SbkitInputError` for non-SPD covariances, mismatched dimensions or `ε ≤ 0`.
 */
export function gaussianSb(problem: GaussianSbProblem): GaussianSb {
  const fn = "gaussianSb";
  check(typeof problem === "object" && problem !== null, fn, "problem", "must be an object {source, target, epsilon}");
  const epsilon = checkPositive(problem.epsilon, fn, "epsilon");
  const source = toGaussian(problem.source, fn, "source");
  const target = toGaussian(problem.target, fn, "target");
  check(source.mean.length === target.mean.length, fn, "target", `has dimension ${target.mean.length}, expected ${source.mean.length} like source`);
  const c = gaussianSbCrossCovariance(source.covariance, target.covariance, epsilon);
  return new GaussianSb(source, target, epsilon, c);
}
