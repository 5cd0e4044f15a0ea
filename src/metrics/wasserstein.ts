/**
 * Exact Wasserstein distances between weighted point clouds, computed by exact OT (`src/ot/exact`):
 *
 *   W_p(μ, ν) = (min_P Σ_ij P_ij ‖x_i − y_j‖^p)^{1/p}   over couplings P of a and b.
 *
 * NOTE on W2: it uses the full squared distance ‖x−y‖², i.e. twice the sbkit cost `c(x,y) = ½‖x−y‖²`, so
 * `wasserstein2(x, y)² = 2 · exactOt(x, y).cost`. (Villani 2009, "Optimal transport: old and new", ch. 6.)
 */
import type { Array2DLike } from "../core/array2d.js";
import { SbkitNumericalError } from "../core/errors.js";
import { solveExactOt } from "../ot/exact/exactOt.js";

/** Options of {@link wasserstein2} and {@link wasserstein1}. */
export interface WassersteinOptions {
  /** Non-negative source weights (normalized to sum 1); uniform when omitted. */
  sourceWeights?: ArrayLike<number>;
  /** Non-negative target weights (normalized to sum 1); uniform when omitted. */
  targetWeights?: ArrayLike<number>;
  /** Pivot limit of the network simplex (unequal sizes or weights); see `networkSimplex`. */
  maxIterations?: number;
}

/**
 * The 2-Wasserstein distance `W2 = sqrt(min_P Σ P_ij ‖x_i − y_j‖²)` between `x` `[n, d]` and `y` `[m, d]`
 * (full squared Euclidean distance: `W2² = 2 ×` the `½‖x−y‖²` OT cost of {@link exactOt}). Exact: assignment for
 * equal sizes with uniform weights, network simplex otherwise; builds the n×m cost matrix. About a second at
 * n = m = 2000 in d = 2.
 *
 * @throws SbkitInputError naming `wasserstein2` for bad input (as {@link exactOt}); SbkitNumericalError if the
 * network simplex hits `maxIterations` (a non-optimal value is never returned).
 */
export function wasserstein2(x: Array2DLike, y: Array2DLike, options: WassersteinOptions = {}): number {
  const result = solveExactOt("wasserstein2", x, y, { ...options, cost: "sqeuclidean" });
  if (!result.converged) throw notConverged("wasserstein2", result.iterations);
  return Math.sqrt(2 * result.cost);
}

/**
 * The 1-Wasserstein (earth mover's) distance `W1 = min_P Σ P_ij ‖x_i − y_j‖` between `x` `[n, d]` and `y`
 * `[m, d]`, by exact OT with the Euclidean cost (see {@link wasserstein2} for the solvers and the cost).
 *
 * @throws SbkitInputError naming `wasserstein1` for bad input; SbkitNumericalError if the network simplex hits
 * `maxIterations`.
 */
export function wasserstein1(x: Array2DLike, y: Array2DLike, options: WassersteinOptions = {}): number {
  const result = solveExactOt("wasserstein1", x, y, { ...options, cost: "euclidean" });
  if (!result.converged) throw notConverged("wasserstein1", result.iterations);
  return result.cost;
}

function notConverged(fn: string, iterations: number): SbkitNumericalError {
  return new SbkitNumericalError(fn, `the network simplex stopped at maxIterations (${iterations} pivots) before optimality; raise maxIterations`);
}
