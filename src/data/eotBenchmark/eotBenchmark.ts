/**
 * Entropic-OT / Schrödinger-bridge benchmark pairs with a known solution (Gushchin, Kolesov, Mokrov, Karpikova,
 * Spiridonov, Burnaev, Korotin, "Building the Bridge of Schrödinger: A Continuous Entropic Optimal Transport
 * Benchmark", NeurIPS 2023, §3–4). For any source `p0` and potential `f`, the plan
 *
 *   π(x, y) = p0(x) π(y|x),   π(y|x) ∝ exp((f(y) − ½‖x − y‖²)/ε)
 *
 * is the entropic OT plan (cost ½‖x−y‖², regularization ε) between `p0` and its own second marginal `p1`, i.e. the
 * static Schrödinger bridge of the reference `dX = σ dW`, `ε = σ²`. With `exp(f/ε) = Σ_k α_k N(y | μ_k, Σ_k)`,
 * `Σ_k = diag(σ_k)` here:
 *
 *   π(y|x) = Σ_k w_k(x) N(y | Σ̃_k(Σ_k⁻¹μ_k + x/ε), Σ̃_k),   Σ̃_k = (Σ_k⁻¹ + I/ε)⁻¹,   w_k(x) ∝ α_k N(x | μ_k, Σ_k + εI),
 *
 * and the dynamic SB is Brownian motion from `p0` with the h-transform drift `b(t,x) = ε ∇_x log h_t(x)`,
 * `h_t(x) = E[exp(f(X_1)/ε) | X_t = x] = Σ_k α_k N(x | μ_k, Σ_k + ε(1−t)I)` — it does not depend on `p0`.
 * `p0` is any Gaussian mixture (full covariances allowed).
 */
