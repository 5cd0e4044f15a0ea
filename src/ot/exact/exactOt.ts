/**
 * Exact (unregularized) optimal transport between two weighted point clouds — the ε → 0 limit of entropic OT
 * and the oracle for Sinkhorn tests:
 *
 *   OT_c(μ, ν) = min_P Σ_ij P_ij c(x_i, y_j)   s.t.  P ≥ 0,  P·1 = a,  Pᵀ·1 = b,
 *
 * with `c(x,y) = ½‖x−y‖²` (`"sqeuclidean"`, the sbkit convention) or `‖x−y‖` (`"euclidean"`).
 * Equal sizes with uniform weights use the Jonker–Volgenant assignment (an optimal plan is then a permutation,
 * Birkhoff–von Neumann); anything else uses the network simplex.
 */
import { checkAllFinite, toArray2D, type Array2DLike } from "../../core/array2d.js";
import { check, checkInteger } from "../../core/errors.js";
import { solveAssignment } from "./assignment.js";
import { denseCostMatrix, type ExactCost } from "./denseCost.js";
import { solveNetworkSimplex } from "./networkSimplex.js";
import { sparsePlan, type SparsePlan } from "./sparsePlan.js";
import { isUniform, normalizedWeights } from "./weights.js";

/** Options of {@link exactOt}. */
export interface ExactOtOptions {
  /** Non-negative source weights (normalized to sum 1); uniform when omitted. */
  sourceWeights?: ArrayLike<number>;
  /** Non-negative target weights (normalized to sum 1); uniform when omitted. */
  targetWeights?: ArrayLike<number>;
  /** Ground cost: `"sqeuclidean"` = `½‖x−y‖²` (default) or `"euclidean"` = `‖x−y‖`. */
  cost?: ExactCost;
  /** Pivot limit of the network simplex (see `networkSimplex`); the assignment path always finishes. */
  maxIterations?: number;
}

/** The solution of {@link exactOt}. */
export interface ExactOtResult {
  /** `Σ_ij P_ij c(x_i, y_j)` with the chosen cost (for `"sqeuclidean"`: half the squared W2). */
  readonly cost: number;
  /** The optimal plan as sparse triples; a permutation with masses `1/n` on the assignment path. */
  readonly plan: SparsePlan;
  /** Source potential `f` `[n]`: `f_i + g_j ≤ c(x_i, y_j)`, equality on the plan's support (dual certificate). */
  readonly f: Float64Array;
  /** Target potential `g` `[m]`; `Σ a_i f_i + Σ b_j g_j = cost` at the optimum. */
  readonly g: Float64Array;
  /** False only when the network simplex hit `maxIterations` (the plan is then feasible but not optimal). */
  readonly converged: boolean;
  /** Augmenting paths (assignment: n) or pivots (network simplex). */
  readonly iterations: number;
  /** Which exact solver ran. */
  readonly method: "assignment" | "networkSimplex";
  /** Wall-clock time in milliseconds, cost matrix included. */
  readonly elapsedMs: number;
}

/** Largest cost matrix exactOt builds (n·m entries; 8 bytes each). */
const MAX_ENTRIES = 1e8;

/**
 * Solves exact OT between `source` `[n, d]` and `target` `[m, d]`. Builds the dense n×m cost matrix (32 MB at
 * n = m = 2000; refused above 10⁸ entries), then runs the Jonker–Volgenant assignment (Jonker & Volgenant 1987,
 * warm-started by an ε-scaling auction) when n = m and both weight vectors are uniform or omitted — about a
 * second at n = 2000 in the plane — else the network simplex (Bonneel et al. 2011), a few seconds at that size.
 *
 * @throws SbkitInputError naming `exactOt` and the argument: empty clouds, a dimension mismatch, NaN/Inf
 * coordinates, weights with a wrong length, a non-finite or negative entry or a zero sum, an unknown cost.
 */
export function exactOt(source: Array2DLike, target: Array2DLike, options: ExactOtOptions = {}): ExactOtResult {
  return solveExactOt("exactOt", source, target, options);
}

/** {@link exactOt} with errors naming `fn` (used by the Wasserstein metrics). */
export function solveExactOt(fn: string, source: Array2DLike, target: Array2DLike, options: ExactOtOptions = {}): ExactOtResult {
  const started = performance.now();
  check(typeof options === "object" && options !== null, fn, "options", "must be an object");
  const x = toArray2D(source, fn, "source");
  const y = toArray2D(target, fn, "target");
  check(x.rows > 0, fn, "source", "must not be empty");
  check(y.rows > 0, fn, "target", "must not be empty");
  check(x.cols > 0, fn, "source", "must have at least one column");
  check(x.cols === y.cols, fn, "target", `has dimension ${y.cols}, but source has dimension ${x.cols}`);
  checkAllFinite(x.data, fn, "source", x.cols);
  checkAllFinite(y.data, fn, "target", y.cols);
  const a = normalizedWeights(options.sourceWeights, x.rows, fn, "sourceWeights");
  const b = normalizedWeights(options.targetWeights, y.rows, fn, "targetWeights");
  const costName = options.cost ?? "sqeuclidean";
  check(costName === "sqeuclidean" || costName === "euclidean", fn, "cost", `must be "sqeuclidean" or "euclidean" (got ${String(costName)})`);
  if (options.maxIterations !== undefined) checkInteger(options.maxIterations, fn, "maxIterations", 0);
  const n = x.rows;
  const m = y.rows;
  check(n * m <= MAX_ENTRIES, fn, "source", `and target need a ${n}×${m} cost matrix, above the limit of ${MAX_ENTRIES} entries`);
  const c = denseCostMatrix(x, y, costName);
  if (n === m && isUniform(a) && isUniform(b)) return { ...assignmentSolution(c, n), elapsedMs: performance.now() - started };
  const { plan, cost, f, g, converged, iterations } = solveNetworkSimplex(a, b, c, { maxIterations: options.maxIterations });
  return { cost, plan, f, g, converged, iterations, method: "networkSimplex", elapsedMs: performance.now() - started };
}

function assignmentSolution(c: Float64Array, n: number): Omit<ExactOtResult, "elapsedMs"> {
  const { assignment, cost, dualRow, dualCol } = solveAssignment(c, n);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const plan = sparsePlan(n, n, rows, assignment, new Float64Array(n).fill(1 / n));
  // Balance the two halves of the dual objective, as the network simplex does.
  let shift = 0;
  for (let i = 0; i < n; i++) shift += dualCol[i] - dualRow[i];
  shift /= 2 * n;
  const f = dualRow.map((u) => u + shift);
  const g = dualCol.map((v) => v - shift);
  return { cost: cost / n, plan, f, g, converged: true, iterations: n, method: "assignment" };
}
