/**
 * Exact discrete optimal transport between weighted measures of any sizes by the primal network simplex on the
 * transportation problem (Bonneel, van de Panne, Paris & Heidrich 2011, as in POT's `emd`; LEMON's
 * `NetworkSimplex` with block-search pricing; Cunningham 1976 strongly feasible trees against cycling):
 *
 *   min_P Σ_ij C_ij P_ij   s.t.  P ≥ 0,  P·1 = a,  Pᵀ·1 = b,
 *
 * with the dual  max Σ a_i f_i + Σ b_j g_j  s.t.  f_i + g_j ≤ C_ij.
 */
import { checkAllFinite, toArray2D, type Array2DLike } from "../../core/array2d.js";
import { check, checkInteger } from "../../core/errors.js";
import { integerMasses, massTotal } from "./integerMasses.js";
import { sparsePlan, type SparsePlan } from "./sparsePlan.js";
import { transportSimplex } from "./transportSimplex.js";
import { normalizedWeights } from "./weights.js";

/** Options of {@link networkSimplex}. */
export interface NetworkSimplexOptions {
  /** Pivot limit; when reached the result has `converged: false` (no exception). Default `100·(n+m) + 10⁵`. */
  maxIterations?: number;
  /** Arcs priced per block of the block search. Default `max(10, ⌈√(n·m)⌉)` as in LEMON. */
  blockSize?: number;
}

/** An exact OT solution with its dual certificate. */
export interface NetworkSimplexResult {
  /** The optimal plan: at most `n + m − 1` nonzero entries, marginals `a` and `b` (to ~1e−15). */
  readonly plan: SparsePlan;
  /** Transport cost `Σ C_ij P_ij`. */
  readonly cost: number;
  /** Source potential `f` (length n): `f_i + g_j ≤ C_ij + tolerance`, equality where `P_ij > 0`. */
  readonly f: Float64Array;
  /** Target potential `g` (length m). Shifted so that `Σ a_i f_i = Σ b_j g_j` (each `cost / 2` at the optimum). */
  readonly g: Float64Array;
  /** Pivots made. */
  readonly iterations: number;
  /** Wall-clock time of the solve in milliseconds. */
  readonly elapsedMs: number;
  /**
   * True when optimal: no arc has reduced cost `C_ij − f_i − g_j < −tolerance`, with
   * `tolerance = 1e−11 · (max C − min C) + 1e−13 · max|C|`, so `cost` is within that tolerance of the optimum.
   * When false (pivot limit), `plan` is still feasible — flow left on artificial arcs is paired greedily — but
   * not optimal.
   */
  readonly converged: boolean;
}

/** Tolerance on reduced costs, relative to `max C − min C` ... */
const RANGE_TOLERANCE = 1e-11;
/** ... plus this much of `max|C_ij|`, above the rounding of potentials that carry a large cost offset. */
const MAGNITUDE_TOLERANCE = 1e-13;

/**
 * Solves the discrete OT problem between weights `a` (length n) and `b` (length m) for a dense cost matrix
 * `costs` `[n, m]` by the network simplex. Weights are relative (each is divided by its sum); zero weights are
 * allowed. Masses are handled as exact integers scaled to a total near 2^50 (see `integerMasses.ts`), so the
 * plan's marginals match `a` and `b` to about 1e−15. Time: typically a few pivots per node, each costing a
 * block of O(√(nm)) reduced costs plus the cycle and subtree updates — roughly O((n+m)·√(nm)) in practice;
 * memory O(n + m) besides the matrix (the matrix is copied only when some weights are zero).
 *
 * @throws SbkitInputError naming `networkSimplex` and the argument: weights that are not finite,
 * non-negative with a positive sum; a cost matrix of the wrong shape or with a non-finite entry; bad options.
 */
