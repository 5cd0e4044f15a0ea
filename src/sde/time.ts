/**
 * Time checks and time grids on the bridge interval `t ∈ [0, 1]`.
 */
import { check, checkInteger } from "../core/errors.js";

/** Throws unless `t` is a finite number in `[0, 1]`; returns it. */
export function checkUnitTime(t: number, fn: string, argument = "t"): number {
  check(typeof t === "number" && Number.isFinite(t) && t >= 0 && t <= 1, fn, argument, `must be a time in [0, 1] (got ${t})`);
  return t;
}

/** Throws unless `t` is a finite number in `[0, 1)` (strictly before the endpoint); returns it. */
export function checkTimeBeforeOne(t: number, fn: string, argument = "t"): number {
  check(typeof t === "number" && Number.isFinite(t) && t >= 0 && t < 1, fn, argument, `must be a time in [0, 1) (got ${t})`);
  return t;
}

/** `steps + 1` equally spaced times `t_k = t0 + k (t1 − t0)/steps` (t1 < t0 gives a backward grid). */
export function uniformTimeGrid(steps: number, t0 = 0, t1 = 1): Float64Array {
  checkInteger(steps, "uniformTimeGrid", "steps", 1);
  check(Number.isFinite(t0) && Number.isFinite(t1) && t0 !== t1, "uniformTimeGrid", "t1", `must be finite and differ from t0 (got t0=${t0}, t1=${t1})`);
  const grid = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++) grid[k] = t0 + ((t1 - t0) * k) / steps;
  grid[steps] = t1;
  return grid;
}

/**
 * Checks a time grid: at least two finite points, strictly monotone (increasing = forward in time,
 * decreasing = backward in time). Returns the grid as a `Float64Array`.
 */
export function checkTimeGrid(times: ArrayLike<number>, fn: string, argument = "times"): Float64Array {
  const grid = Float64Array.from(times);
  check(grid.length >= 2, fn, argument, `must have at least 2 points (got ${grid.length})`);
  const sign = Math.sign(grid[1] - grid[0]);
  for (let k = 0; k < grid.length; k++) {
    check(Number.isFinite(grid[k]), fn, argument, `has a non-finite value ${grid[k]} at [${k}]`);
    if (k > 0) check(sign !== 0 && Math.sign(grid[k] - grid[k - 1]) === sign, fn, argument, `must be strictly monotone (problem at [${k}])`);
  }
  return grid;
}
