/**
 * What every panel kind shares: titles, axis labels, optional fixed ranges, and helpers that read and check
 * 2-D point data for the panel builders (`scatterPanel`, `densityPanel`, …).
 */
import { toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import type { AxisRange } from "./axes.js";

/** Options every panel builder accepts. */
export interface PanelOptions {
  /** Title drawn above the panel. */
  readonly title?: string;
  /** Label under the x axis. */
  readonly xLabel?: string;
  /** Label left of the y axis (drawn vertically). */
  readonly yLabel?: string;
  /** Fixed x range `[min, max]` (no padding added); default: the data range plus 5% padding. */
  readonly xRange?: AxisRange;
  /** Fixed y range `[min, max]` (no padding added); default: the data range plus 5% padding. */
  readonly yRange?: AxisRange;
}

/** The fields every {@link Panel} carries, after validation. */
export interface PanelBase {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly xRange?: AxisRange;
  readonly yRange?: AxisRange;
  /**
   * The unpadded data extent (`undefined` for panels without data axes). Panels with `spatial: true` share
   * ranges when the figure asks for it.
   */
  readonly bounds?: { readonly x: AxisRange; readonly y: AxisRange };
  /** True for panels of 2-D points (scatter, density, trajectories): equal aspect, rangeable together. */
  readonly spatial: boolean;
}

function checkRange(range: AxisRange | undefined, fn: string, argument: string): AxisRange | undefined {
  if (range === undefined) return undefined;
  check(Array.isArray(range) && range.length === 2 && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1],
    fn, argument, `must be [min, max] with finite min < max (got ${JSON.stringify(range)})`);
  return [range[0], range[1]];
}

/** Validates the shared {@link PanelOptions} for panel builder `fn`. */
export function panelBase(options: PanelOptions, fn: string, spatial: boolean): Omit<PanelBase, "bounds"> {
  for (const key of ["title", "xLabel", "yLabel"] as const) {
    const v = options[key];
    check(v === undefined || typeof v === "string", fn, `options.${key}`, `must be a string (got ${typeof v})`);
  }
  return {
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    xRange: checkRange(options.xRange, fn, "options.xRange"),
    yRange: checkRange(options.yRange, fn, "options.yRange"),
    spatial,
  };
}

/**
 * Reads 2-D points `[n, 2]` for a plot: converts nested arrays, and checks there is at least one row, exactly
 * two columns and no NaN or infinity (reporting the first bad row).
 */
export function points2D(x: Array2DLike, fn: string, argument: string): Array2D {
  check(x !== null && x !== undefined, fn, argument, "is missing");
  const a = toArray2D(x, fn, argument);
  check(a.rows > 0, fn, argument, "is empty (0 points); nothing to plot");
  check(a.cols === 2, fn, argument, `must have shape [n, 2] (got [${a.rows}, ${a.cols}]); plots show 2-D data — project first`);
  checkFiniteRows(a.data, 2, fn, argument);
  return a;
}

/** Throws naming the first row `[i]` with a non-finite coordinate of interleaved `cols`-vectors. */
export function checkFiniteRows(data: ArrayLike<number>, cols: number, fn: string, argument: string): void {
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      check(false, fn, argument, `has a non-finite coordinate ${data[k]} at [${Math.floor(k / cols)}, ${k % cols}]; NaN/Inf cannot be plotted`);
    }
  }
}

/** The extent `{x: [min, max], y: [min, max]}` of interleaved 2-D points (at least one point). */
export function extentOf(xy: ArrayLike<number>): { x: AxisRange; y: AxisRange } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k + 1 < xy.length; k += 2) {
    const x = xy[k];
    const y = xy[k + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x: [x0, x1], y: [y0, y1] };
}

/** Checks an alpha in `[0, 1]` (default `fallback`). */
export function checkAlpha(alpha: number | undefined, fallback: number, fn: string, argument: string): number {
  if (alpha === undefined) return fallback;
  check(Number.isFinite(alpha) && alpha >= 0 && alpha <= 1, fn, argument, `must be a number in [0, 1] (got ${alpha})`);
  return alpha;
}

/** Checks a size in pixels `> 0` and at most `max` (default `fallback`). */
export function checkPixels(value: number | undefined, fallback: number, max: number, fn: string, argument: string): number {
  if (value === undefined) return fallback;
  check(Number.isFinite(value) && value > 0 && value <= max, fn, argument, `must be a number of pixels in (0, ${max}] (got ${value})`);
  return value;
}