export function networkSimplex(
  sourceWeights: ArrayLike<number>,
  targetWeights: ArrayLike<number>,
  costs: Array2DLike,
  options: NetworkSimplexOptions = {},
): NetworkSimplexResult {
  const fn = "networkSimplex";
  check(isNonEmptyArray(sourceWeights), fn, "sourceWeights", "must be a non-empty array of numbers");
  check(isNonEmptyArray(targetWeights), fn, "targetWeights", "must be a non-empty array of numbers");
  const a = normalizedWeights(sourceWeights, sourceWeights.length, fn, "sourceWeights");
  const b = normalizedWeights(targetWeights, targetWeights.length, fn, "targetWeights");
  const matrix = toArray2D(costs, fn, "costs");
  check(matrix.rows === a.length && matrix.cols === b.length, fn, "costs", `has shape [${matrix.rows}, ${matrix.cols}], expected [${a.length}, ${b.length}]`);
  checkAllFinite(matrix.data, fn, "costs", matrix.cols);
  check(typeof options === "object" && options !== null, fn, "options", "must be an object");
  if (options.maxIterations !== undefined) checkInteger(options.maxIterations, fn, "maxIterations", 0);
  if (options.blockSize !== undefined) checkInteger(options.blockSize, fn, "blockSize", 1);
  return solveNetworkSimplex(a, b, matrix.data, options);
}

/**
 * {@link networkSimplex} without validation: `a`, `b` non-negative with unit sums, `c` a finite row-major
 * `[a.length, b.length]` matrix.
 */
export function solveNetworkSimplex(a: Float64Array, b: Float64Array, c: Float64Array, options: NetworkSimplexOptions = {}): NetworkSimplexResult {
  const started = performance.now();
  const n = a.length;
  const m = b.length;
  const total = massTotal(n, m);
  const qa = integerMasses(a, total);
  const qb = integerMasses(b, total);
  const rowsKept = positiveIndices(qa);
  const colsKept = positiveIndices(qb);
  const nk = rowsKept.length;
  const mk = colsKept.length;
  const compact = nk === n && mk === m ? c : compactCosts(c, m, rowsKept, colsKept);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < compact.length; k++) {
    if (compact[k] < min) min = compact[k];
    if (compact[k] > max) max = compact[k];
  }
  const range = max - min;
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  const maxIterations = options.maxIterations ?? 100 * (nk + mk) + 100_000;
  const blockSize = options.blockSize ?? Math.max(10, Math.ceil(Math.sqrt(nk * mk)));
  const supply = Float64Array.from(rowsKept, (i) => qa[i]);
  const demand = Float64Array.from(colsKept, (j) => qb[j]);
  // Any artificial cost above max C keeps flow off the root at the optimum (a unit through i → r → j costs more
  // than i → j); a margin of one cost range keeps it far above the tolerance while potentials stay small.
  const artificialCost = max + (range > 0 ? range : Math.max(magnitude, 1));
  const tolerance = RANGE_TOLERANCE * range + MAGNITUDE_TOLERANCE * magnitude;
  const run = transportSimplex(compact, nk, mk, supply, demand, artificialCost, tolerance, maxIterations, blockSize);
  const { tree } = run;
  const source: number[] = [];
  const target: number[] = [];
  const mass: number[] = [];
  const strandedSupply: number[] = [];
  const strandedDemand: number[] = [];
  for (let w = 0; w < nk + mk; w++) {
    const p = tree.parent[w];
    const flow = tree.flow[w];
    if (flow <= 0) continue;
    if (p === tree.root) {
      (w < nk ? strandedSupply : strandedDemand).push(w);
      continue;
    }
    source.push(rowsKept[w < nk ? w : p]);
    target.push(colsKept[w < nk ? p - nk : w - nk]);
    mass.push(flow / total);
  }
  pairStranded(tree.flow, total, strandedSupply, strandedDemand, nk, rowsKept, colsKept, source, target, mass);
  const plan = sparsePlan(n, m, source, target, mass);
  let cost = 0;
  for (let k = 0; k < plan.mass.length; k++) cost += plan.mass[k] * c[plan.sourceIndex[k] * m + plan.targetIndex[k]];
  const { f, g } = potentials(tree.pi, c, a, b, rowsKept, colsKept);
  return { plan, cost, f, g, iterations: run.iterations, converged: run.converged, elapsedMs: performance.now() - started };
}

