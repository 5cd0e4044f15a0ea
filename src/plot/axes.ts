/**
 * Axis ranges, ticks and frames. A frame maps data coordinates to pixels inside a panel's plot area:
 * `px = left + (x − x₀)/(x₁ − x₀)·width`, `py = top + (1 − (y − y₀)/(y₁ − y₀))·height` (y up), with
 * `log₁₀ y` in place of `y` on a log-scale axis. Ticks are "nice" numbers `{1, 2, 5}·10ᵏ` (Heckbert 1990).
 */
import type { Canvas } from "./canvas.js";
import type { Rgb } from "./color.js";

/** A closed interval `[min, max]` of data values, `min < max` once padded. */
export type AxisRange = readonly [number, number];

/** The colours and sizes figures are drawn with. */
export interface Theme {
  readonly background: Rgb;
  readonly text: Rgb;
  readonly axis: Rgb;
  readonly grid: Rgb;
  /** Tick-label font size in pixels; titles use 1.5× this. */
  readonly fontSize: number;
}

/** A panel's plot area in pixels and the data ranges it shows. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly x: AxisRange;
  /** The y range in data units (for a log axis, the data values, not their logarithms). */
  readonly y: AxisRange;
  readonly logY: boolean;
}

/** Pixel x of data value `x` in `frame`. */
export function toPixelX(frame: Frame, x: number): number {
  return frame.left + ((x - frame.x[0]) / (frame.x[1] - frame.x[0])) * frame.width;
}

/** Pixel y of data value `y` in `frame` (log₁₀ on a log axis). */
export function toPixelY(frame: Frame, y: number): number {
  const [a, b] = frame.logY ? [Math.log10(frame.y[0]), Math.log10(frame.y[1])] : frame.y;
  const v = frame.logY ? Math.log10(y) : y;
  return frame.top + (1 - (v - a) / (b - a)) * frame.height;
}

/** The smallest range holding both ranges; `undefined` counts as empty. */
export function unionRange(a: AxisRange | undefined, b: AxisRange | undefined): AxisRange | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/**
 * Pads `[min, max]` by `fraction` of its span on each side (in log₁₀ units on a log axis). A single value
 * `v` (zero span) becomes `v ± ½·max(1, |v|)` (a factor of 10 either way on a log axis).
 */
export function padRange(range: AxisRange, fraction = 0.05, log = false): AxisRange {
  const [lo, hi] = log ? [Math.log10(range[0]), Math.log10(range[1])] : range;
  const span = hi - lo;
  const pad = span > 0 ? fraction * span : log ? 1 : 0.5 * Math.max(1, Math.abs(lo));
  const out: AxisRange = [lo - pad, hi + pad];
  return log ? [10 ** out[0], 10 ** out[1]] : out;
}

/**
 * Widens the x or the y range about its centre so one data unit has the same length in pixels on both axes
 * (for point clouds, where circles should look like circles).
 */
export function equalizeAspect(x: AxisRange, y: AxisRange, widthPx: number, heightPx: number): [AxisRange, AxisRange] {
  const ux = (x[1] - x[0]) / widthPx;
  const uy = (y[1] - y[0]) / heightPx;
  if (ux > uy) {
    const c = (y[0] + y[1]) / 2;
    const half = (ux * heightPx) / 2;
    return [x, [c - half, c + half]];
  }
  const c = (x[0] + x[1]) / 2;
  const half = (uy * widthPx) / 2;
  return [[c - half, c + half], y];
}

/** About `count` nice tick values `{1, 2, 5}·10ᵏ · j` inside `[min, max]` (rounded to 12 digits), and their spacing. */
export function niceTicks(min: number, max: number, count = 5): { values: number[]; step: number } {
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
  const values: number[] = [];
  for (let j = Math.ceil(min / step - 1e-9); j * step <= max + 1e-9 * step; j++) values.push(j === 0 ? 0 : Number((j * step).toPrecision(12)));
  return { values, step };
}

/** Powers of ten inside `[min, max]` (min > 0), thinned to at most about 6 ticks. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 6));
  const out: number[] = [];
  for (let k = lo; k <= hi; k += every) out.push(10 ** k);
  return out;
}

/**
 * A short label for tick value `v` on an axis with tick spacing `step`: fixed notation with just enough
 * decimals (`0.25`, `-1.5`, `100`), exponent notation beyond `10⁵` or below `10⁻³` (`1e-4`, `2.5e6`).
 */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const digits = Math.max(0, Math.min(6, Math.floor(Math.log10(a)) - Math.floor(Math.log10(step))));
    return v.toExponential(digits).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
  let s = v.toFixed(decimals);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** Draws the grid lines, the frame box, tick marks and tick labels of `frame`. */
export function drawAxes(canvas: Canvas, frame: Frame, theme: Theme): void {
  const { left, top, width, height } = frame;
  const right = left + width;
  const bottom = top + height;
  const size = theme.fontSize;
  const tick = Math.max(3, Math.round(size / 3));
  const textStyle = { size, color: theme.text } as const;
  const xTicks = niceTicks(frame.x[0], frame.x[1], Math.max(2, Math.round(width / (size * 8))));
  const yTicks = frame.logY
    ? { values: logTicks(frame.y[0], frame.y[1]), step: 0 }
    : niceTicks(frame.y[0], frame.y[1], Math.max(2, Math.round(height / (size * 6))));
  const grid: number[] = [];
  const marks: number[] = [];
  for (const v of xTicks.values) {
    const px = Math.round(toPixelX(frame, v)) + 0.5;
    grid.push(px, top, px, bottom);
    marks.push(px, bottom, px, bottom + tick);
    canvas.text(px, bottom + tick + size * 0.9, formatTick(v, xTicks.step), { ...textStyle, anchor: "middle" });
  }
  for (const v of yTicks.values) {
    const py = Math.round(toPixelY(frame, v)) + 0.5;
    grid.push(left, py, right, py);
    marks.push(left - tick, py, left, py);
    const label = frame.logY ? formatTick(v, v) : formatTick(v, yTicks.step);
    canvas.text(left - tick - 3, py, label, { ...textStyle, anchor: "end" });
  }
  canvas.segments(Float64Array.from(grid), theme.grid, 1, 1);
  canvas.segments(Float64Array.from(marks), theme.axis, 1, 1);
  const l = Math.round(left) - 0.5;
  const t = Math.round(top) - 0.5;
  const r = Math.round(right) + 0.5;
  const b = Math.round(bottom) + 0.5;
  canvas.polyline(Float64Array.from([l, t, r, t, r, b, l, b, l, t]), theme.axis, 1, 1);
}
