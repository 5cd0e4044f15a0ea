/**
 * A {@link Canvas} that writes SVG 1.1 text directly. Elements: `<rect>` for filled rectangles, one `<circle>`
 * per disc (grouped by style in a `<g>`), one `<path>` per `segments`/`polyline` call, `<text>` for text, and
 * `<image>` with an embedded PNG (`data:` URI, pixelated) for heat maps and image grids. Coordinates are
 * written with at most 2 decimals.
 */
import type { Canvas, TextStyle } from "./canvas.js";
import { rgbToHex, type Rgb } from "./color.js";
import { encodePng } from "./png.js";

function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

function opacity(attribute: string, alpha: number): string {
  return alpha >= 1 ? "" : ` ${attribute}="${num(Math.max(0, alpha))}"`;
}

/** A {@link Canvas} that accumulates SVG elements; {@link SvgCanvas.toString} returns the document. */
export class SvgCanvas implements Canvas {
  readonly width: number;
  readonly height: number;
  private readonly parts: string[] = [];
  private clipCount = 0;
  private clipped = false;

  /** An SVG canvas of `width × height` pixels with a `background` rectangle. */
  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="${rgbToHex(background)}"/>`);
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${rgbToHex(color)}"${opacity("fill-opacity", alpha)}/>`);
  }

  discs(xy: Float64Array, radius: number, color: Rgb, alpha: number): void {
    if (xy.length < 2) return;
    const r = num(radius);
    const circles: string[] = [];
    for (let i = 0; i + 1 < xy.length; i += 2) circles.push(`<circle cx="${num(xy[i])}" cy="${num(xy[i + 1])}" r="${r}"/>`);
    this.parts.push(`<g fill="${rgbToHex(color)}"${opacity("fill-opacity", alpha)}>${circles.join("")}</g>`);
  }

  private stroke(d: string, color: Rgb, width: number, alpha: number): void {
    this.parts.push(`<path d="${d}" fill="none" stroke="${rgbToHex(color)}" stroke-width="${num(width)}"${opacity("stroke-opacity", alpha)} stroke-linecap="round" stroke-linejoin="round"/>`);
  }

  segments(segments: Float64Array, color: Rgb, width: number, alpha: number): void {
    if (segments.length < 4) return;
    const d: string[] = [];
    for (let i = 0; i + 3 < segments.length; i += 4) {
      d.push(`M${num(segments[i])} ${num(segments[i + 1])}L${num(segments[i + 2])} ${num(segments[i + 3])}`);
    }
    this.stroke(d.join(""), color, width, alpha);
  }

  polyline(xy: Float64Array, color: Rgb, width: number, alpha: number): void {
    if (xy.length < 2) return;
    const d: string[] = [`M${num(xy[0])} ${num(xy[1])}`];
    for (let i = 2; i + 1 < xy.length; i += 2) d.push(`L${num(xy[i])} ${num(xy[i + 1])}`);
    if (xy.length === 2) d.push(`L${num(xy[0])} ${num(xy[1])}`);
    this.stroke(d.join(""), color, width, alpha);
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const rotate = style.vertical ? ` transform="rotate(-90 ${num(x)} ${num(y)})"` : "";
    this.parts.push(`<text x="${num(x)}" y="${num(y)}" font-family="sans-serif" font-size="${num(style.size)}" fill="${rgbToHex(style.color)}" ` +
      `text-anchor="${style.anchor}" dominant-baseline="central"${rotate}>${escapeXml(text)}</text>`);
  }

  image(x: number, y: number, w: number, h: number, cols: number, rows: number, rgba: Uint8Array): void {
    const png = Buffer.from(encodePng({ width: cols, height: rows, data: rgba })).toString("base64");
    this.parts.push(`<image x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" preserveAspectRatio="none" ` +
      `image-rendering="optimizeSpeed" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`);
  }

  beginClip(x: number, y: number, w: number, h: number): void {
    if (this.clipped) this.endClip();
    const id = `clip${this.clipCount++}`;
    this.parts.push(`<clipPath id="${id}"><rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}"/></clipPath><g clip-path="url(#${id})">`);
    this.clipped = true;
  }

  endClip(): void {
    if (!this.clipped) return;
    this.parts.push("</g>");
    this.clipped = false;
  }

  /** The complete SVG document. */
  toString(): string {
    if (this.clipped) this.endClip();
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">`,
      ...this.parts,
      "</svg>",
      "",
    ].join("\n");
  }
}
