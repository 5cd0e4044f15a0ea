/**
 * Trajectory plots: 2-D paths drawn as polylines coloured by time with a colour map (segment `k` of a path
 * with `S` states gets `t = (k + ½)/(S − 1)`, or the normalized midpoint of `times` when given), optionally
 * with discs at the start (colour map at 0) and end (colour map at 1) of every path.
 *
 * Segments are grouped by their quantized colour (256 levels), so SVG output has at most 256 `<path>`
 * elements for the lines however many paths there are.
 */
import { toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import { toPixelX, toPixelY, type Frame, type Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import { COLOR_MAP_NAMES, colorMap as mapColor, isColorMapName, type ColorMapName } from "./color.js";
import { drawLegend } from "./legend.js";
import { checkAlpha, checkFiniteRows, checkPixels, extentOf, panelBase, type PanelBase, type PanelOptions } from "./panel.js";

/** Paths as one C-order block of shape `[paths, steps, 2]`. */
export interface Trajectories3D {
  readonly data: Float64Array;
  readonly shape: readonly [number, number, number];
}

/** What {@link trajectoryPanel} accepts: a list of `[steps, 2]` paths, or a `[paths, steps, 2]` block. */
export type TrajectoryInput = readonly Array2DLike[] | Trajectories3D;

/** Options of {@link trajectoryPanel}. */
export interface TrajectoryOptions extends PanelOptions {
  /** Colour map for time (default `"viridis"`). */
  readonly colorMap?: ColorMapName;
  /** Times of the states (length = steps of every path, increasing); default: evenly spaced. */
  readonly times?: ArrayLike<number>;
  /** Line width in pixels (default 1). */
  readonly lineWidth?: number;
  /** Line opacity (default 0.6). */
  readonly alpha?: number;
  /** Draw start and end points (default true). */
  readonly endpoints?: boolean;
  /** Radius of the start/end discs in pixels (default 2.5). */
  readonly endpointRadius?: number;
}

/** A trajectory panel; build it with {@link trajectoryPanel}. */
export interface TrajectoryPanel extends PanelBase {
  readonly kind: "trajectories";
  /** The paths, each interleaved `[x0, y0, x1, y1, …]`. */
  readonly paths: readonly Float64Array[];
  /** Normalized times in [0, 1] per state, or undefined for evenly spaced. */
  readonly times?: Float64Array;
  readonly colorMap: ColorMapName;
  readonly lineWidth: number;
  readonly alpha: number;
  readonly endpoints: boolean;
  readonly endpointRadius: number;
}

/**
 * Reorders time-major states `[T·n, d]` (rows `k·n … (k+1)·n − 1` are the `n` states at time `k`, the layout
 * `sbkit demo` and `sbkit sample --trajectory` write) into a path-major block `[n, T, d]`.
 *
 * @throws SbkitInputError when `timeCount` is not a positive integer dividing the number of rows.
 */
export function trajectoriesFromTimeMajor(states: Array2D, timeCount: number): Trajectories3D {
  const fn = "trajectoriesFromTimeMajor";
  checkInteger(timeCount, fn, "timeCount", 1);
  check(states.rows % timeCount === 0 && states.rows > 0, fn, "states",
    `has ${states.rows} rows, which is not a positive multiple of timeCount = ${timeCount} (expected [T·n, d], time-major)`);
  const n = states.rows / timeCount;
  const d = states.cols;
  const data = new Float64Array(states.data.length);
  for (let k = 0; k < timeCount; k++) {
    for (let i = 0; i < n; i++) data.set(states.data.subarray((k * n + i) * d, (k * n + i + 1) * d), (i * timeCount + k) * d);
  }
  return { data, shape: [n, timeCount, d] };
}

function readPaths(input: TrajectoryInput, fn: string): Float64Array[] {
  if (!Array.isArray(input)) {
    const block = input as Trajectories3D;
    check(typeof block === "object" && block !== null && block.data instanceof Float64Array && Array.isArray(block.shape) && block.shape.length === 3,
      fn, "paths", "must be a list of [steps, 2] paths or { data: Float64Array, shape: [paths, steps, 2] }");
    const [n, s, d] = block.shape;
    check(n > 0 && s > 0, fn, "paths", `is empty (shape [${n}, ${s}, ${d}]); nothing to plot`);
    check(d === 2, fn, "paths", `must have shape [paths, steps, 2] (got [${n}, ${s}, ${d}]); plots show 2-D data`);
    check(block.data.length === n * s * 2, fn, "paths", `data has length ${block.data.length}, expected ${n}·${s}·2 = ${n * s * 2}`);
    checkFiniteRows(block.data, 2, fn, "paths");
    return Array.from({ length: n }, (_, i) => block.data.subarray(i * s * 2, (i + 1) * s * 2));
  }
  check(input.length > 0, fn, "paths", "is empty (0 paths); nothing to plot");
  return (input as readonly Array2DLike[]).map((p, i) => {
    const a = toArray2D(p, fn, `paths[${i}]`);
    check(a.rows > 0, fn, `paths[${i}]`, "is empty (0 states)");
    check(a.cols === 2, fn, `paths[${i}]`, `must have shape [steps, 2] (got [${a.rows}, ${a.cols}]); plots show 2-D data`);
    checkFiniteRows(a.data, 2, fn, `paths[${i}]`);
    return a.data;
  });
}

/**
 * A panel of 2-D paths coloured by time.
 *
 * @throws SbkitInputError (fn `trajectoryPanel`) for no paths, empty paths, shapes other than `[steps, 2]` /
 *   `[paths, steps, 2]`, NaN/Inf, `times` of the wrong length or not increasing, or a bad option.
 */
export function trajectoryPanel(paths: TrajectoryInput, options: TrajectoryOptions = {}): TrajectoryPanel {
  const fn = "trajectoryPanel";
  const list = readPaths(paths, fn);
  const colorMap = options.colorMap ?? "viridis";
  check(isColorMapName(colorMap), fn, "options.colorMap", `must be one of ${COLOR_MAP_NAMES.join(", ")} (got ${JSON.stringify(colorMap)})`);
  let times: Float64Array | undefined;
  if (options.times !== undefined) {
    const t = Float64Array.from(options.times);
    const steps = list[0].length / 2;
    check(list.every((p) => p.length === 2 * steps), fn, "options.times", "needs every path to have the same number of states");
    check(t.length === steps, fn, "options.times", `has length ${t.length}, expected ${steps} (one per state)`);
    for (let k = 0; k < t.length; k++) {
      check(Number.isFinite(t[k]) && (k === 0 || t[k] > t[k - 1]), fn, "options.times", `must be finite and strictly increasing (bad at [${k}] = ${t[k]})`);
    }
    const span = t.length > 1 ? t[t.length - 1] - t[0] : 1;
    times = t.map((v) => (v - t[0]) / span);
  }
  check(options.endpoints === undefined || typeof options.endpoints === "boolean", fn, "options.endpoints", `must be true or false (got ${String(options.endpoints)})`);
  let extent = extentOf(list[0]);
  for (const p of list) {
    const e = extentOf(p);
    extent = { x: [Math.min(extent.x[0], e.x[0]), Math.max(extent.x[1], e.x[1])], y: [Math.min(extent.y[0], e.y[0]), Math.max(extent.y[1], e.y[1])] };
  }
  return {
    kind: "trajectories",
    ...panelBase(options, fn, true),
    bounds: extent,
    paths: list,
    times,
    colorMap,
    lineWidth: checkPixels(options.lineWidth, 1, 100, fn, "options.lineWidth"),
    alpha: checkAlpha(options.alpha, 0.6, fn, "options.alpha"),
    endpoints: options.endpoints ?? true,
    endpointRadius: checkPixels(options.endpointRadius, 2.5, 100, fn, "options.endpointRadius"),
  };
}

/** Draws a {@link TrajectoryPanel}: time-coloured segments, then start and end discs, then a legend. */
export function drawTrajectories(panel: TrajectoryPanel, canvas: Canvas, frame: Frame, theme: Theme): void {
  const buckets: number[][] = Array.from({ length: 256 }, () => []);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const p of panel.paths) {
    const s = p.length / 2;
    const px = (k: number) => toPixelX(frame, p[2 * k]);
    const py = (k: number) => toPixelY(frame, p[2 * k + 1]);
    for (let k = 0; k + 1 < s; k++) {
      const t = panel.times === undefined ? (k + 0.5) / (s - 1) : (panel.times[k] + panel.times[k + 1]) / 2;
      buckets[Math.round(t * 255)].push(px(k), py(k), px(k + 1), py(k + 1));
    }
    starts.push(px(0), py(0));
    ends.push(px(s - 1), py(s - 1));
  }
  canvas.beginClip(frame.left, frame.top, frame.width, frame.height);
  buckets.forEach((segments, k) => {
    if (segments.length > 0) canvas.segments(Float64Array.from(segments), mapColor(panel.colorMap, k / 255), panel.lineWidth, panel.alpha);
  });
  const startColor = mapColor(panel.colorMap, 0);
  const endColor = mapColor(panel.colorMap, 1);
  if (panel.endpoints) {
    canvas.discs(Float64Array.from(starts), panel.endpointRadius, startColor, 0.9);
    canvas.discs(Float64Array.from(ends), panel.endpointRadius, endColor, 0.9);
  }
  canvas.endClip();
  if (panel.endpoints) {
    drawLegend(canvas, frame, theme, [{ label: "start", color: startColor, marker: "disc" }, { label: "end", color: endColor, marker: "disc" }]);
  }
}
