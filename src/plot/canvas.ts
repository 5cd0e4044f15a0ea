/**
 * The drawing surface every figure is drawn on. Two implementations: a raster (RGBA pixels, then PNG) in
 * `raster.ts` and an SVG text builder in `svgCanvas.ts`. Layout and panel code draw through this interface
 * only, so PNG and SVG show the same picture.
 *
 * Coordinates are pixels, origin at the top-left, y down. Alphas are in `[0, 1]`.
 */
import type { Rgb } from "./color.js";

/** Horizontal text anchor. */
export type TextAnchor = "start" | "middle" | "end";

/** Options of {@link Canvas.text}. */
export interface TextStyle {
  /** Font size in pixels (cap height is about 0.7 of it). */
  readonly size: number;
  readonly color: Rgb;
  readonly anchor: TextAnchor;
  /** Rotate by −90° (reads bottom to top), for y-axis labels; the anchor then applies along the vertical. */
  readonly vertical?: boolean;
}

/** A drawing surface of `width × height` pixels. */
export interface Canvas {
  readonly width: number;
  readonly height: number;
  /** Fills the rectangle `[x, x+w) × [y, y+h)`. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha?: number): void;
  /** Antialiased filled discs of radius `radius` at the interleaved centres `xy = [x0, y0, x1, y1, …]`. */
  discs(xy: Float64Array, radius: number, color: Rgb, alpha: number): void;
  /**
   * Antialiased line segments with round caps: `segments = [x0, y0, x1, y1, …]` (4 numbers per segment).
   * SVG writes all of them as one `<path>` element.
   */
  segments(segments: Float64Array, color: Rgb, width: number, alpha: number): void;
  /** One antialiased polyline through the interleaved points `xy`; SVG writes one `<path>` element. */
  polyline(xy: Float64Array, color: Rgb, width: number, alpha: number): void;
  /** Text whose baseline-middle (vertical centre) is at `(x, y)`. */
  text(x: number, y: number, text: string, style: TextStyle): void;
  /**
   * An RGBA image of `cols × rows` pixels (`rgba` has `4·cols·rows` bytes) stretched to the rectangle
   * `[x, x+w) × [y, y+h)` with nearest-neighbour sampling.
   */
  image(x: number, y: number, w: number, h: number, cols: number, rows: number, rgba: Uint8Array): void;
  /** Restricts drawing to a rectangle until {@link Canvas.endClip}. Clips do not nest. */
  beginClip(x: number, y: number, w: number, h: number): void;
  /** Ends the clip started by {@link Canvas.beginClip}. */
  endClip(): void;
}
