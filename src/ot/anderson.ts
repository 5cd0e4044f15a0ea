/**
 * Anderson acceleration (Anderson 1965; type II as in Walker & Ni 2011, "Anderson acceleration for fixed-point
 * iterations") of the balanced Sinkhorn iteration, seen as a fixed-point map on the source potential
 *
 *   F(f) = f̂(ĝ(f)),   ĝ = the target half-step from f,   f̂ = the source half-step from ĝ,
 *
 * with residual `r(f) = (F(f) − f)/ε` measured in the weighted norm `‖r‖² = Σ_i ā_i r_i²` (ā the normalized source
 * weights; the L1 marginal error of the pair (f, ĝ(f)) is `Σ_i ā_i |e^{r_i} − 1|`, about `Σ ā_i |r_i|`). Keeping the
 * last k + 1 pairs (F(f_l), r_l), the next iterate is
 *
 *   γ = argmin_γ ‖r_k − ΔR γ‖²  (ΔR the consecutive differences of the residuals),
 *   f_{k+1} = F(f_k) − ΔF γ      (ΔF those of the F values),
 *
 * solved through the normal equations `ΔRᵀ W ΔR γ = ΔRᵀ W r_k`, with the columns scaled to unit norm and a Tikhonov
 * term `1e-12` on the scaled diagonal. Forming `ΔRᵀ W ΔR` squares the condition number (a QR of ΔR would not), which
 * costs a step or two on a linear map (test: dim + 3 steps instead of GMRES's dim + 1) but keeps each step
 * O(depth · n): the Gram matrix is updated by one row per step. The order of the stored differences does not matter
 * (the least-squares solution is the same for any ordering of the columns of ΔR and ΔF), so they live in a ring
 * buffer. Memory: 2 · depth + 3 vectors of length n.
 *
 * This is the "regularized nonlinear acceleration" of Sinkhorn mentioned by Thibault, Chizat, Dossal & Papadakis
 * 2021 (§1); the caller safeguards it (a step whose error jumps is undone, see `sinkhornSteps`).
 */

import { choleskyOrUndefined, choleskySolveWith } from "../core/cholesky.js";

/** Tikhonov regularization of the column-scaled normal equations (unit diagonal). */
const TIKHONOV = 1e-12;

/** The history of one acceleration run (reset at every ε stage and precision switch). */
export class Anderson {
  private readonly depth: number;
  private readonly weights: Float64Array;
  /** The previous F(f) and weighted residual √ā ⊙ r. */
  private readonly lastValue: Float64Array;
  private readonly lastResidual: Float64Array;
  /** Ring buffers of the differences ΔF and ΔR (slot l holds the l-th stored difference). */
  private readonly dValues: Float64Array[];
  private readonly dResiduals: Float64Array[];
  /** Gram matrix `ΔR_pᵀ ΔR_q` of the stored differences, by slot (`[depth, depth]`). */
  private readonly gram: Float64Array;
  /** Number of stored differences (≤ depth); −1 before the first step after a reset. */
  private stored = -1;
  private next = 0;

  /** `depth`: how many differences enter the least-squares problem; `weights`: the source weights (any scale). */
  constructor(depth: number, weights: ArrayLike<number>) {
    const n = weights.length;
    this.depth = depth;
    this.weights = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    for (let i = 0; i < n; i++) this.weights[i] = Math.sqrt(weights[i] / total);
    this.lastValue = new Float64Array(n);
    this.lastResidual = new Float64Array(n);
    this.dValues = Array.from({ length: depth }, () => new Float64Array(n));
    this.dResiduals = Array.from({ length: depth }, () => new Float64Array(n));
    this.gram = new Float64Array(depth * depth);
  }

  /** Forgets the history (the next {@link step} is a plain Sinkhorn step). */
  reset(): void {
    this.stored = -1;
    this.next = 0;
  }

