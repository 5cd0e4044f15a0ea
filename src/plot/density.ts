/**
 * Density heat maps: a 2-D histogram of points `[n, 2]` over the panel's visible range, coloured by a colour
 * map. Cell value `t = c / max c` (linear) or `t = log(1 + c) / log(1 + max c)` (log), so empty cells have the
 * colour map's first colour and the fullest cell its last.
 */
import type { Array2D, Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import type { AxisRange, Frame, Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import { COLOR_MAP_NAMES, colorMapTable, isColorMapName, type ColorMapName } from "./color.js";
import { extentOf, panelBase, points2D, type PanelBase, type PanelOptions } from "./panel.js";

/** Options of {@link densityPanel}. */
export interface DensityOptions extends PanelOptions {
  /** Histogram cells along x and y: one number for both, or `[nx, ny]` (default 64; each in [1, 2048]). */
  readonly bins?: number | readonly [number, number];
  /** Colour map (default `"viridis"`). */
  readonly colorMap?: ColorMapName;
  /** Count scale: `"linear"` (default) or `"log"` (shows low-density regions). */
  readonly scale?: "linear" | "log";
}

/** A density panel; build it with {@link densityPanel}. */
export interface DensityPanel extends PanelBase {
  readonly kind: "density";
  readonly points: Array2D;
  readonly bins: readonly [number, number];
  readonly colorMap: ColorMapName;
  readonly scale: "linear" | "log";
}

/**
 * A 2-D histogram heat map of `points`.
 *
 * @throws SbkitInputError (fn `densityPanel`) for empty points, a shape other than `[n, 2]`, NaN/Inf, bad bins,
 *   an unknown colour map or scale.
 */
export function densityPanel(points: Array2DLike, options: DensityOptions = {}): DensityPanel {
  const fn = "densityPanel";
  const p = points2D(points, fn, "points");
  const raw = options.bins ?? 64;
  const pair: readonly number[] = typeof raw === "number" ? [raw, raw] : raw;
  check(Array.isArray(pair) && pair.length === 2, fn, "options.bins", `must be a number or [nx, ny] (got ${JSON.stringify(raw)})`);
  const bins: [number, number] = [checkInteger(pair[0], fn, "options.bins", 1, 2048), checkInteger(pair[1], fn, "options.bins", 1, 2048)];
  const colorMap = options.colorMap ?? "viridis";
  check(isColorMapName(colorMap), fn, "options.colorMap", `must be one of ${COLOR_MAP_NAMES.join(", ")} (got ${JSON.stringify(colorMap)})`);
  const scale = options.scale ?? "linear";
  check(scale === "linear" || scale === "log", fn, "options.scale", `must be "linear" or "log" (got ${JSON.stringify(scale)})`);
  return { kind: "density", ...panelBase(options, fn, true), bounds: extentOf(p.data), points: p, bins, colorMap, scale };
}

/**
 * Counts of `[n, 2]` points in an `nx × ny` grid over `x × y`: a row-major `[ny, nx]` array whose row 0 is the
 * lowest y. Points outside the ranges are not counted; a point on the upper edge goes to the last cell.
 */
export function histogram2d(points: Array2D, x: AxisRange, y: AxisRange, nx: number, ny: number): Float64Array {
  const counts = new Float64Array(nx * ny);
  const sx = nx / (x[1] - x[0]);
  const sy = ny / (y[1] - y[0]);
  for (let i = 0; i < points.rows; i++) {
    const u = (points.data[2 * i] - x[0]) * sx;
    const v = (points.data[2 * i + 1] - y[0]) * sy;
    if (u < 0 || v < 0 || u > nx || v > ny) continue;
    counts[Math.min(ny - 1, Math.floor(v)) * nx + Math.min(nx - 1, Math.floor(u))] += 1;
  }
  return counts;
}

/** Draws a {@link DensityPanel} as an image filling the plot area. */
export function drawDensity(panel: DensityPanel, canvas: Canvas, frame: Frame, _theme: Theme): void {
  const [nx, ny] = panel.bins;
  const counts = histogram2d(panel.points, frame.x, frame.y, nx, ny);
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  const table = colorMapTable(panel.colorMap);
  const rgba = new Uint8Array(4 * nx * ny);
  const denominator = panel.scale === "log" ? Math.log1p(max) : max;
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const count = counts[(ny - 1 - r) * nx + c];
      const t = max === 0 ? 0 : (panel.scale === "log" ? Math.log1p(count) : count) / denominator;
      const k = Math.round(t * 255);
      const o = 4 * (r * nx + c);
      rgba[o] = table[3 * k];
      rgba[o + 1] = table[3 * k + 1];
      rgba[o + 2] = table[3 * k + 2];
      rgba[o + 3] = 255;
    }
  }
  canvas.image(frame.left, frame.top, frame.width, frame.height, nx, ny, rgba);
}
