/**
 * Lays a {@link Figure} out on a {@link Canvas}: the title band, then one grid cell per panel (row by row).
 * In each cell: the panel title, a plot area inside margins sized for tick labels and axis labels, the data
 * ranges (fixed, shared or padded data ranges, widened to equal aspect for point clouds), axes, then the data.
 */
import { drawAxes, equalizeAspect, padRange, unionRange, type AxisRange, type Frame, type Theme } from "./axes.js";
import type { Canvas } from "./canvas.js";
import { drawDensity } from "./density.js";
import { titleBand, type Figure, type Panel } from "./figure.js";
import { fontScale, GLYPH_ADVANCE } from "./font.js";
import { drawImageGrid } from "./imageGrid.js";
import { drawLoss } from "./loss.js";
import { drawScatter } from "./scatter.js";
import { drawTrajectories } from "./trajectories.js";

interface Cell {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The plot area of a panel in its cell, leaving margins for the title, ticks and axis labels. */
function plotArea(panel: Panel, cell: Cell, theme: Theme): Cell {
  const fs = theme.fontSize;
  const top = panel.title === undefined ? fs : Math.round(fs * 2.8);
  if (panel.kind === "images") return { x: cell.x + fs / 2, y: cell.y + top, width: cell.width - fs, height: cell.height - top - fs / 2 };
  const tick = Math.max(3, Math.round(fs / 3));
  const left = Math.round(7 * GLYPH_ADVANCE * fontScale(fs) + tick + 6 + (panel.yLabel === undefined ? 0 : fs * 1.8));
  const bottom = Math.round(tick + fs * 1.8 + (panel.xLabel === undefined ? 0 : fs * 1.6));
  const right = Math.round(fs * 1.2);
  return { x: cell.x + left, y: cell.y + top, width: cell.width - left - right, height: cell.height - top - bottom };
}

/** The union of the data extents of the point-cloud panels, for `shareRanges`. */
function sharedBounds(panels: readonly Panel[]): { x?: AxisRange; y?: AxisRange } {
  let x: AxisRange | undefined;
  let y: AxisRange | undefined;
  for (const p of panels) {
    if (p.spatial && p.bounds !== undefined) {
      x = unionRange(x, p.bounds.x);
      y = unionRange(y, p.bounds.y);
    }
  }
  return { x, y };
}

/** The frame (plot area and data ranges) of a panel. */
function panelFrame(panel: Panel, area: Cell, figure: Figure, shared: { x?: AxisRange; y?: AxisRange }): Frame {
  const logY = panel.kind === "loss" && panel.logScale;
  const bounds = panel.bounds ?? { x: [0, 1] as AxisRange, y: [0, 1] as AxisRange };
  const useShared = figure.shareRanges && panel.spatial;
  let x = panel.xRange ?? padRange(useShared && shared.x !== undefined ? shared.x : bounds.x);
  let y = panel.yRange ?? padRange(useShared && shared.y !== undefined ? shared.y : bounds.y, 0.05, logY);
  if (panel.spatial && figure.equalAspect && panel.xRange === undefined && panel.yRange === undefined) {
    [x, y] = equalizeAspect(x, y, area.width, area.height);
  }
  return { left: area.x, top: area.y, width: area.width, height: area.height, x, y, logY };
}

function drawPanel(panel: Panel, canvas: Canvas, frame: Frame, theme: Theme): void {
  switch (panel.kind) {
    case "scatter": return drawScatter(panel, canvas, frame, theme);
    case "density": return drawDensity(panel, canvas, frame, theme);
    case "trajectories": return drawTrajectories(panel, canvas, frame, theme);
    case "loss": return drawLoss(panel, canvas, frame, theme);
    case "images": return drawImageGrid(panel, canvas, frame, theme);
  }
}

/** The cell, plot area and frame of every panel of `figure`, in panel order. */
function layoutPanels(figure: Figure): Array<{ panel: Panel; cell: Cell; area: Cell; frame: Frame }> {
  const band = titleBand(figure);
  const cellWidth = figure.width / figure.columns;
  const cellHeight = (figure.height - band) / figure.rows;
  const shared = sharedBounds(figure.panels);
  return figure.panels.map((panel, i) => {
    const cell = { x: (i % figure.columns) * cellWidth, y: band + Math.floor(i / figure.columns) * cellHeight, width: cellWidth, height: cellHeight };
    const area = plotArea(panel, cell, figure.theme);
    return { panel, cell, area, frame: panelFrame(panel, area, figure, shared) };
  });
}

/**
 * The frame of every panel (plot area in pixels and data ranges), in panel order: where a data point lands in
 * the rendered figure is `(toPixelX(frame, x), toPixelY(frame, y))`.
 */
export function figureFrames(figure: Figure): Frame[] {
  return layoutPanels(figure).map((p) => p.frame);
}

/** Draws every part of `figure` on `canvas` (which must be `figure.width × figure.height`). */
export function drawFigure(figure: Figure, canvas: Canvas): void {
  const { theme } = figure;
  const fs = theme.fontSize;
  if (figure.title !== undefined) {
    canvas.text(figure.width / 2, titleBand(figure) / 2, figure.title, { size: Math.round(fs * 1.8), color: theme.text, anchor: "middle" });
  }
  for (const { panel, cell, area, frame } of layoutPanels(figure)) {
    if (panel.title !== undefined) {
      canvas.text(area.x + area.width / 2, cell.y + fs * 1.4, panel.title, { size: Math.round(fs * 1.5), color: theme.text, anchor: "middle" });
    }
    if (panel.kind !== "images") drawAxes(canvas, frame, theme);
    drawPanel(panel, canvas, frame, theme);
    const label = { size: fs, color: theme.text } as const;
    if (panel.xLabel !== undefined) {
      canvas.text(area.x + area.width / 2, cell.y + cell.height - fs * 0.9, panel.xLabel, { ...label, anchor: "middle" });
    }
    if (panel.yLabel !== undefined) {
      canvas.text(cell.x + fs * 0.9, area.y + area.height / 2, panel.yLabel, { ...label, anchor: "middle", vertical: true });
    }
  }
}