function isNonEmptyArray(w: unknown): w is ArrayLike<number> {
  return typeof w === "object" && w !== null && typeof (w as ArrayLike<number>).length === "number" && (w as ArrayLike<number>).length > 0;
}

function positiveIndices(q: Float64Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < q.length; i++) if (q[i] > 0) out.push(i);
  return Int32Array.from(out);
}

function compactCosts(c: Float64Array, m: number, rows: Int32Array, cols: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  for (let r = 0; r < rows.length; r++) for (let s = 0; s < cols.length; s++) out[r * cols.length + s] = c[rows[r] * m + cols[s]];
  return out;
}

/**
 * Only for a run stopped by the pivot limit: flow still routed `i → root → j` is paired greedily (north-west
 * corner over the stranded nodes) so the returned plan is feasible. Balanced integer masses make the totals equal.
 */
function pairStranded(
  flow: Float64Array,
  total: number,
  supplyNodes: number[],
  demandNodes: number[],
  nk: number,
  rowsKept: Int32Array,
  colsKept: Int32Array,
  source: number[],
  target: number[],
  mass: number[],
): void {
  const left = Float64Array.from(supplyNodes, (w) => flow[w]);
  const right = Float64Array.from(demandNodes, (w) => flow[w]);
  for (let s = 0, t = 0; s < left.length && t < right.length; ) {
    const moved = Math.min(left[s], right[t]);
    source.push(rowsKept[supplyNodes[s]]);
    target.push(colsKept[demandNodes[t] - nk]);
    mass.push(moved / total);
    left[s] -= moved;
    right[t] -= moved;
    if (left[s] === 0) s++;
    if (right[t] === 0) t++;
  }
}

/**
 * Dual variables `f_i = −π_i`, `g_j = π_{n+j}` (reduced cost `C_ij − f_i − g_j`). Points with zero mass get
 * c-transforms (`g_j = min_i C_ij − f_i`, then `f_i = min_j C_ij − g_j`), which keeps `f_i + g_j ≤ C_ij`
 * everywhere; then both are shifted by opposite constants so the two halves of the dual objective are equal.
 */
function potentials(pi: Float64Array, c: Float64Array, a: Float64Array, b: Float64Array, rowsKept: Int32Array, colsKept: Int32Array): { f: Float64Array; g: Float64Array } {
  const n = a.length;
  const m = b.length;
  const nk = rowsKept.length;
  const f = new Float64Array(n).fill(NaN);
  const g = new Float64Array(m).fill(NaN);
  for (let r = 0; r < nk; r++) f[rowsKept[r]] = -pi[r];
  for (let s = 0; s < colsKept.length; s++) g[colsKept[s]] = pi[nk + s];
  for (let j = 0; j < m; j++) {
    if (!Number.isNaN(g[j])) continue;
    let best = Infinity;
    for (let r = 0; r < nk; r++) best = Math.min(best, c[rowsKept[r] * m + j] - f[rowsKept[r]]);
    g[j] = best;
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(f[i])) continue;
    let best = Infinity;
    for (let j = 0; j < m; j++) best = Math.min(best, c[i * m + j] - g[j]);
    f[i] = best;
  }
  let sourceHalf = 0;
  let targetHalf = 0;
  for (let i = 0; i < n; i++) sourceHalf += a[i] * f[i];
  for (let j = 0; j < m; j++) targetHalf += b[j] * g[j];
  const shift = (targetHalf - sourceHalf) / 2;
  for (let i = 0; i < n; i++) f[i] += shift;
  for (let j = 0; j < m; j++) g[j] -= shift;
  return { f, g };
}