  /**
   * Records the iterate `f` and its image `fHat = F(f)` at `1/ε = invEps`, and writes the next iterate into `out`
   * (which may alias neither input). Returns `true` when `out` is an extrapolation, `false` when it is the plain step
   * `fHat` (first step after a reset, or a degenerate least-squares problem). Cost O(depth · n) per step: the
   * Gram matrix is updated by one row, not recomputed.
   */
  step(f: Float64Array, fHat: Float64Array, invEps: number, out: Float64Array): boolean {
    const { weights, lastValue, lastResidual } = this;
    out.set(fHat);
    if (this.stored < 0) {
      firstResidual(weights, f, fHat, invEps, lastValue, lastResidual);
      this.stored = 0;
      return false;
    }
    // New differences into the next slot; the residual r_k is kept in lastResidual afterwards.
    const slot = this.next;
    const dr = this.dResiduals[slot];
    differences(weights, f, fHat, invEps, lastValue, lastResidual, this.dValues[slot], dr);
    this.next = (slot + 1) % this.depth;
    this.stored = Math.min(this.stored + 1, this.depth);
    const k = this.stored;
    const d = this.depth;
    const rhs = new Float64Array(k);
    for (let q = 0; q < k; q++) {
      const other = this.dResiduals[q];
      const s = dot(dr, other);
      this.gram[slot * d + q] = s;
      this.gram[q * d + slot] = s;
      rhs[q] = dot(other, lastResidual);
    }
    // Normal equations with the columns scaled to unit norm (the differences shrink geometrically, so their norms
    // span orders of magnitude), plus the Tikhonov term: (S G S + λ I) y = S b, γ = S y.
    const scale = new Float64Array(k);
    for (let p = 0; p < k; p++) {
      const norm2 = this.gram[p * d + p];
      if (!(norm2 > 0 && norm2 < Infinity)) return false;
      scale[p] = 1 / Math.sqrt(norm2);
    }
    const a = new Float64Array(k * k);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p * k + q] = scale[p] * this.gram[p * d + q] * scale[q];
      a[p * k + p] += TIKHONOV;
      rhs[p] *= scale[p];
    }
    const factor = choleskyOrUndefined(a, k);
    if (factor === undefined) return false;
    const gamma = choleskySolveWith(factor, rhs, k);
    for (let p = 0; p < k; p++) subtractScaled(out, gamma[p] * scale[p], this.dValues[p]);
    if (!allFinite(out)) {
      out.set(fHat);
      return false;
    }
    return true;
  }
}

// The O(n) loops are small leaf functions (shared across calls and slots): V8 optimizes them after a few calls,
// while one large `step` took ≈ 15 ms to compile and ran in the interpreter for most of a short solve
// (n = 1000: ≈ 2 ms per step cold).

/** `lastValue = F(f)`, `lastResidual = √ā ⊙ (F(f) − f)/ε`. */
function firstResidual(w: Float64Array, f: Float64Array, fHat: Float64Array, invEps: number, lastValue: Float64Array, lastResidual: Float64Array): void {
  for (let i = 0; i < f.length; i++) {
    lastValue[i] = fHat[i];
    lastResidual[i] = w[i] * (fHat[i] - f[i]) * invEps;
  }
}

/** The new differences `dv = F(f) − lastValue`, `dr = r − lastResidual`, then `lastValue, lastResidual ← F(f), r`. */
function differences(
  w: Float64Array, f: Float64Array, fHat: Float64Array, invEps: number,
  lastValue: Float64Array, lastResidual: Float64Array, dv: Float64Array, dr: Float64Array,
): void {
  for (let i = 0; i < f.length; i++) {
    const r = w[i] * (fHat[i] - f[i]) * invEps;
    dr[i] = r - lastResidual[i];
    dv[i] = fHat[i] - lastValue[i];
    lastResidual[i] = r;
    lastValue[i] = fHat[i];
  }
}

function dot(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] * q[i];
  return s;
}

/** `out −= g · v`. */
function subtractScaled(out: Float64Array, g: number, v: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] -= g * v[i];
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
