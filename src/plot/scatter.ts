/**
 * Scatter plots: several 2-D point clouds `[n, 2]` in one panel, each with its own colour, label, opacity and
 * marker radius (antialiased discs). Clouds are drawn in order, so later clouds lie on top.
 */
import type { Array2D, Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { toPixelX, toPixelY, unionRange, type Frame, type Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import { paletteColor, toRgb, type ColorLike, type Rgb } from "./color.js";
import { drawLegend } from "./legend.js";
import { checkAlpha, checkPixels, extentOf, panelBase, points2D, type PanelBase, type PanelOptions } from "./panel.js";

/** One point cloud of a scatter plot. */
export interface ScatterCloud {
  /** Points `[n, 2]`. */
  readonly points: Array2DLike;
  /** Legend label; clouds without one are left out of the legend (no legend when none has one). */
  readonly label?: string;
  /** Marker colour (default: the next colour of the `tab10` palette). */
  readonly color?: ColorLike;
  /** Marker opacity in `[0, 1]` (default: the panel's `alpha`). */
  readonly alpha?: number;
  /** Marker radius in pixels (default: the panel's `radius`). */
  readonly radius?: number;
}

/** Options of {@link scatterPanel}. */
export interface ScatterOptions extends PanelOptions {
  /** Default marker radius in pixels (default 2). */
  readonly radius?: number;
  /** Default marker opacity (default 0.7). */
  readonly alpha?: number;
}

/** A validated cloud of a {@link ScatterPanel}. */
export interface ScatterLayer {
  readonly points: Array2D;
  readonly label?: string;
  readonly color: Rgb;
  readonly alpha: number;
  readonly radius: number;
}

/** A scatter panel; build it with {@link scatterPanel}. */
export interface ScatterPanel extends PanelBase {
  readonly kind: "scatter";
  readonly clouds: readonly ScatterLayer[];
}

/**
 * A scatter panel of one or more point clouds.
 *
 * @example scatterPanel([{ points: source, label: "source" }, { points: target, label: "target" }], { title: "data" })
 * @throws SbkitInputError (fn `scatterPanel`) for no clouds, an empty cloud, a shape other than `[n, 2]`,
 *   NaN/Inf coordinates, a bad colour, alpha or radius.
 */
export function scatterPanel(clouds: ScatterCloud | readonly ScatterCloud[], options: ScatterOptions = {}): ScatterPanel {
  const fn = "scatterPanel";
  const list = Array.isArray(clouds) ? (clouds as readonly ScatterCloud[]) : [clouds as ScatterCloud];
  check(list.length > 0, fn, "clouds", "is empty; pass at least one { points } cloud");
  const radius = checkPixels(options.radius, 2, 100, fn, "options.radius");
  const alpha = checkAlpha(options.alpha, 0.7, fn, "options.alpha");
  let x: readonly [number, number] | undefined;
  let y: readonly [number, number] | undefined;
  const layers = list.map((cloud, i): ScatterLayer => {
    const arg = `clouds[${i}]`;
    check(typeof cloud === "object" && cloud !== null && "points" in cloud, fn, arg, "must be an object { points, label?, color?, alpha?, radius? }");
    const points = points2D(cloud.points, fn, `${arg}.points`);
    check(cloud.label === undefined || typeof cloud.label === "string", fn, `${arg}.label`, "must be a string");
    const extent = extentOf(points.data);
    x = unionRange(x, extent.x);
    y = unionRange(y, extent.y);
    return {
      points,
      label: cloud.label,
      color: cloud.color === undefined ? paletteColor(i) : toRgb(cloud.color, fn, `${arg}.color`),
      alpha: checkAlpha(cloud.alpha, alpha, fn, `${arg}.alpha`),
      radius: checkPixels(cloud.radius, radius, 100, fn, `${arg}.radius`),
    };
  });
  return { kind: "scatter", ...panelBase(options, fn, true), bounds: { x: x!, y: y! }, clouds: layers };
}

/** Interleaved pixel coordinates of `[n, 2]` points in `frame`. */
export function pixelsOf(points: Array2D, frame: Frame): Float64Array {
  const out = new Float64Array(2 * points.rows);
  for (let i = 0; i < points.rows; i++) {
    out[2 * i] = toPixelX(frame, points.data[2 * i]);
    out[2 * i + 1] = toPixelY(frame, points.data[2 * i + 1]);
  }
  return out;
}

/** Draws a {@link ScatterPanel}'s clouds (clipped to the plot area) and its legend. */
export function drawScatter(panel: ScatterPanel, canvas: Canvas, frame: Frame, theme: Theme): void {
  canvas.beginClip(frame.left, frame.top, frame.width, frame.height);
  for (const cloud of panel.clouds) canvas.discs(pixelsOf(cloud.points, frame), cloud.radius, cloud.color, cloud.alpha);
  canvas.endClip();
  const entries = panel.clouds.filter((c) => c.label !== undefined).map((c) => ({ label: c.label!, color: c.color, marker: "disc" as const }));
  drawLegend(canvas, frame, theme, entries);
}
