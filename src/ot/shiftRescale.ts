/**
 * Carrying the log-sum-exp shifts of the online sweeps (`lseKernel.ts`, `onlineEngine.ts`) across an ε stage.
 *
 * A row value is `L(ε) = log Σ_i w_i exp(a_i / ε)` with `a_i` fixed by the potentials (for `outY_j`: `w = a`,
 * `a_i = f_i − ½‖x_i‖² + x_i·y_j`). With `a_max = max_i a_i`, `T = log Σ_i w_i` and `lo = min_i log w_i`,
 * `a_max/ε + lo ≤ L(ε) ≤ a_max/ε + T`, so after `ε → ε/r` the new value lies in
 * `[r (L − T) + lo, r (L − lo) + T]`, an interval of width `(r + 1)(T − lo)` whatever the data. Starting the new
 * stage from `s' = r (s − T) + lo − margin` puts every shifted sum `exp(L' − s')` in `[e^{margin}, e^{margin +
 * width}]`, inside the sweeps' acceptance window `[1e-3, 1e290]` (and below float32's overflow at e^88), instead of
 * leaving most rows to the two-pass fallback at the first sweep of each stage. The shifts only save work: a row
 * whose sum still leaves the window is recomputed exactly, as before (Schmitzer 2019 §3.1's stabilization; the
 * interval is the standard log-sum-exp bound).
 */
import type { Workspace } from "./workspace.js";

/** Distance kept below the predicted lower bound (absorbs the potentials' change since the shift was computed). */
const MARGIN = 20;
/** Above this interval width the rescaled shifts could overflow float32 terms; the shifts are then left as they are. */
const MAX_WIDTH = 60;

function weightStats(logW: Float64Array): { total: number; lo: number } {
  let max = -Infinity;
  let lo = Infinity;
  for (const v of logW) {
    if (v > max) max = v;
    if (v < lo) lo = v;
  }
  let sum = 0;
  for (const v of logW) sum += Math.exp(v - max);
  return { total: max + Math.log(sum), lo };
}

function rescale(shifts: Float64Array, logW: Float64Array, ratio: number): void {
  const { total, lo } = weightStats(logW);
  if (!((ratio + 1) * (total - lo) <= MAX_WIDTH)) return;
  for (let i = 0; i < shifts.length; i++) {
    if (Number.isFinite(shifts[i])) shifts[i] = ratio * (shifts[i] - total) + lo - MARGIN;
  }
}

/**
 * Rescales the shifts of `ws` for the next ε stage, `ratio = ε_previous / ε_next` (see the module notes): the target
 * rows sum over source weights `a`, the source rows over target weights `b`.
 */
export function rescaleShifts(ws: Workspace, ratio: number): void {
  rescale(ws.shiftY, ws.logA, ratio);
  rescale(ws.shiftX, ws.logB, ratio);
}
