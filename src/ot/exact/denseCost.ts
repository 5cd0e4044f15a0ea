/**
 * Dense pairwise cost matrices between point clouds, for the exact solvers (which need all n·m costs).
 */
import type { Array2D } from "../../core/array2d.js";

/** Ground costs of the exact solvers: `"sqeuclidean"` is `c(x,y) = ½‖x−y‖²` (the sbkit convention), `"euclidean"` is `‖x−y‖`. */
export type ExactCost = "sqeuclidean" | "euclidean";

/**
 * The row-major `[n, m]` matrix `C_ij = c(x_i, y_j)` for `x` `[n, d]` and `y` `[m, d]`, from coordinate
 * differences (no `‖x‖² + ‖y‖² − 2x·y` cancellation). O(n·m·d) time, n·m float64 values (32 MB at 2000×2000).
 */
export function denseCostMatrix(x: Array2D, y: Array2D, cost: ExactCost): Float64Array {
  const { rows: n, cols: d } = x;
  const m = y.rows;
  const xs = x.data;
  const ys = y.data;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const io = i * d;
    const ro = i * m;
    for (let j = 0; j < m; j++) {
      const jo = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = xs[io + k] - ys[jo + k];
        s += diff * diff;
      }
      out[ro + j] = cost === "sqeuclidean" ? 0.5 * s : Math.sqrt(s);
    }
  }
  return out;
}
