/**
 * The inner loops of point-cloud Sinkhorn: streaming log-sum-exp sweeps over pairs with costs computed on the
 * fly, O(n + m) memory. Pure functions over flat typed arrays so the same code runs on the main thread and in
 * `worker_threads` (which each take a block of rows).
 *
 * With `c(x,y) = ½‖x‖² + ½‖y‖² − x·y`, the Sinkhorn update `f_i = −ε LSE_j(log b_j + (g_j − c_ij)/ε)` becomes
 * `f_i = ½‖x_i‖² − ε L_i` with `L_i = LSE_j(h_j + x_i·y_j / ε)` and `h_j = log b_j + (g_j − ½‖y_j‖²)/ε`, so the
 * per-pair work is one dot product, one compare and (for pairs that matter) one `exp`.
 *
 * Each row is summed around a shift `s_i` (the previous `L_i`). Terms with `v − s_i < −60` are skipped; the result
 * is accepted only when the shifted sum lies in `[1e-3, 1e290]`, which bounds the skipped mass by
 * `m·e^{−60}/1e-3 < 1e-17` relative (for m ≤ 1e6). Otherwise the row is recomputed exactly in two passes around
 * its maximum. So the result equals the exact log-sum-exp to float64 rounding; the shift only saves work.
 * Exponentials use the table-driven {@link fastExp} (within 1e-15 relative of `Math.exp`, about 3× faster).
 */

import { fastExp } from "./fastExp.js";

/** Terms below `shift − SKIP` are negligible (`e^{−60} ≈ 8.8e−27`). */
const SKIP = 60;
const ACCEPT_MIN = 1e-3;
const ACCEPT_MAX = 1e290;

function exactRow(q: Float64Array, keys: Float64Array, d: number, nk: number, h: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < nk; j++) {
    let dot = 0;
    const o = j * d;
    for (let k = 0; k < d; k++) dot += q[k] * keys[o + k];
    const v = h[j] + dot;
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  let acc = 0;
  for (let j = 0; j < nk; j++) {
    let dot = 0;
    const o = j * d;
    for (let k = 0; k < d; k++) dot += q[k] * keys[o + k];
    const t = h[j] + dot - max;
    if (t > -SKIP) acc += fastExp(t);
  }
  return max + Math.log(acc);
}

function shiftedRow2(q0: number, q1: number, keys: Float64Array, nk: number, h: Float64Array, s: number): number {
  let acc = 0;
  for (let j = 0; j < nk; j++) {
    const t = h[j] + q0 * keys[2 * j] + q1 * keys[2 * j + 1] - s;
    if (t > -SKIP) acc += fastExp(t);
  }
  return acc;
}

function shiftedRowD(q: Float64Array, keys: Float64Array, d: number, nk: number, h: Float64Array, s: number): number {
  let acc = 0;
  const d4 = d - (d % 4);
  for (let j = 0; j < nk; j++) {
    const o = j * d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let k = 0;
    for (; k < d4; k += 4) {
      a0 += q[k] * keys[o + k];
      a1 += q[k + 1] * keys[o + k + 1];
      a2 += q[k + 2] * keys[o + k + 2];
      a3 += q[k + 3] * keys[o + k + 3];
    }
    for (; k < d; k++) a0 += q[k] * keys[o + k];
    const t = h[j] + (a0 + a1) + (a2 + a3) - s;
    if (t > -SKIP) acc += fastExp(t);
  }
  return acc;
}

/**
 * For query rows `i ∈ [r0, r1)`: `out[i] = LSE_j (h[j] + invEps · queries_i · keys_j)` over `nk` keys of
 * dimension `d`. `shift[i]` is read as the centring guess and overwritten with the result.
 * Returns how many rows needed the exact two-pass fallback (a diagnostic).
 */
export function lseRows(
  queries: Float64Array,
  keys: Float64Array,
  d: number,
  nk: number,
  h: Float64Array,
  invEps: number,
  shift: Float64Array,
  out: Float64Array,
  r0: number,
  r1: number,
): number {
  const q = new Float64Array(d);
  let fallbacks = 0;
  for (let i = r0; i < r1; i++) {
    for (let k = 0; k < d; k++) q[k] = queries[i * d + k] * invEps;
    const s = shift[i];
    let acc = 0;
    if (Number.isFinite(s)) acc = d === 2 ? shiftedRow2(q[0], q[1], keys, nk, h, s) : shiftedRowD(q, keys, d, nk, h, s);
    let value: number;
    if (acc >= ACCEPT_MIN && acc <= ACCEPT_MAX) {
      value = s + Math.log(acc);
    } else {
      value = exactRow(q, keys, d, nk, h);
      fallbacks++;
    }
    out[i] = value;
    shift[i] = value;
  }
  return fallbacks;
}

/**
 * For rows `i ∈ [r0, r1)` of the plan `P_ij = exp(rowConst_i + colConst_j − c(x_i, y_j)/ε)` (with
 * `rowConst_i = log a_i + f_i/ε`, `colConst_j = log b_j + g_j/ε`): writes row sums to `rowSums[i]`, adds column
 * sums into `colSums[j]`, and returns `Σ P_ij c_ij`. The cost is computed directly as `½Σ_k (x_ik − y_jk)²`.
 * Entries with `log P < −100` are skipped (total at most n·m·e^{−100}, far below float64 resolution of a
 * unit-mass plan).
 */
export function planRows(
  xs: Float64Array,
  ys: Float64Array,
  d: number,
  m: number,
  rowConst: Float64Array,
  colConst: Float64Array,
  invEps: number,
  rowSums: Float64Array,
  colSums: Float64Array,
  r0: number,
  r1: number,
): number {
  let transport = 0;
  for (let i = r0; i < r1; i++) {
    let rs = 0;
    let rc = 0;
    const oi = i * d;
    const ri = rowConst[i];
    for (let j = 0; j < m; j++) {
      let c = 0;
      const oj = j * d;
      for (let k = 0; k < d; k++) {
        const diff = xs[oi + k] - ys[oj + k];
        c += diff * diff;
      }
      c *= 0.5;
      const lp = ri + colConst[j] - c * invEps;
      if (lp < -100) continue;
      const p = fastExp(lp);
      rs += p;
      colSums[j] += p;
      rc += p * c;
    }
    rowSums[i] = rs;
    transport += rc;
  }
  return transport;
}
