/**
 * Inner loops of the dense (tensorized) Sinkhorn backend over a cached row-major `[n, m]` stabilized kernel
 *
 *   K̃_ij = exp((f̃_i + g̃_j − c_ij)/ε),   c_ij = ½‖x_i − y_j‖² = ½‖x_i‖² + ½‖y_j‖² − x_i·y_j,
 *
 * for stabilizing potentials (f̃, g̃) (Schmitzer 2019, "Stabilized sparse scaling algorithms for entropy
 * regularized transport problems", §3). Pure functions over flat typed arrays and row ranges `[r0, r1)`, like
 * `lseKernel`, so they can run on any thread. Costs use the expanded form on centred points, as the online sweeps do.
 */

import { fastExp } from "./fastExp.js";

/** Plan entries below `e^{−100}` are skipped in {@link kernelPlanRows}, as in the online plan pass. */
const PLAN_SKIP = Math.exp(-100);

/**
 * Kernel entries below `e^{KERNEL_FLOOR}` are stored as 0. Subnormal numbers make x86 arithmetic 10–100× slower,
 * and with entries ≥ e^{−600} every product with a scaling ≥ e^{−80} stays normal. The dense backend accounts for
 * the flushed mass in its error bound.
 */
export const KERNEL_FLOOR = -600;
/**
 * The floor of a kernel stored in float32 (`denseStore.ts`, precision `"single"`): float32 is normal down to
 * `e^{−87.3}`; the products of `rescale` are computed in float64 and flushed below this before rounding.
 */
export const KERNEL_FLOOR_SINGLE = -80;

/** The kernel floor for float32 (`single`) or float64 storage. */
export function kernelFloor(single: boolean): number {
  return single ? KERNEL_FLOOR_SINGLE : KERNEL_FLOOR;
}
const FLUSH = Math.exp(KERNEL_FLOOR);
const FLUSH_SQRT = Math.exp(KERNEL_FLOOR / 2);

/** `exp(t)`, or 0 below the floor. */
function entry(t: number): number {
  return t < KERNEL_FLOOR ? 0 : fastExp(t);
}

/**
 * Exact build of rows `[r0, r1)`: `K_ij = exp(alpha_i + beta_j + invEps · x_i·y_j)` with
 * `alpha_i = (f̃_i − ½‖x_i‖²)/ε`, `beta_j = (g̃_j − ½‖y_j‖²)/ε` (centred points `xs` `[n, d]`, `ys` `[m, d]`).
 * For d > 2 the dot products run in 2×2 blocks (two rows share each load of `y_j`), about 2× faster than one pair
 * at a time.
 */
export function buildKernelRows(
  kernel: Float64Array, xs: Float64Array, ys: Float64Array, d: number, m: number,
  alpha: Float64Array, beta: Float64Array, invEps: number, r0: number, r1: number,
): void {
  if (d === 2) {
    for (let i = r0; i < r1; i++) {
      const q0 = xs[2 * i] * invEps;
      const q1 = xs[2 * i + 1] * invEps;
      const ai = alpha[i];
      const o = i * m;
      for (let j = 0; j < m; j++) kernel[o + j] = entry(ai + beta[j] + q0 * ys[2 * j] + q1 * ys[2 * j + 1]);
    }
    return;
  }
  const q = new Float64Array(2 * d);
  let i = r0;
  for (; i + 1 < r1; i += 2) {
    for (let k = 0; k < d; k++) {
      q[k] = xs[i * d + k] * invEps;
      q[d + k] = xs[(i + 1) * d + k] * invEps;
    }
    const oa = i * m;
    const ob = oa + m;
    const aa = alpha[i];
    const ab = alpha[i + 1];
    let j = 0;
    for (; j + 1 < m; j += 2) {
      const oc = j * d;
      const od = oc + d;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < d; k++) {
        const xa = q[k];
        const xb = q[d + k];
        const yc = ys[oc + k];
        const yd = ys[od + k];
        s00 += xa * yc;
        s01 += xa * yd;
        s10 += xb * yc;
        s11 += xb * yd;
      }
      const bc = beta[j];
      const bd = beta[j + 1];
      kernel[oa + j] = entry(aa + bc + s00);
      kernel[oa + j + 1] = entry(aa + bd + s01);
      kernel[ob + j] = entry(ab + bc + s10);
      kernel[ob + j + 1] = entry(ab + bd + s11);
    }
    if (j < m) {
      kernel[oa + j] = entry(aa + beta[j] + dot(q, 0, ys, j * d, d));
      kernel[ob + j] = entry(ab + beta[j] + dot(q, d, ys, j * d, d));
    }
  }
  if (i < r1) {
    for (let k = 0; k < d; k++) q[k] = xs[i * d + k] * invEps;
    for (let j = 0; j < m; j++) kernel[i * m + j] = entry(alpha[i] + beta[j] + dot(q, 0, ys, j * d, d));
  }
}