import { array2d, checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../../core/array2d.js";
import { check, checkInteger, checkPositive } from "../../core/errors.js";
import { cholesky } from "../../core/linalg.js";
import { categorical, KeyStream, split, type Key } from "../../core/rng.js";
import type { GaussianMixture } from "../gaussian.js";
import type { Moments } from "../../metrics/uvp.js";
import { diagonalLogTerms, sampleRowMixtures, softmaxRows, toDiagonalMixture, type DiagonalGaussianMixture, type DiagonalGaussianMixtureLike } from "./diagonalMixture.js";

/** A benchmark pair: source mixture, potential `exp(f/ε)` as a diagonal mixture, and ε. */
export interface EotBenchmarkProblem {
  readonly source: GaussianMixture;
  readonly potential: DiagonalGaussianMixtureLike;
  readonly epsilon: number;
}

/** A source component ready for sampling. */
interface SourceComponent {
  readonly mean: Float64Array;
  readonly chol: Array2D;
  readonly diagonal: boolean;
}

/** A solved benchmark pair (immutable): samplers of p0, p1 and the plan, the true conditional law and drift. */
export class EotBenchmark {
  /** Dimension d. */
  readonly dimension: number;
  /** ε = σ² of the reference `σ dW`. */
  readonly epsilon: number;
  /** The potential `exp(f/ε) = Σ_k α_k N(μ_k, diag(σ_k))`. */
  readonly potential: DiagonalGaussianMixture;
  /** The source mixture as given. */
  readonly source: GaussianMixture;
  private readonly sourceWeights: Float64Array;
  private readonly sourceComponents: readonly SourceComponent[];
  /** `[K, d]` diagonal of `Σ̃_k = (Σ_k⁻¹ + I/ε)⁻¹`. */
  private readonly planVariances: Float64Array;

  constructor(problem: EotBenchmarkProblem) {
    const fn = "eotBenchmark";
    check(typeof problem === "object" && problem !== null, fn, "problem", "must be an object {source, potential, epsilon}");
    this.epsilon = checkPositive(problem.epsilon, fn, "epsilon");
    this.potential = toDiagonalMixture(problem.potential, fn, "potential");
    const d = this.potential.means.cols;
    this.dimension = d;
    const src = problem.source;
    check(typeof src === "object" && src !== null, fn, "source", "must be a Gaussian mixture {weights, means, covs}");
    const means = toArray2D(src.means, fn, "source.means");
    const K0 = src.weights?.length ?? 0;
    check(K0 >= 1 && means.rows === K0 && means.cols === d, fn, "source.means", `has shape [${means.rows}, ${means.cols}], expected [${K0}, ${d}] (one row per weight, d like the potential)`);
    checkAllFinite(means.data, fn, "source.means", d);
    check(Array.isArray(src.covs) && src.covs.length === K0, fn, "source.covs", `must be an array of ${K0} matrices`);
    let total = 0;
    for (let k = 0; k < K0; k++) {
      check(Number.isFinite(src.weights[k]) && src.weights[k] >= 0, fn, "source.weights", `must be finite and >= 0 (got ${src.weights[k]} at [${k}])`);
      total += src.weights[k];
    }
    check(total > 0, fn, "source.weights", "must have a positive sum");
    this.source = src;
    this.sourceWeights = Float64Array.from({ length: K0 }, (_, k) => src.weights[k] / total);
    this.sourceComponents = src.covs.map((c, k) => {
      const chol = cholesky(c, fn, `source.covs[${k}]`);
      check(chol.rows === d, fn, `source.covs[${k}]`, `has shape [${chol.rows}, ${chol.rows}], expected [${d}, ${d}]`);
      let diagonal = true;
      for (let a = 0; a < d && diagonal; a++) for (let b = 0; b < a; b++) if (chol.data[a * d + b] !== 0) { diagonal = false; break; }
      return { mean: means.data.slice(k * d, (k + 1) * d), chol, diagonal };
    });
    const v = this.potential.variances.data;
    this.planVariances = v.map((s) => (s * this.epsilon) / (s + this.epsilon));
  }

  /** Number of potential components K. */
  get components(): number {
    return this.potential.weights.length;
  }

  /** `n` draws from the source `p0` (`[n, d]`). */
  sampleSource(key: Key, n: number): Array2D {
    checkInteger(n, "EotBenchmark.sampleSource", "n");
    const d = this.dimension;
    const [kl, kz] = split(key);
    const labels = categorical(kl, this.sourceWeights, n);
    const stream = new KeyStream(kz);
    const out = new Float64Array(n * d);
    const z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const c = this.sourceComponents[labels[i]];
      for (let j = 0; j < d; j++) z[j] = stream.nextNormal();
      for (let a = 0; a < d; a++) {
        let s = c.mean[a];
        if (c.diagonal) s += c.chol.data[a * d + a] * z[a];
        else for (let b = 0; b <= a; b++) s += c.chol.data[a * d + b] * z[b];
        out[i * d + a] = s;
      }
    }
    return array2d(out, n, d);
  }

  /** `[n, K]` mixture weights `w_k(x) ∝ α_k N(x | μ_k, Σ_k + εI)` of `π(·|x)` for each row of `x`. */
  conditionalWeights(x: Array2DLike): Array2D {
    const pts = this.points(x, "EotBenchmark.conditionalWeights");
    const w = diagonalLogTerms(this.potential, pts, this.epsilon);
    softmaxRows(w, pts.rows, this.components);
    return array2d(w, pts.rows, this.components);
  }

  /** `[n·K, d]` component means `m_k(x) = Σ̃_k(Σ_k⁻¹μ_k + x/ε)` (row `i·K + k`). */
  conditionalComponentMeans(x: Array2DLike): Array2D {
    const pts = this.points(x, "EotBenchmark.conditionalComponentMeans");
    return this.componentMeans(pts);
  }

  /** `[K, d]` diagonals of the component covariances `Σ̃_k` of `π(·|x)` (the same for every x). */
  conditionalComponentVariances(): Array2D {
    return array2d(Float64Array.from(this.planVariances), this.components, this.dimension);
  }

  /** Mean and covariance of `π(·|x_i)` for each row: `Σ_k w_k m_k` and `Σ_k w_k (Σ̃_k + m_k m_kᵀ) − m mᵀ`. */
  conditionalMoments(x: Array2DLike): Moments[] {
    const pts = this.points(x, "EotBenchmark.conditionalMoments");
    const w = this.conditionalWeights(pts).data;
    const cm = this.componentMeans(pts).data;
    const K = this.components;
    const d = this.dimension;
    const out: Moments[] = [];
    for (let i = 0; i < pts.rows; i++) {
      const mean = new Float64Array(d);
      const cov = new Float64Array(d * d);
      for (let k = 0; k < K; k++) {
        const wk = w[i * K + k];
        const m = cm.subarray((i * K + k) * d, (i * K + k + 1) * d);
        for (let a = 0; a < d; a++) {
          mean[a] += wk * m[a];
          cov[a * d + a] += wk * this.planVariances[k * d + a];
          const wma = wk * m[a];
          for (let b = 0; b <= a; b++) cov[a * d + b] += wma * m[b];
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = cov[a * d + b] - mean[a] * mean[b];
          cov[a * d + b] = v;
          cov[b * d + a] = v;
        }
      }
      out.push({ mean, covariance: array2d(cov, d, d) });
    }
    return out;
  }

  /** `perPoint` draws from `π(·|x_i)` per row of `x`; `[n·perPoint, d]`, rows of point i consecutive. */
  sampleConditional(key: Key, x: Array2DLike, perPoint = 1): Array2D {
    const fn = "EotBenchmark.sampleConditional";
    const pts = this.points(x, fn);
    checkInteger(perPoint, fn, "perPoint", 1);
    const w = this.conditionalWeights(pts).data;
    const cm = this.componentMeans(pts).data;
    const K = this.components;
    const d = this.dimension;
    const sd = this.planVariances.map(Math.sqrt);
    return sampleRowMixtures(new KeyStream(key), w, cm, sd, pts.rows, K, d, perPoint);
  }

  /** `n` pairs `(x0, x1)` from the true plan: `x0 ~ p0`, `x1 ~ π(·|x0)`. */
  samplePlan(key: Key, n: number): { x0: Array2D; x1: Array2D } {
    const [k0, k1] = split(key);
    const x0 = this.sampleSource(k0, n);
    return { x0, x1: this.sampleConditional(k1, x0) };
  }

  /** `n` draws from the target `p1` (the plan's second marginal). */
  sampleTarget(key: Key, n: number): Array2D {
    return this.samplePlan(key, n).x1;
  }

  /**
   * The SB drift `b(t,x) = ε ∇ log Σ_k α_k N(x | μ_k, Σ_k + ε(1−t)I) = Σ_k ω_k(t,x) ε (μ_k − x)/(σ_k + ε(1−t))`
   * (elementwise, ω the softmax of the log-terms) for each row of `x`; `t ∈ [0, 1]`.
   */
  drift(t: number, x: Array2DLike): Array2D {
    const fn = "EotBenchmark.drift";
    check(Number.isFinite(t) && t >= 0 && t <= 1, fn, "t", `must be in [0, 1] (got ${t})`);
    const pts = this.points(x, fn);
    const K = this.components;
    const d = this.dimension;
    const extra = this.epsilon * (1 - t);
    const w = diagonalLogTerms(this.potential, pts, extra);
    softmaxRows(w, pts.rows, K);
    const mu = this.potential.means.data;
    const v = this.potential.variances.data;
    const out = new Float64Array(pts.rows * d);
    for (let i = 0; i < pts.rows; i++) {
      for (let k = 0; k < K; k++) {
        const wk = w[i * K + k] * this.epsilon;
        for (let j = 0; j < d; j++) out[i * d + j] += (wk * (mu[k * d + j] - pts.data[i * d + j])) / (v[k * d + j] + extra);
      }
    }
    return array2d(out, pts.rows, d);
  }

  /** Monte-Carlo moments of the target `p1` from `n` draws (default 100000): the normalizer of the UVP scores. */
  targetMoments(key: Key, n = 100000): Moments {
    checkInteger(n, "EotBenchmark.targetMoments", "n", 2);
    const d = this.dimension;
    const mean = new Float64Array(d);
    const second = new Float64Array(d * d);
    const chunk = 4096;
    const keys = split(key, Math.ceil(n / chunk));
    for (let start = 0, c = 0; start < n; start += chunk, c++) {
      const y = this.sampleTarget(keys[c], Math.min(chunk, n - start));
      for (let i = 0; i < y.rows; i++) {
        const row = y.data.subarray(i * d, (i + 1) * d);
        for (let a = 0; a < d; a++) {
          mean[a] += row[a];
          for (let b = 0; b <= a; b++) second[a * d + b] += row[a] * row[b];
        }
      }
    }
    for (let a = 0; a < d; a++) mean[a] /= n;
    const cov = new Float64Array(d * d);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = (second[a * d + b] - n * mean[a] * mean[b]) / (n - 1);
        cov[a * d + b] = v;
        cov[b * d + a] = v;
      }
    }
    return { mean, covariance: array2d(cov, d, d) };
  }

  private componentMeans(pts: Array2D): Array2D {
    const K = this.components;
    const d = this.dimension;
    const mu = this.potential.means.data;
    const v = this.potential.variances.data;
    const out = new Float64Array(pts.rows * K * d);
    for (let i = 0; i < pts.rows; i++) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) out[(i * K + k) * d + j] = this.planVariances[k * d + j] * (mu[k * d + j] / v[k * d + j] + pts.data[i * d + j] / this.epsilon);
      }
    }
    return array2d(out, pts.rows * K, d);
  }

  private points(x: Array2DLike, fn: string): Array2D {
    const pts = toArray2D(x, fn, "x");
    check(pts.cols === this.dimension, fn, "x", `has ${pts.cols} columns, expected d = ${this.dimension}`);
    checkAllFinite(pts.data, fn, "x", pts.cols);
    return pts;
  }
}

/** Builds the benchmark pair of an explicit problem (validated; clear errors name `eotBenchmark`). */
export function eotBenchmark(problem: EotBenchmarkProblem): EotBenchmark {
  return new EotBenchmark(problem);
}
