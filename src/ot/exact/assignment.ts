/**
 * Linear assignment (minimum-cost perfect matching) on a dense square cost matrix, by the Jonker–Volgenant
 * shortest augmenting path algorithm (LAPJV: R. Jonker & A. Volgenant 1987, "A shortest augmenting path algorithm
 * for dense and sparse linear assignment problems", Computing 38, 325–340).
 *
 * LAPJV's own initialization (column reduction, augmenting row reduction) bounces for a very long time on tiny
 * price moves with float geometric costs, so the prices come from an ε-scaling auction instead (Bertsekas 1988;
 * `auctionWarmStart.ts`), made exactly tight. Then one exact Dijkstra shortest augmenting path per free row, as
 * in LAPJV and Crouse 2016. That phase is exact from any tight start; it only gets slow when many reduced costs
 * tie to within the auction's last ε (clusters of nearly coincident points), so it runs under a work budget and,
 * when the budget is spent, the auction refines the prices down to ε ≈ 1e−12·range/n before a final, unbounded
 * run. Every assigned pair stays tight, and the row duals are `u_i = C_{iσ(i)} − v_{σ(i)}` at the end:
 * `u_i + v_j ≤ C_ij` for all pairs with equality on the matching, which certifies optimality.
 */
import { checkAllFinite, toArray2D, type Array2DLike } from "../../core/array2d.js";
import { check } from "../../core/errors.js";
import { auctionPhases, reducedCostRange, tighten } from "./auctionWarmStart.js";

/** Average settled columns per row that the first exact run may spend (typical problems need under 6). */
const SETTLED_PER_ROW_BUDGET = 20;

/** The optimal matching of {@link linearAssignment} with its dual certificate. */
export interface AssignmentResult {
  /** `assignment[i]` is the column matched to row `i` (a permutation of `0..n−1`). */
  readonly assignment: Int32Array;
  /** Total cost `Σ_i C[i, assignment[i]]`. */
  readonly cost: number;
  /** Row potentials `u` (length `n`): `u_i + v_j ≤ C_ij`, with equality on the matching. */
  readonly dualRow: Float64Array;
  /** Column potentials `v` (length `n`). `Σu + Σv` equals `cost` up to rounding. */
  readonly dualCol: Float64Array;
}

/**
 * Solves `min_σ Σ_i C[i, σ(i)]` over permutations `σ` for a square cost matrix `costs` `[n, n]` (finite values;
 * any sign). Jonker–Volgenant (1987) shortest augmenting paths, warm-started with ε-scaling auction prices
 * (Bertsekas 1988). Worst case O(n³) time, typically far less: n = 2000 points in the plane take 0.3–1 s on
 * one core (duplicated points included), up to about 2.5 s for big clusters of nearly coincident points; O(n)
 * memory besides the matrix, which is read but not copied (nested arrays are converted once).
 *
 * @throws SbkitInputError naming `linearAssignment` when the matrix is not square or has a non-finite entry.
 */
export function linearAssignment(costs: Array2DLike): AssignmentResult {
  const fn = "linearAssignment";
  const matrix = toArray2D(costs, fn, "costs");
  const n = matrix.rows;
  check(matrix.cols === n || n === 0, fn, "costs", `must be square (got [${matrix.rows}, ${matrix.cols}])`);
  checkAllFinite(matrix.data, fn, "costs", n);
  return solveAssignment(matrix.data, n);
}

