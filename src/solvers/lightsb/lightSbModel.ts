/**
 * Light Schrödinger Bridge (Korotin, Gushchin, Burnaev, "Light Schrödinger Bridge", ICLR 2024): the Schrödinger
 * bridge of the reference `dX = σ dW` (`ε = σ²`) whose adjusted potential `v(y) = exp((f(y) − ½‖y‖²)/ε)` is a
 * Gaussian mixture with diagonal covariances,
 *
 *   v_θ(y) = Σ_k α_k N(y | r_k, ε S_k),   S_k = diag(s_k)                               (paper eq. 11)
 *
 * which makes everything closed-form:
 *
 * - conditional plan `π_θ(y|x) = exp(⟨x,y⟩/ε) v_θ(y) / c_θ(x) = Σ_k γ_k(x) N(y | r_k + S_k x, ε S_k)` with
 *   `γ_k(x) ∝ α_k exp((xᵀS_k x + 2 r_kᵀx)/(2ε))` and `c_θ(x) = Σ_k α_k exp((xᵀS_k x + 2 r_kᵀx)/(2ε))` (Prop. 3.2);
 * - drift `b(t,x) = ε ∇ log h_t(x)`, `h_t(x) = ∫ N(y | x, ε(1−t)I) exp(‖y‖²/(2ε)) v_θ(y) dy` (Prop. 3.3). Written
 *   per coordinate with `D_kj = 1 − t + t s_kj` (our derivation of the paper's formula, finite at t = 1):
 *
 *     b_j(t,x) = Σ_k ω_k(t,x) (r_kj + (s_kj − 1) x_j) / D_kj,
 *     log ω_k = log α_k − ½ Σ_j log D_kj + Σ_j [x_j²(s_kj − 1) + 2 x_j r_kj − t r_kj²] / (2ε D_kj)  (softmax over k).
 *
 * At t = 0 this is `E_π[Y | X_0 = x] − x`; at t = 1 it is `x + ε ∇ log v_θ(x)`.
 */
