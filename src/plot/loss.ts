/**
 * Loss curves: `y = loss` against `x = step`, one polyline per curve, optionally on a log₁₀ y axis.
 */
import { check } from "../core/errors.js";
import { toPixelX, toPixelY, unionRange, type AxisRange, type Frame, type Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import { paletteColor, toRgb, type ColorLike, type Rgb } from "./color.js";
import { drawLegend } from "./legend.js";
import { checkPixels, panelBase, type PanelBase, type PanelOptions } from "./panel.js";

/** One curve of a loss plot. */
export interface LossCurve {
  /** Loss values, one per logged step. */
  readonly values: ArrayLike<number>;
  /** The steps of `values` (same length, increasing); default `0, 1, …, n − 1`. */
  readonly steps?: ArrayLike<number>;
  /** Legend label (no legend when no curve has one). */
  readonly label?: string;
  /** Line colour (default: the next `tab10` colour). */
  readonly color?: ColorLike;
}

/** Options of {@link lossPanel}. */
export interface LossOptions extends PanelOptions {
  /** Log₁₀ y axis (default false); every value must then be > 0. */
  readonly logScale?: boolean;
  /** Line width in pixels (default 1.5). */
  readonly lineWidth?: number;
}

/** A validated curve of a {@link LossPanel}: interleaved `(step, value)` pairs. */
export interface LossLayer {
  readonly xy: Float64Array;
  readonly label?: string;
  readonly color: Rgb;
}

/** A loss-curve panel; build it with {@link lossPanel}. */
export interface LossPanel extends PanelBase {
  readonly kind: "loss";
  readonly curves: readonly LossLayer[];
  readonly logScale: boolean;
  readonly lineWidth: number;
}

function isCurve(x: unknown): x is LossCurve {
  // Arrays and typed arrays have a `values` method, so look for an own property.
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && Object.hasOwn(x, "values");
}

/**
 * A loss-curve panel from one curve (an array of values, or a {@link LossCurve}) or several curves.
 *
 * @example lossPanel(trace, { logScale: true, title: "training loss" })
 * @throws SbkitInputError (fn `lossPanel`) for no curves, empty values, NaN/Inf values or steps, steps of the
 *   wrong length or not increasing, or a value ≤ 0 with `logScale`.
 */
export function lossPanel(curves: ArrayLike<number> | LossCurve | readonly LossCurve[], options: LossOptions = {}): LossPanel {
  const fn = "lossPanel";
  check(curves !== null && typeof curves === "object", fn, "curves", "must be an array of values, a { values } curve or a list of curves");
  let list: readonly LossCurve[];
  if (isCurve(curves)) list = [curves];
  else if (Array.isArray(curves) && curves.length > 0 && isCurve(curves[0])) list = curves as readonly LossCurve[];
  else list = [{ values: curves as ArrayLike<number> }];
  const logScale = options.logScale ?? false;
  let x: AxisRange | undefined;
  let y: AxisRange | undefined;
  const layers = list.map((curve, i): LossLayer => {
    const arg = list.length === 1 ? "curves" : `curves[${i}]`;
    check(isCurve(curve), fn, arg, "must be a { values, steps?, label?, color? } curve");
    const n = curve.values.length;
    check(typeof n === "number" && n > 0, fn, `${arg}.values`, "is empty; nothing to plot");
    check(curve.steps === undefined || curve.steps.length === n, fn, `${arg}.steps`, `has length ${curve.steps?.length}, expected ${n} like values`);
    const xy = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      const step = curve.steps === undefined ? k : curve.steps[k];
      const value = curve.values[k];
      check(Number.isFinite(step) && (k === 0 || step > xy[2 * k - 2]), fn, `${arg}.steps`, `must be finite and strictly increasing (bad at [${k}] = ${step})`);
      check(Number.isFinite(value), fn, `${arg}.values`, `has a non-finite value ${value} at [${k}]; NaN/Inf cannot be plotted`);
      check(!logScale || value > 0, fn, `${arg}.values`, `has ${value} ≤ 0 at [${k}], which a log scale cannot show (use logScale: false)`);
      xy[2 * k] = step;
      xy[2 * k + 1] = value;
      x = unionRange(x, [step, step]);
      y = unionRange(y, [value, value]);
    }
    return {
      xy,
      label: curve.label,
      color: curve.color === undefined ? paletteColor(i) : toRgb(curve.color, fn, `${arg}.color`),
    };
  });
  check(layers.length > 0, fn, "curves", "is empty; nothing to plot");
  return {
    kind: "loss",
    ...panelBase(options, fn, false),
    bounds: { x: x!, y: y! },
    curves: layers,
    logScale,
    lineWidth: checkPixels(options.lineWidth, 1.5, 100, fn, "options.lineWidth"),
  };
}

/** Draws a {@link LossPanel}'s curves (clipped to the plot area) and legend. */
export function drawLoss(panel: LossPanel, canvas: Canvas, frame: Frame, theme: Theme): void {
  canvas.beginClip(frame.left, frame.top, frame.width, frame.height);
  for (const curve of panel.curves) {
    const px = new Float64Array(curve.xy.length);
    for (let k = 0; k < px.length; k += 2) {
      px[k] = toPixelX(frame, curve.xy[k]);
      px[k + 1] = toPixelY(frame, curve.xy[k + 1]);
    }
    canvas.polyline(px, curve.color, panel.lineWidth, 1);
  }
  canvas.endClip();
  const entries = panel.curves.filter((c) => c.label !== undefined).map((c) => ({ label: c.label!, color: c.color, marker: "line" as const }));
  drawLegend(canvas, frame, theme, entries);
}
