/**
 * LightSB's maximum-likelihood objective and its gradient, derived by hand (float64, on the host). For a source
 * batch `x_1..x_B ~ p0` and a target batch `y_1..y_B ~ p1` (Korotin et al., ICLR 2024, eq. 13; equal to
 * `KL(π* ‖ π_θ)` up to a constant):
 *
 *   L(θ) = (1/B) Σ_b log c_θ(x_b) − (1/B) Σ_b log v_θ(y_b),
 *   log c_θ(x) = LSE_k ℓ_k(x),  ℓ_k(x) = a_k + Σ_j (s_kj x_j² + 2 r_kj x_j)/(2ε),
 *   log v_θ(y) = LSE_k m_k(y),  m_k(y) = a_k − ½ Σ_j [log(2π ε s_kj) + (y_j − r_kj)²/(ε s_kj)],
 *
 * with parameters `a_k = log α_k`, `r_kj` and `l_kj = log s_kj`. With the softmax weights `γ_bk` of ℓ and `η_bk`
 * of m:
 *
 *   ∂L/∂a_k  = (1/B) Σ_b (γ_bk − η_bk),
 *   ∂L/∂r_kj = (1/B) Σ_b [γ_bk x_bj/ε − η_bk (y_bj − r_kj)/(ε s_kj)],
 *   ∂L/∂l_kj = (1/B) Σ_b [γ_bk s_kj x_bj²/(2ε) + η_bk (½ − (y_bj − r_kj)²/(2ε s_kj))].
 */
import type { Array2D } from "../../core/array2d.js";
import type { LightSbParameters } from "./lightSbModel.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** The loss and its gradient (same layout as {@link LightSbParameters}). */
export interface LightSbLoss {
  readonly loss: number;
  readonly gradient: LightSbParameters;
}

/** The objective and its gradient at `θ` on a source batch `x` and a target batch `y` (both `[B, d]`). */
export function lightSbLoss(theta: LightSbParameters, epsilon: number, x: Array2D, y: Array2D): LightSbLoss {
  const K = theta.logWeights.length;
  const d = theta.means.length / K;
  const { logWeights: a, means: r, logScales: l } = theta;
  const s = l.map(Math.exp);
  const gA = new Float64Array(K);
  const gR = new Float64Array(K * d);
  const gL = new Float64Array(K * d);
  const gx1 = new Float64Array(K * d); // Σ_b γ_bk x_bj
  const gx2 = new Float64Array(K * d); // Σ_b γ_bk x_bj²
  const hy1 = new Float64Array(K * d); // Σ_b η_bk y_bj
  const hy2 = new Float64Array(K * d); // Σ_b η_bk y_bj²
  const nx = new Float64Array(K);
  const ny = new Float64Array(K);
  const terms = new Float64Array(K);
  const inv2e = 1 / (2 * epsilon);
  let sourceSum = 0;
  let targetSum = 0;

  const xd = x.data;
  const yd = y.data;
  // Source part: log c_θ(x).
  for (let b = 0; b < x.rows; b++) {
    const xo = b * d;
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      let q = 0;
      const ko = k * d;
      for (let j = 0; j < d; j++) {
        const xj = xd[xo + j];
        q += xj * (s[ko + j] * xj + 2 * r[ko + j]);
      }
      const t = a[k] + q * inv2e;
      terms[k] = t;
      if (t > best) best = t;
    }
    sourceSum += best + accumulate(terms, K, best, xd, xo, d, gx1, gx2, nx);
  }
  // Target part: −log v_θ(y).
  const constant = new Float64Array(K);
  const precision = new Float64Array(K * d);
  for (let k = 0; k < K; k++) {
    let logDet = 0;
    for (let j = 0; j < d; j++) {
      logDet += l[k * d + j];
      precision[k * d + j] = 1 / (epsilon * s[k * d + j]);
    }
    constant[k] = a[k] - 0.5 * (logDet + d * (Math.log(epsilon) + LOG_2PI));
  }
  for (let b = 0; b < y.rows; b++) {
    const yo = b * d;
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      let q = 0;
      const ko = k * d;
      for (let j = 0; j < d; j++) {
        const diff = yd[yo + j] - r[ko + j];
        q += diff * diff * precision[ko + j];
      }
      const t = constant[k] - 0.5 * q;
      terms[k] = t;
      if (t > best) best = t;
    }
    targetSum += best + accumulate(terms, K, best, yd, yo, d, hy1, hy2, ny);
  }

  const bx = 1 / x.rows;
  const by = 1 / y.rows;
  for (let k = 0; k < K; k++) {
    gA[k] = nx[k] * bx - ny[k] * by;
    for (let j = 0; j < d; j++) {
      const i = k * d + j;
      const rk = r[i];
      // Σ_b η (y − r) and Σ_b η (y − r)² from the moments of y under η.
      const m1 = hy1[i] - rk * ny[k];
      const m2 = hy2[i] - 2 * rk * hy1[i] + rk * rk * ny[k];
      gR[i] = (gx1[i] / epsilon) * bx - m1 * precision[i] * by;
      gL[i] = gx2[i] * s[i] * inv2e * bx + (0.5 * ny[k] - 0.5 * m2 * precision[i]) * by;
    }
  }
  return { loss: sourceSum * bx - targetSum * by, gradient: { logWeights: gA, means: gR, logScales: gL } };
}

/** Softmax terms more than this far below the maximum (weight < e^−32 ≈ 1.3e-14) are dropped from the sums. */
const NEGLIGIBLE = -32;

/**
 * Softmax of `terms` (shifted by `best`), accumulating `Σ w`, `Σ w v` and `Σ w v²` of the row `v = data[o..o+d)`
 * into `n`, `m1`, `m2`; returns `log Σ_k exp(terms_k − best)`. Components whose weight is below e^−32 relative to
 * the largest are skipped (a relative change of the sums below K·1.3e-14), which makes peaked posteriors in high
 * dimension cheap.
 */
function accumulate(terms: Float64Array, K: number, best: number, data: Float64Array, o: number, d: number, m1: Float64Array, m2: Float64Array, n: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const z = terms[k] - best;
    const e = z < NEGLIGIBLE ? 0 : Math.exp(z);
    terms[k] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let k = 0; k < K; k++) {
    if (terms[k] === 0) continue;
    const w = terms[k] * inv;
    n[k] += w;
    const ko = k * d;
    for (let j = 0; j < d; j++) {
      const v = data[o + j];
      const wv = w * v;
      m1[ko + j] += wv;
      m2[ko + j] += wv * v;
    }
  }
  return Math.log(sum);
}