import { array2d, checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../../core/array2d.js";
import { check, checkInteger, checkPositive } from "../../core/errors.js";
import { KeyStream, type Key } from "../../core/rng.js";
import { integrateSde, type IntegrationResult } from "../../sde/integrate.js";
import type { Moments } from "../../metrics/uvp.js";
import { sampleRowMixtures, softmaxRows as softmaxInPlace } from "../../data/eotBenchmark/diagonalMixture.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** The parameters θ of a LightSB model (row-major, `K` components in `d` dimensions). */
export interface LightSbParameters {
  /** `[K]` log α_k. */
  readonly logWeights: Float64Array;
  /** `[K·d]` means r_k. */
  readonly means: Float64Array;
  /** `[K·d]` log s_kj (the diagonal of S_k; the component covariance of v_θ is ε S_k). */
  readonly logScales: Float64Array;
}

/** How {@link LightSb.sample} simulates. */
export interface LightSbSampleOptions {
  /** `"exact"` (default: one draw from π_θ(·|x), no time grid) or `"sde"` (Euler–Maruyama with the drift). */
  readonly mode?: "exact" | "sde";
  /** Euler–Maruyama steps (mode "sde"; default 100). */
  readonly steps?: number;
  /** Draws per input row (K consecutive output rows per input row). Default 1. */
  readonly perPoint?: number;
  /** Save every N steps (mode "sde"; default: start and end only). */
  readonly saveEvery?: number;
  /** Only `"forward"` (source → target); the backward bridge needs p0, which LightSB does not model. */
  readonly direction?: "forward" | "backward";
}

/** A fitted (or hand-built) LightSB bridge. Immutable. */
export class LightSb {
  /** Number of components K. */
  readonly components: number;
  /** Dimension d. */
  readonly dimension: number;

  constructor(
    /** ε = σ² of the reference `σ dW`. */
    readonly epsilon: number,
    /** The parameters θ. */
    readonly parameters: LightSbParameters,
  ) {
    const fn = "LightSb";
    checkPositive(epsilon, fn, "epsilon");
    const K = parameters.logWeights.length;
    check(K >= 1, fn, "parameters.logWeights", "must have at least one component");
    check(parameters.means.length % K === 0 && parameters.means.length > 0, fn, "parameters.means", `has length ${parameters.means.length}, not a positive multiple of K = ${K}`);
    check(parameters.logScales.length === parameters.means.length, fn, "parameters.logScales", `has length ${parameters.logScales.length}, expected ${parameters.means.length} like means`);
    checkAllFinite(parameters.logWeights, fn, "parameters.logWeights");
    checkAllFinite(parameters.means, fn, "parameters.means");
    checkAllFinite(parameters.logScales, fn, "parameters.logScales");
    this.components = K;
    this.dimension = parameters.means.length / K;
  }

  /** `[K·d]` s_kj = exp(log s_kj). */
  scales(): Float64Array {
    return this.parameters.logScales.map(Math.exp);
  }

  /** `[n]` log c_θ(x) = LSE_k [log α_k + (xᵀS_k x + 2 r_kᵀx)/(2ε)] for each row of `x`. */
  logNormalizer(x: Array2DLike): Float64Array {
    const pts = this.points(x, "LightSb.logNormalizer");
    return softmaxInPlace(this.planLogTerms(pts), pts.rows, this.components);
  }

  /** `[n]` log v_θ(y) = log Σ_k α_k N(y | r_k, ε S_k) for each row of `y`. */
  logPotential(y: Array2DLike): Float64Array {
    const pts = this.points(y, "LightSb.logPotential", "y");
    const { components: K, dimension: d, epsilon } = this;
    const { logWeights, means, logScales } = this.parameters;
    const s = this.scales();
    const terms = new Float64Array(pts.rows * K);
    for (let i = 0; i < pts.rows; i++) {
      for (let k = 0; k < K; k++) {
        let q = 0;
        let logDet = 0;
        for (let j = 0; j < d; j++) {
          const diff = pts.data[i * d + j] - means[k * d + j];
          q += (diff * diff) / (epsilon * s[k * d + j]);
          logDet += logScales[k * d + j];
        }
        terms[i * K + k] = logWeights[k] - 0.5 * (q + logDet + d * (Math.log(epsilon) + LOG_2PI));
      }
    }
    return softmaxInPlace(terms, pts.rows, K);
  }

  /** `[n, K]` mixture weights γ_k(x) of π_θ(·|x). */
  conditionalWeights(x: Array2DLike): Array2D {
    const pts = this.points(x, "LightSb.conditionalWeights");
    const t = this.planLogTerms(pts);
    softmaxInPlace(t, pts.rows, this.components);
    return array2d(t, pts.rows, this.components);
  }

  /** `[n·K, d]` component means `r_k + S_k x` of π_θ(·|x_i) (row `i·K + k`). */
  conditionalComponentMeans(x: Array2DLike): Array2D {
    const pts = this.points(x, "LightSb.conditionalComponentMeans");
    return this.componentMeans(pts, this.scales());
  }

  /** Mean and covariance of π_θ(·|x_i) for each row (a Gaussian mixture; covariance `Σ_k γ_k(εS_k + m_k m_kᵀ) − m mᵀ`). */
  conditionalMoments(x: Array2DLike): Moments[] {
    const pts = this.points(x, "LightSb.conditionalMoments");
    const { components: K, dimension: d, epsilon } = this;
    const s = this.scales();
    const w = this.conditionalWeights(pts).data;
    const cm = this.componentMeans(pts, s).data;
    return Array.from({ length: pts.rows }, (_, i) => {
      const mean = new Float64Array(d);
      const cov = new Float64Array(d * d);
      for (let k = 0; k < K; k++) {
        const wk = w[i * K + k];
        const o = (i * K + k) * d;
        for (let a = 0; a < d; a++) {
          mean[a] += wk * cm[o + a];
          cov[a * d + a] += wk * epsilon * s[k * d + a];
          for (let b = 0; b <= a; b++) cov[a * d + b] += wk * cm[o + a] * cm[o + b];
        }
      }
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[b * d + a] = cov[a * d + b] = cov[a * d + b] - mean[a] * mean[b];
      return { mean, covariance: array2d(cov, d, d) };
    });
  }

  /** `perPoint` exact draws from π_θ(·|x_i) per row of `x`; `[n·perPoint, d]`, the draws of row i consecutive. */
  sampleConditional(key: Key, x: Array2DLike, perPoint = 1): Array2D {
    const fn = "LightSb.sampleConditional";
    const pts = this.points(x, fn);
    checkInteger(perPoint, fn, "perPoint", 1);
    const { components: K, dimension: d, epsilon } = this;
    const s = this.scales();
    const sd = s.map((v) => Math.sqrt(epsilon * v));
    const w = this.conditionalWeights(pts).data;
    const cm = this.componentMeans(pts, s).data;
    return sampleRowMixtures(new KeyStream(key), w, cm, sd, pts.rows, K, d, perPoint);
  }

  /** The bridge drift `b(t, x)` (module comment) for each row of `x` (`[n, d]`), `t ∈ [0, 1]`. */
  drift(t: number, x: Array2DLike): Array2D {
    const fn = "LightSb.drift";
    check(Number.isFinite(t) && t >= 0 && t <= 1, fn, "t", `must be in [0, 1] (got ${t})`);
    const pts = this.points(x, fn);
    const { components: K, dimension: d, epsilon } = this;
    const { logWeights, means } = this.parameters;
    const s = this.scales();
    const denominator = s.map((v) => 1 - t + t * v);
    const logTerms = new Float64Array(pts.rows * K);
    for (let k = 0; k < K; k++) {
      let c = logWeights[k];
      for (let j = 0; j < d; j++) c -= 0.5 * Math.log(denominator[k * d + j]) + (t * means[k * d + j] ** 2) / (2 * epsilon * denominator[k * d + j]);
      for (let i = 0; i < pts.rows; i++) {
        let q = c;
        for (let j = 0; j < d; j++) {
          const xj = pts.data[i * d + j];
          q += (xj * xj * (s[k * d + j] - 1) + 2 * xj * means[k * d + j]) / (2 * epsilon * denominator[k * d + j]);
        }
        logTerms[i * K + k] = q;
      }
    }
    softmaxInPlace(logTerms, pts.rows, K);
    const out = new Float64Array(pts.rows * d);
    for (let i = 0; i < pts.rows; i++) {
      for (let k = 0; k < K; k++) {
        const wk = logTerms[i * K + k];
        if (wk === 0) continue;
        for (let j = 0; j < d; j++) out[i * d + j] += (wk * (means[k * d + j] + (s[k * d + j] - 1) * pts.data[i * d + j])) / denominator[k * d + j];
      }
    }
    return array2d(out, pts.rows, d);
  }

  /**
   * Simulates the bridge from `x0` (`[n, d]`): exact draws from π_θ (mode "exact": times [0, 1]) or Euler–Maruyama
   * paths of `dX = b(t,X) dt + √ε dW` (mode "sde"). Same result shape as `BridgeModel.sample`.
   */
  sample(x0: Array2DLike, key: Key, options: LightSbSampleOptions = {}): IntegrationResult {
    const fn = "LightSb.sample";
    let x = this.points(x0, fn, "x0");
    check(x.rows > 0, fn, "x0", "is empty");
    const mode = options.mode ?? "exact";
    check(mode === "exact" || mode === "sde", fn, "mode", `must be "exact" or "sde" for a LightSB model (got ${String(mode)})`);
    const direction = options.direction ?? "forward";
    check(direction === "forward", fn, "direction", `"${String(direction)}" is not supported: LightSB models only π(y|x); sampling target → source needs the source law`);
    const perPoint = checkInteger(options.perPoint ?? 1, fn, "perPoint", 1);
    if (mode === "exact") {
      const y = this.sampleConditional(key, x, perPoint);
      const start = perPoint === 1 ? x : repeatRows(x, perPoint);
      return { final: y, grid: Float64Array.of(0, 1), times: Float64Array.of(0, 1), states: [start, y] };
    }
    if (perPoint > 1) x = repeatRows(x, perPoint);
    const sigma = Math.sqrt(this.epsilon);
    const steps = checkInteger(options.steps ?? 100, fn, "steps", 1);
    return integrateSde({ drift: (t, xt) => this.drift(t, xt), diffusion: () => sigma }, x, key, { steps, saveEvery: options.saveEvery });
  }

  /** `[n, K]` log α_k + (xᵀS_k x + 2 r_kᵀx)/(2ε). */
  private planLogTerms(pts: Array2D): Float64Array {
    const { components: K, dimension: d, epsilon } = this;
    const { logWeights, means } = this.parameters;
    const s = this.scales();
    const out = new Float64Array(pts.rows * K);
    for (let i = 0; i < pts.rows; i++) {
      for (let k = 0; k < K; k++) {
        let q = 0;
        for (let j = 0; j < d; j++) {
          const xj = pts.data[i * d + j];
          q += xj * (s[k * d + j] * xj + 2 * means[k * d + j]);
        }
        out[i * K + k] = logWeights[k] + q / (2 * epsilon);
      }
    }
    return out;
  }

  private componentMeans(pts: Array2D, s: Float64Array): Array2D {
    const { components: K, dimension: d } = this;
    const r = this.parameters.means;
    const out = new Float64Array(pts.rows * K * d);
    for (let i = 0; i < pts.rows; i++) {
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) out[(i * K + k) * d + j] = r[k * d + j] + s[k * d + j] * pts.data[i * d + j];
    }
    return array2d(out, pts.rows * K, d);
  }

  private points(x: Array2DLike, fn: string, argument = "x"): Array2D {
    const pts = toArray2D(x, fn, argument);
    check(pts.cols === this.dimension, fn, argument, `has ${pts.cols} columns, the model is ${this.dimension}-dimensional`);
    checkAllFinite(pts.data, fn, argument, pts.cols);
    return pts;
  }
}

/** Each row of `x` repeated `k` times consecutively. */
function repeatRows(x: Array2D, k: number): Array2D {
  const d = x.cols;
  const out = new Float64Array(x.rows * k * d);
  for (let i = 0; i < x.rows; i++) for (let r = 0; r < k; r++) out.set(x.data.subarray(i * d, (i + 1) * d), (i * k + r) * d);
  return array2d(out, x.rows * k, d);
}
