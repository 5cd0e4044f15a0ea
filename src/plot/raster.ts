/**
 * A software rasterizer implementing {@link Canvas}: an opaque RGB float buffer with "over" alpha blending,
 * `c ← c + α·cov·(src − c)`, where `cov ∈ [0, 1]` is the analytic pixel coverage.
 *
 * - Discs: `cov = clamp(r + ½ − ‖p − c‖, 0, 1)` at pixel centres `p` (a one-pixel antialiasing ramp).
 * - Lines: round-capped capsules, `cov = clamp(w/2 + ½ − dist(p, segment), 0, 1)`. A polyline takes the
 *   per-pixel maximum over its segments before blending, so joints are not blended twice.
 * - Text: the 5×7 bitmap font of `font.ts` at an integer scale.
 */
import type { Canvas, TextStyle } from "./canvas.js";
import type { Rgb } from "./color.js";
import { GLYPH_ADVANCE, bitmapTextWidth, fontScale, glyphPixels } from "./font.js";

/** An RGBA image: `data` holds `4·width·height` bytes, row-major from the top-left. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

function distanceToSegment(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - (x0 + t * dx);
  const ey = py - (y0 + t * dy);
  return Math.sqrt(ex * ex + ey * ey);
}

/** A {@link Canvas} that draws into pixels; {@link RasterCanvas.toRgba} returns the result. */
export class RasterCanvas implements Canvas {
  readonly width: number;
  readonly height: number;
  private readonly rgb: Float32Array;
  private clipX0 = 0;
  private clipY0 = 0;
  private clipX1: number;
  private clipY1: number;

