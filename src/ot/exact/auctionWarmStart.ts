/**
 * A warm start for the assignment solver from Bertsekas' forward auction with ε-scaling (D. P. Bertsekas 1988,
 * "The auction algorithm: a distributed relaxation method for the assignment problem", Annals of Operations
 * Research 14, 105–123), turned into an exactly tight partial assignment for the exact Jonker–Volgenant
 * augmentation. Internal to `assignment.ts`; the final result never depends on this heuristic being good.
 * All functions take a finite row-major `[n, n]` cost matrix `c` (n ≥ 2) and column prices `v` (reduced cost of
 * a pair: `C_ij − v_j`), and use −1 for a free row or column.
 */

/** Reduction of ε between auction phases. */
const EPSILON_FACTOR = 8;
/** A phase gives up (leaving the rest to the exact augmentation) after this many bids per row. */
const BIDS_PER_ROW_LIMIT = 100;

/**
 * Column then row reduction: sets `v_j = min_i C_ij` and returns the spread `max_i (max_j − min_j)(C_ij − v_j)`
 * of the reduced costs — the scale for ε (offsets shared by a whole row or column never matter). O(n²).
 */
export function reducedCostRange(c: Float64Array, n: number, v: Float64Array): number {
  v.fill(Infinity);
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let j = 0; j < n; j++) if (c[io + j] < v[j]) v[j] = c[io + j];
  }
  let range = 0;
  for (let i = 0; i < n; i++) {
    const io = i * n;
    let rowMin = Infinity;
    let rowMax = -Infinity;
    for (let j = 0; j < n; j++) {
      const h = c[io + j] - v[j];
      if (h < rowMin) rowMin = h;
      if (h > rowMax) rowMax = h;
    }
    if (rowMax - rowMin > range) range = rowMax - rowMin;
  }
  return range;
}

/**
 * Auction phases with ε from `epsilonStart` down to `epsilonEnd` by factors of 8, lowering the prices `v` in
 * place. In a phase every row starts free; a free row `i` finds its best and second-best reduced costs
 * `w₁ ≤ w₂` (column `j₁`), lowers `v_{j₁}` by `w₂ − w₁ + ε`, takes `j₁` and evicts its holder. A phase ends with
 * a complete assignment within ε of the row minima (ε-complementary slackness). O(n) per bid; typically a few
 * to 50 bids per row per phase. Stops early if a phase exceeds 100 bids per row (e.g. when ε is below the
 * rounding of the prices), leaving a partial assignment.
 */
export function auctionPhases(
  c: Float64Array,
  n: number,
  v: Float64Array,
  rowToCol: Int32Array,
  colToRow: Int32Array,
  epsilonStart: number,
  epsilonEnd: number,
): void {
  const queue = new Int32Array(n);
  for (let epsilon = epsilonStart; ; epsilon = Math.max(epsilon / EPSILON_FACTOR, epsilonEnd)) {
    if (!auctionPhase(c, n, v, epsilon, rowToCol, colToRow, queue)) return;
    if (epsilon <= epsilonEnd) return;
  }
}

/** One auction phase at a fixed ε; false when it hit the bid limit. */
function auctionPhase(
  c: Float64Array,
  n: number,
  v: Float64Array,
  epsilon: number,
  rowToCol: Int32Array,
  colToRow: Int32Array,
  queue: Int32Array,
): boolean {
  rowToCol.fill(-1);
  colToRow.fill(-1);
  for (let i = 0; i < n; i++) queue[i] = i;
  // A circular queue of free rows: `count` rows from `head`.
  let head = 0;
  let count = n;
  const bidLimit = BIDS_PER_ROW_LIMIT * n;
  for (let bids = 0; count > 0; bids++) {
    if (bids >= bidLimit) return false;
    const i = queue[head];
    head = head + 1 === n ? 0 : head + 1;
    count--;
    const io = i * n;
    let w1 = c[io] - v[0];
    let j1 = 0;
    let w2 = Infinity;
    for (let j = 1; j < n; j++) {
      const h = c[io + j] - v[j];
      if (h < w2) {
        if (h >= w1) {
          w2 = h;
        } else {
          w2 = w1;
          w1 = h;
          j1 = j;
        }
      }
    }
    v[j1] -= w2 - w1 + epsilon;
    const evicted = colToRow[j1];
    colToRow[j1] = i;
    rowToCol[i] = j1;
    if (evicted >= 0) {
      rowToCol[evicted] = -1;
      let tail = head + count;
      if (tail >= n) tail -= n;
      queue[tail] = evicted;
      count++;
    }
  }
  return true;
}

/**
 * From any partial assignment and prices, an exactly tight one (the Jonker–Volgenant invariant: every assigned
 * pair attains its row minimum of `C_ij − v_j`). With `u_i = C_{iσ(i)} − v_{σ(i)}` on assigned rows, the prices
 * become `v'_j = min_{i assigned} (C_ij − u_i)`, so `u_i + v'_j ≤ C_ij` on assigned rows; a pair stays only if
 * its own row attains that minimum (then `u_i = min_j C_ij − v'_j`), else both sides become free. O(n²).
 * Returns the free rows.
 */
export function tighten(c: Float64Array, n: number, v: Float64Array, rowToCol: Int32Array, colToRow: Int32Array): Int32Array {
  const u = new Float64Array(n);
  const assigned: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rowToCol[i] < 0) continue;
    u[i] = c[i * n + rowToCol[i]] - v[rowToCol[i]];
    assigned.push(i);
  }
  if (assigned.length > 0) {
    v.fill(Infinity);
    for (const i of assigned) {
      const io = i * n;
      const ui = u[i];
      for (let j = 0; j < n; j++) {
        const h = c[io + j] - ui;
        if (h < v[j]) v[j] = h;
      }
    }
  }
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = rowToCol[i];
    if (j >= 0 && c[i * n + j] - u[i] === v[j]) continue;
    if (j >= 0) colToRow[j] = -1;
    rowToCol[i] = -1;
    free.push(i);
  }
  return Int32Array.from(free);
}
