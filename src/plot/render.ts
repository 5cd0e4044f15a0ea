/**
 * Rendering a {@link Figure}: to RGBA pixels, PNG bytes, SVG text, or a file chosen by extension (written
 * atomically). PNG text uses a 5×7 bitmap font; SVG text uses `<text>` elements (sans-serif).
 */
import { extname } from "node:path";
import { writeFileAtomic } from "../core/atomicWrite.js";
import { SbkitInputError, check } from "../core/errors.js";
import { PANEL_KINDS, type Figure } from "./figure.js";
import { drawFigure } from "./layout.js";
import { encodePng } from "./png.js";
import { RasterCanvas, type RgbaImage } from "./raster.js";
import { SvgCanvas } from "./svgCanvas.js";

/** The file extensions {@link writeFigure} understands. */
export const FIGURE_FILE_EXTENSIONS: readonly string[] = [".png", ".svg"];

function checkFigure(figure: Figure, fn: string): void {
  check(typeof figure === "object" && figure !== null && Array.isArray(figure.panels) && figure.theme !== undefined &&
    figure.panels.every((p) => (PANEL_KINDS as readonly string[]).includes(p?.kind)), fn, "figure", "must be built with figure(panels, options)");
}

/** Draws `figure` into pixels: `width × height` opaque RGBA bytes. */
export function renderRgba(figure: Figure): RgbaImage {
  checkFigure(figure, "renderRgba");
  const canvas = new RasterCanvas(figure.width, figure.height, figure.theme.background);
  drawFigure(figure, canvas);
  return canvas.toRgba();
}

/** Draws `figure` and encodes it as PNG bytes (8-bit RGBA, `figure.width × figure.height`). */
export function renderPng(figure: Figure): Uint8Array {
  checkFigure(figure, "renderPng");
  return encodePng(renderRgba(figure));
}

/** Draws `figure` as an SVG document (UTF-8 text, `figure.width × figure.height` user units). */
export function renderSvg(figure: Figure): string {
  checkFigure(figure, "renderSvg");
  const canvas = new SvgCanvas(figure.width, figure.height, figure.theme.background);
  drawFigure(figure, canvas);
  return canvas.toString();
}

/**
 * Renders `figure` to `path` as PNG or SVG, chosen by the extension (`.png` / `.svg`, case-insensitive), and
 * writes it atomically (see `writeFileAtomic`).
 *
 * @throws SbkitInputError (fn `writeFigure`, argument `path`) for another extension or a file that cannot be
 *   written.
 */
export function writeFigure(path: string, figure: Figure): void {
  check(typeof path === "string" && path.length > 0, "writeFigure", "path", "must be a non-empty file name");
  const ext = extname(path).toLowerCase();
  if (ext !== ".png" && ext !== ".svg") {
    const got = ext === "" ? "no extension" : `extension "${ext}"`;
    throw new SbkitInputError("writeFigure", "path", `"${path}" has ${got}; supported: ${FIGURE_FILE_EXTENSIONS.join(", ")}`);
  }
  checkFigure(figure, "writeFigure");
  writeFileAtomic(path, ext === ".png" ? renderPng(figure) : renderSvg(figure), "writeFigure", "path");
}