function dot(p: Float64Array, po: number, q: Float64Array, qo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += p[po + k] * q[qo + k];
  return s;
}

/**
 * In-place rank-one update of rows `[r0, r1)`: `K_ij ← K_ij · rowFactor_i · colFactor_j`, squared afterwards when
 * `square` is set. With factors `exp((f_i − f̃_i)/ε)`, `exp((g_j − g̃_j)/ε)` this absorbs the scalings into the
 * stabilizers (f̃, g̃ ← f, g); with `square` it also moves the kernel from ε to ε/2, since
 * `exp((f + g − c)/(ε/2)) = (exp((f̃ + g̃ − c)/ε) · e^{(f−f̃)/ε} · e^{(g−g̃)/ε})²`. No `exp` per pair.
 * Results below `e^{KERNEL_FLOOR}` are flushed to 0.
 */
export function rescaleKernelRows(
  kernel: Float64Array, m: number, rowFactor: Float64Array, colFactor: Float64Array, square: boolean, r0: number, r1: number,
): void {
  for (let i = r0; i < r1; i++) {
    const ri = rowFactor[i];
    const o = i * m;
    if (square) {
      for (let j = 0; j < m; j++) {
        const v = kernel[o + j] * ri * colFactor[j];
        kernel[o + j] = v < FLUSH_SQRT ? 0 : v * v;
      }
    } else {
      for (let j = 0; j < m; j++) {
        const v = kernel[o + j] * ri * colFactor[j];
        kernel[o + j] = v < FLUSH ? 0 : v;
      }
    }
  }
}

/** `out_i = Σ_j K_ij w_j` for rows `[r0, r1)` (four partial sums per row). */
export function kernelTimesVector(kernel: Float64Array, m: number, w: Float64Array, out: Float64Array, r0: number, r1: number): void {
  const m4 = m - (m % 4);
  for (let i = r0; i < r1; i++) {
    const o = i * m;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < m4; j += 4) {
      s0 += kernel[o + j] * w[j];
      s1 += kernel[o + j + 1] * w[j + 1];
      s2 += kernel[o + j + 2] * w[j + 2];
      s3 += kernel[o + j + 3] * w[j + 3];
    }
    for (; j < m; j++) s0 += kernel[o + j] * w[j];
    out[i] = (s0 + s1) + (s2 + s3);
  }
}

/**
 * `out_j += Σ_{i ∈ [r0, r1)} K_ij w_i` for all `j < m` (the caller zeroes `out`). Four rows at a time, so each
 * `out_j` is loaded and stored once per four kernel entries.
 */
export function kernelTransposeTimesVector(kernel: Float64Array, m: number, w: Float64Array, out: Float64Array, r0: number, r1: number): void {
  let i = r0;
  for (; i + 3 < r1; i += 4) {
    const w0 = w[i];
    const w1 = w[i + 1];
    const w2 = w[i + 2];
    const w3 = w[i + 3];
    const o0 = i * m;
    const o1 = o0 + m;
    const o2 = o1 + m;
    const o3 = o2 + m;
    for (let j = 0; j < m; j++) out[j] += (kernel[o0 + j] * w0 + kernel[o1 + j] * w1) + (kernel[o2 + j] * w2 + kernel[o3 + j] * w3);
  }
  for (; i < r1; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const o = i * m;
    for (let j = 0; j < m; j++) out[j] += kernel[o + j] * wi;
  }
}

/**
 * Plan pass over rows `[r0, r1)` of `P_ij = rowScale_i · K_ij · colScale_j` (with `rowScale_i = a_i e^{(f_i−f̃_i)/ε}`,
 * `colScale_j = b_j e^{(g_j−g̃_j)/ε}`): writes row sums, adds column sums into `colSums`, returns `Σ P_ij c_ij` with
 * the cost of entries above `e^{−100}` read back from the kernel, `c_ij = f̃_i + g̃_j − ε log K_ij` (one `log`
 * instead of a d-dimensional distance; used for large d, see `denseSweeps`).
 */
export function kernelPlanRows(
  kernel: Float64Array, m: number, rowScale: Float64Array, colScale: Float64Array, fTilde: Float64Array,
  gTilde: Float64Array, epsilon: number, rowSums: Float64Array, colSums: Float64Array, r0: number, r1: number,
): number {
  let transport = 0;
  for (let i = r0; i < r1; i++) {
    const ri = rowScale[i];
    const fi = fTilde[i];
    const o = i * m;
    let rs = 0;
    let rc = 0;
    for (let j = 0; j < m; j++) {
      const k = kernel[o + j];
      const p = ri * k * colScale[j];
      if (!(p >= PLAN_SKIP)) continue;
      rs += p;
      colSums[j] += p;
      rc += p * (fi + gTilde[j] - epsilon * Math.log(k));
    }
    rowSums[i] = rs;
    transport += rc;
  }
  return transport;
}