  /** A canvas of `width × height` pixels filled with `background`. */
  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.clipX1 = width;
    this.clipY1 = height;
    this.rgb = new Float32Array(3 * width * height);
    for (let k = 0; k < width * height; k++) this.rgb.set(background, 3 * k);
  }

  private blend(px: number, py: number, color: Rgb, a: number): void {
    if (a <= 0 || px < this.clipX0 || py < this.clipY0 || px >= this.clipX1 || py >= this.clipY1) return;
    const k = 3 * (py * this.width + px);
    const rgb = this.rgb;
    rgb[k] += a * (color[0] - rgb[k]);
    rgb[k + 1] += a * (color[1] - rgb[k + 1]);
    rgb[k + 2] += a * (color[2] - rgb[k + 2]);
  }

  /** Integer pixel bounds of a box, intersected with the clip; empty when x0 ≥ x1 or y0 ≥ y1. */
  private bounds(xMin: number, yMin: number, xMax: number, yMax: number): [number, number, number, number] {
    return [
      Math.max(this.clipX0, Math.floor(xMin)), Math.max(this.clipY0, Math.floor(yMin)),
      Math.min(this.clipX1, Math.ceil(xMax) + 1), Math.min(this.clipY1, Math.ceil(yMax) + 1),
    ];
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    const x0 = Math.max(this.clipX0, Math.round(x));
    const y0 = Math.max(this.clipY0, Math.round(y));
    const x1 = Math.min(this.clipX1, Math.round(x + w));
    const y1 = Math.min(this.clipY1, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, color, alpha);
  }

  discs(xy: Float64Array, radius: number, color: Rgb, alpha: number): void {
    const reach = radius + 0.5;
    for (let i = 0; i + 1 < xy.length; i += 2) {
      const cx = xy[i];
      const cy = xy[i + 1];
      const [x0, y0, x1, y1] = this.bounds(cx - reach, cy - reach, cx + reach, cy + reach);
      for (let py = y0; py < y1; py++) {
        for (let px = x0; px < x1; px++) {
          const d = Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
          const cov = Math.min(1, reach - d);
          if (cov > 0) this.blend(px, py, color, alpha * cov);
        }
      }
    }
  }

  /** Calls `visit(px, py, coverage)` for each pixel a capsule of half-width `hw` touches. */
  private capsule(x0: number, y0: number, x1: number, y1: number, hw: number, visit: (px: number, py: number, cov: number) => void): void {
    const reach = hw + 0.5;
    const [bx0, by0, bx1, by1] = this.bounds(Math.min(x0, x1) - reach, Math.min(y0, y1) - reach, Math.max(x0, x1) + reach, Math.max(y0, y1) + reach);
    for (let py = by0; py < by1; py++) {
      for (let px = bx0; px < bx1; px++) {
        const cov = Math.min(1, reach - distanceToSegment(px + 0.5, py + 0.5, x0, y0, x1, y1));
        if (cov > 0) visit(px, py, cov);
      }
    }
  }

  segments(segments: Float64Array, color: Rgb, width: number, alpha: number): void {
    const hw = width / 2;
    for (let i = 0; i + 3 < segments.length; i += 4) {
      this.capsule(segments[i], segments[i + 1], segments[i + 2], segments[i + 3], hw, (px, py, cov) => this.blend(px, py, color, alpha * cov));
    }
  }

  polyline(xy: Float64Array, color: Rgb, width: number, alpha: number): void {
    const coverage = new Map<number, number>();
    const hw = width / 2;
    const record = (px: number, py: number, cov: number) => {
      const k = py * this.width + px;
      coverage.set(k, Math.max(coverage.get(k) ?? 0, cov));
    };
    if (xy.length === 2) this.capsule(xy[0], xy[1], xy[0], xy[1], hw, record);
    for (let i = 0; i + 3 < xy.length; i += 2) this.capsule(xy[i], xy[i + 1], xy[i + 2], xy[i + 3], hw, record);
    for (const [k, cov] of coverage) this.blend(k % this.width, Math.floor(k / this.width), color, alpha * cov);
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const s = fontScale(style.size);
    const w = bitmapTextWidth(text, style.size);
    const shift = style.anchor === "start" ? 0 : style.anchor === "middle" ? w / 2 : w;
    const chars = Array.from(text);
    if (style.vertical) {
      const left = Math.round(x - 3.5 * s);
      const bottom = Math.round(y + shift);
      chars.forEach((ch, i) => {
        for (const [c, r] of glyphPixels(ch)) this.fillRect(left + r * s, bottom - (i * GLYPH_ADVANCE + c + 1) * s, s, s, style.color);
      });
    } else {
      const left = Math.round(x - shift);
      const top = Math.round(y - 3.5 * s);
      chars.forEach((ch, i) => {
        for (const [c, r] of glyphPixels(ch)) this.fillRect(left + (i * GLYPH_ADVANCE + c) * s, top + r * s, s, s, style.color);
      });
    }
  }

  image(x: number, y: number, w: number, h: number, cols: number, rows: number, rgba: Uint8Array): void {
    const x0 = Math.max(this.clipX0, Math.round(x));
    const y0 = Math.max(this.clipY0, Math.round(y));
    const x1 = Math.min(this.clipX1, Math.round(x + w));
    const y1 = Math.min(this.clipY1, Math.round(y + h));
    for (let py = y0; py < y1; py++) {
      const r = Math.min(rows - 1, Math.floor(((py + 0.5 - y) / h) * rows));
      for (let px = x0; px < x1; px++) {
        const c = Math.min(cols - 1, Math.floor(((px + 0.5 - x) / w) * cols));
        const k = 4 * (r * cols + c);
        this.blend(px, py, [rgba[k], rgba[k + 1], rgba[k + 2]], rgba[k + 3] / 255);
      }
    }
  }

  beginClip(x: number, y: number, w: number, h: number): void {
    this.clipX0 = Math.max(0, Math.round(x));
    this.clipY0 = Math.max(0, Math.round(y));
    this.clipX1 = Math.min(this.width, Math.round(x + w));
    this.clipY1 = Math.min(this.height, Math.round(y + h));
  }

  endClip(): void {
    this.clipX0 = 0;
    this.clipY0 = 0;
    this.clipX1 = this.width;
    this.clipY1 = this.height;
  }

  /** The pixels as opaque RGBA bytes. */
  toRgba(): RgbaImage {
    const n = this.width * this.height;
    const data = new Uint8Array(4 * n);
    for (let k = 0; k < n; k++) {
      data[4 * k] = Math.round(this.rgb[3 * k]);
      data[4 * k + 1] = Math.round(this.rgb[3 * k + 1]);
      data[4 * k + 2] = Math.round(this.rgb[3 * k + 2]);
      data[4 * k + 3] = 255;
    }
    return { width: this.width, height: this.height, data };
  }
}
