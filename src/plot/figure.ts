/**
 * The figure model: a `width × height` pixel canvas holding panels in a grid (row by row), an optional title,
 * and a theme. Panels are built by `scatterPanel`, `densityPanel`, `trajectoryPanel`, `lossPanel` and
 * `imageGridPanel`, which check their data; {@link figure} checks the layout. Render with `renderPng`,
 * `renderSvg` or `writeFigure`.
 */
import { check, checkInteger } from "../core/errors.js";
import type { Theme } from "./axes.js";
import { toRgb, type ColorLike } from "./color.js";
import type { DensityPanel } from "./density.js";
import type { ImageGridPanel } from "./imageGrid.js";
import type { LossPanel } from "./loss.js";
import type { ScatterPanel } from "./scatter.js";
import type { TrajectoryPanel } from "./trajectories.js";

/** Any panel kind. */
export type Panel = ScatterPanel | DensityPanel | TrajectoryPanel | LossPanel | ImageGridPanel;

/** The panel kinds, as in `panel.kind`. */
export const PANEL_KINDS = ["scatter", "density", "trajectories", "loss", "images"] as const;

/** Smallest and largest figure side in pixels. */
export const FIGURE_SIZE_LIMITS: readonly [number, number] = [32, 8192];

/** Options of {@link figure}. */
export interface FigureOptions {
  /** Width in pixels (integer in [32, 8192]); default 480 per grid column. */
  readonly width?: number;
  /** Height in pixels (integer in [32, 8192]); default 480 per grid row, plus room for the title. */
  readonly height?: number;
  /** Figure title, centred at the top. */
  readonly title?: string;
  /** Panels per grid row (default: the number of panels, at most 3). */
  readonly columns?: number;
  /**
   * Give every point-cloud panel (scatter, density, trajectories) without fixed ranges the same x and y ranges:
   * the union of their data (default false).
   */
  readonly shareRanges?: boolean;
  /** Same data-to-pixel scale on x and y in point-cloud panels without fixed ranges (default true). */
  readonly equalAspect?: boolean;
  /** Tick-label font size in pixels (titles are 1.5×); default scales with the panel size, at least 10. */
  readonly fontSize?: number;
  /** Background colour (default white). */
  readonly background?: ColorLike;
}

/** A validated figure; build it with {@link figure}. */
export interface Figure {
  readonly width: number;
  readonly height: number;
  readonly title?: string;
  readonly panels: readonly Panel[];
  readonly columns: number;
  readonly rows: number;
  readonly shareRanges: boolean;
  readonly equalAspect: boolean;
  readonly theme: Theme;
}

/** Height in pixels of the band the figure title takes at the top. */
export function titleBand(figure: Pick<Figure, "title" | "theme">): number {
  return figure.title === undefined ? 0 : Math.round(figure.theme.fontSize * 3);
}

/**
 * A figure of one or more panels laid out in a grid.
 *
 * @example figure([scatterPanel(clouds), trajectoryPanel(paths)], { title: "8gaussians → moons", shareRanges: true })
 * @throws SbkitInputError (fn `figure`) for no panels, an object that is not a panel, sizes that are not
 *   integers in [32, 8192] or leave a panel smaller than 100 × 80 pixels, or a bad option.
 */
export function figure(panels: Panel | readonly Panel[], options: FigureOptions = {}): Figure {
  const fn = "figure";
  const list = Array.isArray(panels) ? (panels as readonly Panel[]) : [panels as Panel];
  check(list.length > 0, fn, "panels", "is empty; pass at least one panel (scatterPanel, densityPanel, ...)");
  list.forEach((p, i) => check(typeof p === "object" && p !== null && (PANEL_KINDS as readonly string[]).includes(p.kind), fn, `panels[${i}]`,
    `is not a panel; build panels with scatterPanel, densityPanel, trajectoryPanel, lossPanel or imageGridPanel`));
  const columns = options.columns === undefined ? Math.min(3, list.length) : checkInteger(options.columns, fn, "options.columns", 1, 64);
  const rows = Math.ceil(list.length / columns);
  const [lo, hi] = FIGURE_SIZE_LIMITS;
  const width = options.width === undefined ? 480 * columns : checkInteger(options.width, fn, "options.width", lo, hi);
  const provisionalFont = options.fontSize ?? Math.max(10, Math.round(Math.min(width / columns, 480) / 48));
  check(options.title === undefined || typeof options.title === "string", fn, "options.title", "must be a string");
  const band = titleBand({ title: options.title, theme: { fontSize: provisionalFont } as Theme });
  const height = options.height === undefined ? 480 * rows + band : checkInteger(options.height, fn, "options.height", lo, hi);
  check(width >= lo && width <= hi, fn, "options.width", `must be an integer in [${lo}, ${hi}] (got ${width}); use fewer columns`);
  check(height >= lo && height <= hi, fn, "options.height", `must be an integer in [${lo}, ${hi}] (got ${height}); use fewer rows`);
  const fontSize = options.fontSize === undefined
    ? Math.max(10, Math.round(Math.min(width / columns, (height - band) / rows) / 48))
    : options.fontSize;
  check(Number.isFinite(fontSize) && fontSize >= 4 && fontSize <= 200, fn, "options.fontSize", `must be a number in [4, 200] (got ${fontSize})`);
  const cellWidth = width / columns;
  const cellHeight = (height - titleBand({ title: options.title, theme: { fontSize } as Theme })) / rows;
  check(cellWidth >= 100, fn, "options.width", `leaves ${Math.floor(cellWidth)} px per panel for ${columns} column(s); need at least 100`);
  check(cellHeight >= 80, fn, "options.height", `leaves ${Math.floor(cellHeight)} px per panel for ${rows} row(s); need at least 80`);
  const background = toRgb(options.background ?? [255, 255, 255], fn, "options.background");
  const dark = background[0] + background[1] + background[2] < 384;
  return {
    width,
    height,
    title: options.title,
    panels: list,
    columns,
    rows,
    shareRanges: options.shareRanges ?? false,
    equalAspect: options.equalAspect ?? true,
    theme: {
      background,
      text: dark ? [230, 230, 230] : [34, 34, 34],
      axis: dark ? [200, 200, 200] : [68, 68, 68],
      grid: dark ? [70, 70, 70] : [232, 232, 232],
      fontSize,
    },
  };
}
