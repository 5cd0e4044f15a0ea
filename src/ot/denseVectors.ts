/**
 * The O(n) loops of the dense backend (`denseSweeps.ts`) as small leaf functions, each shared by both sides (rows
 * and columns): V8 optimizes a small function after a few calls, while loops inside the backend's larger methods
 * (called once per sweep) ran in the interpreter for most of a short solve (n = m = 1000: ≈ 1 ms per sweep cold).
 * Same operations in the same order as the inline loops they replace.
 */

/** `max_k |p_k − q_k|`. */
export function maxAbsDifference(p: Float64Array, q: Float64Array): number {
  let worst = 0;
  for (let k = 0; k < p.length; k++) worst = Math.max(worst, Math.abs(p[k] - q[k]));
  return worst;
}

/** `out_k = (pot_k − halfSq_k) · invEps`: a build's `alpha` (or `beta`). */
export function exponentOffsets(out: Float64Array, pot: Float64Array, halfSq: Float64Array, invEps: number): void {
  for (let k = 0; k < pot.length; k++) out[k] = (pot[k] - halfSq[k]) * invEps;
}

/** `out_k = (pot_k − potTilde_k) · invEps`; returns their maximum and largest magnitude (`span`). */
export function scalingExponents(out: Float64Array, pot: Float64Array, potTilde: Float64Array, invEps: number): { max: number; span: number } {
  let max = -Infinity;
  let span = 0;
  for (let k = 0; k < pot.length; k++) {
    const t = (pot[k] - potTilde[k]) * invEps;
    out[k] = t;
    max = Math.max(max, t);
    span = Math.max(span, Math.abs(t));
  }
  return { max, span };
}

/** `v_k ← exp(v_k)`. */
export function expInPlace(v: Float64Array): void {
  for (let k = 0; k < v.length; k++) v[k] = Math.exp(v[k]);
}

/** `w_k = weight_k · exp((pot_k − potTilde_k) · invEps)` (a sweep's input); returns `Σ w`. */
export function scaledWeights(w: Float64Array, weight: Float64Array, pot: Float64Array, potTilde: Float64Array, invEps: number): number {
  let total = 0;
  for (let k = 0; k < pot.length; k++) {
    w[k] = weight[k] * Math.exp((pot[k] - potTilde[k]) * invEps);
    total += w[k];
  }
  return total;
}

/**
 * Where `floor < s_k < ∞`: `out_k = shift_k = log s_k + (halfSq_k − potTilde_k) · invEps` (a sweep's log-sums).
 * Returns how many sums were not accepted (their entries are left for the exact fallback).
 */
export function logSums(
  s: Float64Array, floor: number, halfSq: Float64Array, potTilde: Float64Array, invEps: number, out: Float64Array, shift: Float64Array,
): number {
  let bad = 0;
  for (let k = 0; k < s.length; k++) {
    if (s[k] > floor && s[k] < Infinity) {
      out[k] = Math.log(s[k]) + (halfSq[k] - potTilde[k]) * invEps;
      shift[k] = out[k];
    } else bad++;
  }
  return bad;
}