/** {@link linearAssignment} without validation, for callers that built a finite `[n, n]` matrix themselves. */
export function solveAssignment(c: Float64Array, n: number): AssignmentResult {
  const rowToCol = new Int32Array(n).fill(-1);
  const colToRow = new Int32Array(n).fill(-1);
  const v = new Float64Array(n);
  if (n === 1) {
    rowToCol[0] = 0;
    colToRow[0] = 0;
    v[0] = c[0];
  } else if (n > 1) {
    const range = reducedCostRange(c, n, v);
    let magnitude = 0;
    for (let k = 0; k < c.length; k++) magnitude = Math.max(magnitude, Math.abs(c[k]));
    // Below ~1e−14 of the price magnitude, bids would no longer move prices in float64.
    const floor = 1e-14 * (magnitude + range);
    const firstEpsilon = Math.max(range / (50 * n), floor);
    if (range > 0) auctionPhases(c, n, v, rowToCol, colToRow, range / 4, firstEpsilon);
    const finished = augmentAll(c, n, rowToCol, colToRow, v, tighten(c, n, v, rowToCol, colToRow), SETTLED_PER_ROW_BUDGET * n);
    if (!finished) {
      const lastEpsilon = Math.max(range / (1e12 * n), floor);
      if (firstEpsilon > lastEpsilon) auctionPhases(c, n, v, rowToCol, colToRow, Math.max(firstEpsilon / 8, lastEpsilon), lastEpsilon);
      augmentAll(c, n, rowToCol, colToRow, v, tighten(c, n, v, rowToCol, colToRow), Infinity);
    }
  }
  const u = new Float64Array(n);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const j = rowToCol[i];
    const cij = c[i * n + j];
    u[i] = cij - v[j];
    cost += cij;
  }
  return { assignment: rowToCol, cost, dualRow: u, dualCol: v };
}

/**
 * Phase 2: for each free row `f`, a Dijkstra search over columns with reduced costs `C_ij − v_j − u_i` (all ≥ 0)
 * finds the shortest alternating path to an unassigned column; the prices of the columns settled before the
 * final distance are lowered by `d_j − d_min`, which keeps every assigned pair tight, and the path is flipped.
 * O(n) per settled column, O(n²) per augmentation at worst. Stops between augmentations (state still tight)
 * and returns false once more than `budget` columns have been settled in all.
 */
function augmentAll(c: Float64Array, n: number, rowToCol: Int32Array, colToRow: Int32Array, v: Float64Array, free: Int32Array, budget: number): boolean {
  let settled = 0;
  const dist = new Float64Array(n);
  const pred = new Int32Array(n);
  const cols = new Int32Array(n);
  for (let f = 0; f < free.length; f++) {
    if (settled > budget) return false;
    const start = free[f];
    const so = start * n;
    for (let j = 0; j < n; j++) {
      dist[j] = c[so + j] - v[j];
      pred[j] = start;
      cols[j] = j;
    }
    // cols[0, low): settled columns; cols[low, up): columns at the current minimum distance; cols[up, n): rest.
    let low = 0;
    let up = 0;
    let lastSettled = -1;
    let end = -1;
    let min = 0;
    while (end < 0) {
      if (up === low) {
        lastSettled = low - 1;
        min = dist[cols[up++]];
        for (let k = up; k < n; k++) {
          const j = cols[k];
          const h = dist[j];
          if (h <= min) {
            if (h < min) {
              up = low;
              min = h;
            }
            cols[k] = cols[up];
            cols[up++] = j;
          }
        }
        for (let k = low; k < up; k++) {
          if (colToRow[cols[k]] < 0) {
            end = cols[k];
            break;
          }
        }
      }
      if (end >= 0) break;
      const j1 = cols[low++];
      const i = colToRow[j1];
      const io = i * n;
      const h = c[io + j1] - v[j1] - min;
      for (let k = up; k < n; k++) {
        const j = cols[k];
        const dj = c[io + j] - v[j] - h;
        if (dj < dist[j]) {
          pred[j] = i;
          if (dj === min) {
            if (colToRow[j] < 0) {
              end = j;
              break;
            }
            cols[k] = cols[up];
            cols[up++] = j;
          }
          dist[j] = dj;
        }
      }
    }
    settled += low;
    for (let k = 0; k <= lastSettled; k++) {
      const j = cols[k];
      v[j] += dist[j] - min;
    }
    let i: number;
    do {
      i = pred[end];
      colToRow[end] = i;
      const previous = rowToCol[i];
      rowToCol[i] = end;
      end = previous;
    } while (i !== start);
  }
  return true;
}
