/** A legend box in the top-left corner of a panel's plot area: one marker and label per entry. */
import { toPixelX, type Frame, type Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import type { Rgb } from "./color.js";
import { bitmapTextWidth } from "./font.js";

/** One legend row: a disc (point clouds) or a short line (curves) in `color`, then `label`. */
export interface LegendEntry {
  readonly label: string;
  readonly color: Rgb;
  readonly marker: "disc" | "line";
}

/** Draws `entries` (nothing when empty) on a translucent background box. */
export function drawLegend(canvas: Canvas, frame: Frame, theme: Theme, entries: readonly LegendEntry[]): void {
  if (entries.length === 0) return;
  const size = theme.fontSize;
  const line = Math.round(size * 1.6);
  const marker = size * 1.6;
  const pad = Math.round(size * 0.6);
  const textWidth = Math.max(...entries.map((e) => bitmapTextWidth(e.label, size)));
  const x = toPixelX(frame, frame.x[0]) + pad;
  const y = frame.top + pad;
  canvas.fillRect(x, y, pad * 2 + marker + pad + textWidth, pad + line * entries.length, theme.background, 0.8);
  entries.forEach((e, i) => {
    const cy = y + pad / 2 + line * (i + 0.5);
    const cx = x + pad + marker / 2;
    if (e.marker === "disc") canvas.discs(Float64Array.of(cx, cy), size * 0.4, e.color, 1);
    else canvas.polyline(Float64Array.of(cx - marker / 2, cy, cx + marker / 2, cy), e.color, 2, 1);
    canvas.text(x + pad + marker + pad, cy, e.label, { size, color: theme.text, anchor: "start" });
  });
}
