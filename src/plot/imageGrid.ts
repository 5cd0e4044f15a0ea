/**
 * Image grids: `n` grayscale images stored as rows of an `[n, h·w]` array (row-major pixels, e.g. MNIST
 * `28·28 = 784`), tiled into a mosaic with a 1-pixel gap and shown without axes, keeping the aspect ratio.
 * Values map linearly from `range` (default `[0, 1]`) through a colour map (default `"gray"`: 0 black,
 * 1 white); values outside `range` get the end colours (a documented clamp, as in matplotlib's `imshow`).
 */
import { toArray2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import type { Frame, Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import { COLOR_MAP_NAMES, colorMapTable, isColorMapName, type ColorMapName } from "./color.js";
import { checkFiniteRows, panelBase, type PanelBase } from "./panel.js";

/** Options of {@link imageGridPanel}. */
export interface ImageGridOptions {
  /** Height of one image in pixels. */
  readonly height: number;
  /** Width of one image in pixels; `height · width` must equal the number of columns of `images`. */
  readonly width: number;
  /** Images per mosaic row (default `ceil(√n)`). */
  readonly columns?: number;
  /** Values shown as the first and last colour (default `[0, 1]`). */
  readonly range?: readonly [number, number];
  /** Colour map (default `"gray"`). */
  readonly colorMap?: ColorMapName;
  /** Title drawn above the panel. */
  readonly title?: string;
}

/** An image-grid panel (the mosaic is composed when built); build it with {@link imageGridPanel}. */
export interface ImageGridPanel extends PanelBase {
  readonly kind: "images";
  /** The mosaic as RGBA bytes, `mosaicWidth × mosaicHeight`; gaps are transparent. */
  readonly rgba: Uint8Array;
  readonly mosaicWidth: number;
  readonly mosaicHeight: number;
}

/**
 * A mosaic of grayscale images.
 *
 * @example imageGridPanel(samples, { height: 28, width: 28, columns: 8, title: "samples" })
 * @throws SbkitInputError (fn `imageGridPanel`) for no images, `height·width` ≠ columns of `images`, NaN/Inf
 *   pixels, a bad range, column count or colour map.
 */
export function imageGridPanel(images: Array2DLike, options: ImageGridOptions): ImageGridPanel {
  const fn = "imageGridPanel";
  check(typeof options === "object" && options !== null, fn, "options", "must give { height, width } of one image");
  const a = toArray2D(images, fn, "images");
  check(a.rows > 0, fn, "images", "is empty (0 images); nothing to plot");
  const h = checkInteger(options.height, fn, "options.height", 1, 4096);
  const w = checkInteger(options.width, fn, "options.width", 1, 4096);
  check(h * w === a.cols, fn, "images", `has ${a.cols} columns, but height·width = ${h}·${w} = ${h * w} (expected [n, h·w])`);
  checkFiniteRows(a.data, a.cols, fn, "images");
  const columns = options.columns === undefined ? Math.ceil(Math.sqrt(a.rows)) : checkInteger(options.columns, fn, "options.columns", 1, 4096);
  const range = options.range ?? [0, 1];
  check(Array.isArray(range) && range.length === 2 && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1],
    fn, "options.range", `must be [lo, hi] with finite lo < hi (got ${JSON.stringify(range)})`);
  const colorMap = options.colorMap ?? "gray";
  check(isColorMapName(colorMap), fn, "options.colorMap", `must be one of ${COLOR_MAP_NAMES.join(", ")} (got ${JSON.stringify(colorMap)})`);

  const gridRows = Math.ceil(a.rows / columns);
  const mosaicWidth = columns * (w + 1) - 1;
  const mosaicHeight = gridRows * (h + 1) - 1;
  check(mosaicWidth * mosaicHeight <= 64e6, fn, "images", `make a mosaic of ${mosaicWidth} × ${mosaicHeight} pixels, over the 64 Mpixel limit`);
  const rgba = new Uint8Array(4 * mosaicWidth * mosaicHeight);
  const table = colorMapTable(colorMap);
  const scale = 255 / (range[1] - range[0]);
  for (let i = 0; i < a.rows; i++) {
    const ox = (i % columns) * (w + 1);
    const oy = Math.floor(i / columns) * (h + 1);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = a.data[i * a.cols + r * w + c];
        const k = Math.max(0, Math.min(255, Math.round((v - range[0]) * scale)));
        const o = 4 * ((oy + r) * mosaicWidth + ox + c);
        rgba[o] = table[3 * k];
        rgba[o + 1] = table[3 * k + 1];
        rgba[o + 2] = table[3 * k + 2];
        rgba[o + 3] = 255;
      }
    }
  }
  return { kind: "images", ...panelBase({ title: options.title }, fn, false), rgba, mosaicWidth, mosaicHeight };
}

/** Draws an {@link ImageGridPanel} centred in the frame's rectangle, as large as fits with its aspect ratio. */
export function drawImageGrid(panel: ImageGridPanel, canvas: Canvas, frame: Frame, _theme: Theme): void {
  const scale = Math.min(frame.width / panel.mosaicWidth, frame.height / panel.mosaicHeight);
  // Whole multiples of the mosaic size keep every image pixel the same size in the raster.
  const s = scale >= 1 ? Math.floor(scale) : scale;
  const w = panel.mosaicWidth * s;
  const h = panel.mosaicHeight * s;
  canvas.image(Math.round(frame.left + (frame.width - w) / 2), Math.round(frame.top + (frame.height - h) / 2), w, h, panel.mosaicWidth, panel.mosaicHeight, panel.rgba);
}
