/**
 * Sparse transport plans: the exact solvers return at most `n + m − 1` nonzero entries (a vertex of the
 * transportation polytope), stored as parallel arrays of (source index, target index, mass) triples.
 */
import { check } from "../../core/errors.js";
import { zeros2d, type Array2D } from "../../core/array2d.js";

/** A coupling `P` `[rows, cols]` given by its nonzero entries `P[sourceIndex[k], targetIndex[k]] = mass[k]`. */
export interface SparsePlan {
  /** Number of source points `n`. */
  readonly rows: number;
  /** Number of target points `m`. */
  readonly cols: number;
  /** Source index of each entry, sorted ascending (ties by target index). */
  readonly sourceIndex: Int32Array;
  /** Target index of each entry. */
  readonly targetIndex: Int32Array;
  /** Mass of each entry (> 0); the masses sum to 1. */
  readonly mass: Float64Array;
}

/** Builds a {@link SparsePlan} from unsorted triples (sorted by source, then target index). */
export function sparsePlan(rows: number, cols: number, source: ArrayLike<number>, target: ArrayLike<number>, mass: ArrayLike<number>): SparsePlan {
  const count = mass.length;
  const order = Array.from({ length: count }, (_, k) => k);
  order.sort((x, y) => source[x] - source[y] || target[x] - target[y]);
  const sourceIndex = new Int32Array(count);
  const targetIndex = new Int32Array(count);
  const masses = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    sourceIndex[k] = source[order[k]];
    targetIndex[k] = target[order[k]];
    masses[k] = mass[order[k]];
  }
  return { rows, cols, sourceIndex, targetIndex, mass: masses };
}

/** The dense `[n, m]` matrix of a sparse plan (n·m float64 values: for small problems and tests). */
export function sparsePlanToDense(plan: SparsePlan): Array2D {
  check(plan.rows * plan.cols <= 2 ** 27, "sparsePlanToDense", "plan", `is too large to densify ([${plan.rows}, ${plan.cols}])`);
  const out = zeros2d(plan.rows, plan.cols);
  for (let k = 0; k < plan.mass.length; k++) out.data[plan.sourceIndex[k] * plan.cols + plan.targetIndex[k]] += plan.mass[k];
  return out;
}

/** The marginals `P·1` (length n) and `Pᵀ·1` (length m) of a sparse plan. O(nnz). */
export function sparsePlanMarginals(plan: SparsePlan): { source: Float64Array; target: Float64Array } {
  const source = new Float64Array(plan.rows);
  const target = new Float64Array(plan.cols);
  for (let k = 0; k < plan.mass.length; k++) {
    source[plan.sourceIndex[k]] += plan.mass[k];
    target[plan.targetIndex[k]] += plan.mass[k];
  }
  return { source, target };
}
