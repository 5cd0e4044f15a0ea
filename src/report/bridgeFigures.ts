/**
 * The figures of a trained bridge between two point clouds, and a writer that saves a figure as PNG and SVG:
 *
 * - `samples`: source | target | generated samples over the (faint) target, all with the same ranges;
 * - `trajectories`: one panel per set of simulated paths (e.g. SDE and ODE paths of the same model), coloured by
 *   time `t ∈ [0, 1]` (viridis), start and end points marked, all with the same ranges;
 * - `loss`: the training loss per step and its trailing moving average (log scale when the losses are positive
 *   and span at least a factor of 10, where a log axis has ticks).
 *
 * Data with more than two columns is shown by its first two coordinates.
 */
import { join } from "node:path";
import { array2d, type Array2D } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { figure, type Figure } from "../plot/figure.js";
import { lossPanel } from "../plot/loss.js";
import { renderPng, renderSvg } from "../plot/render.js";
import { scatterPanel } from "../plot/scatter.js";
import { trajectoryPanel, type Trajectories3D } from "../plot/trajectories.js";
import { writeFileAtomic } from "../core/atomicWrite.js";

/** Paths to draw in one panel: `[paths, states, d]` (path-major), the time of each state, and a panel title. */
export interface TrajectorySet {
  readonly title: string;
  readonly paths: Trajectories3D;
  readonly times: ArrayLike<number>;
}

/** What {@link bridgeFigures} draws. */
export interface BridgeFigureData {
  /** Name of the source distribution (titles and legends). */
  readonly sourceName: string;
  readonly targetName: string;
  /** Points `[n, d]`, `d ≥ 2`. */
  readonly source: Array2D;
  readonly target: Array2D;
  /** Model samples `[m, d]`, drawn over the target. */
  readonly generated: Array2D;
  /** Sets of simulated paths, one panel each (at least one). */
  readonly trajectories: readonly TrajectorySet[];
  /** Training loss per step. */
  readonly lossHistory: readonly number[];
  /** Method name for titles, e.g. `"sf2m"`. */
  readonly method: string;
}

/** The named figures of {@link bridgeFigures}. */
export interface BridgeFigures {
  readonly samples: Figure;
  readonly trajectories: Figure;
  readonly loss: Figure;
}

/** Columns 0 and 1 of `[n, d]` points (the points themselves when d = 2). */
export function firstTwoColumns(x: Array2D, fn: string, argument: string): Array2D {
  check(x.cols >= 2, fn, argument, `has ${x.cols} column(s); figures need at least 2 (the first two coordinates are drawn)`);
  if (x.cols === 2) return x;
  const out = new Float64Array(2 * x.rows);
  for (let i = 0; i < x.rows; i++) {
    out[2 * i] = x.data[i * x.cols];
    out[2 * i + 1] = x.data[i * x.cols + 1];
  }
  return array2d(out, x.rows, 2);
}

function pathsIn2D(paths: Trajectories3D, fn: string, argument: string): Trajectories3D {
  const [n, s, d] = paths.shape;
  check(d >= 2, fn, argument, `has ${d} coordinate(s) per state; figures need at least 2`);
  if (d === 2) return paths;
  const out = new Float64Array(n * s * 2);
  for (let r = 0; r < n * s; r++) {
    out[2 * r] = paths.data[r * d];
    out[2 * r + 1] = paths.data[r * d + 1];
  }
  return { data: out, shape: [n, s, 2] };
}

/** Trailing mean over `window` values: `m_k = mean(v[max(0, k−w+1) … k])`. */
export function movingAverage(values: readonly number[], window: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    sum += values[k];
    if (k >= window) sum -= values[k - window];
    out[k] = sum / Math.min(k + 1, window);
  }
  return out;
}

/**
 * The `samples`, `trajectories` and `loss` figures of a trained bridge.
 *
 * @throws SbkitInputError (fn `bridgeFigures`) for data with fewer than 2 columns or an empty loss history, and
 *   the panel builders' errors (NaN/Inf points, times not increasing, ...).
 */
export function bridgeFigures(data: BridgeFigureData): BridgeFigures {
  const fn = "bridgeFigures";
  const source = firstTwoColumns(data.source, fn, "data.source");
  const target = firstTwoColumns(data.target, fn, "data.target");
  const generated = firstTwoColumns(data.generated, fn, "data.generated");
  const axes = data.source.cols > 2 ? { xLabel: "x₀", yLabel: "x₁" } : {};
  const samples = figure([
    scatterPanel({ points: source, label: `source (${data.sourceName})`, color: "#1f77b4" }, { title: "source", ...axes }),
    scatterPanel({ points: target, label: `target (${data.targetName})`, color: "#ff7f0e" }, { title: "target", ...axes }),
    scatterPanel([
      { points: target, label: "target", color: "#bbbbbb", alpha: 0.5 },
      { points: generated, label: `generated (${data.method})`, color: "#2ca02c" },
    ], { title: "generated over target", ...axes }),
  ], { title: `${data.sourceName} → ${data.targetName}: samples`, shareRanges: true });

  check(data.trajectories.length > 0, fn, "data.trajectories", "is empty; pass at least one set of paths");
  const trajectories = figure(
    data.trajectories.map((set, i) => trajectoryPanel(pathsIn2D(set.paths, fn, `data.trajectories[${i}].paths`), { times: set.times, title: set.title, alpha: 0.5, ...axes })),
    { title: `${data.method} paths, ${data.sourceName} → ${data.targetName}, colour = time t (0 → 1)`, shareRanges: true, width: 600 * data.trajectories.length, height: 640 },
  );

  const history = data.lossHistory;
  check(history.length > 0, fn, "data.lossHistory", "is empty; train for at least one step");
  const lo = history.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = history.reduce((a, b) => Math.max(a, b), -Infinity);
  const logScale = lo > 0 && hi >= 10 * lo;
  const window = Math.max(1, Math.round(history.length / 25));
  const loss = figure(lossPanel([
    { values: history, label: "per step", color: "#c7c7c7" },
    { values: movingAverage(history, window), label: `mean of last ${window}`, color: "#1f77b4" },
  ], { title: `training loss (${data.method})`, xLabel: "step", yLabel: logScale ? "loss (log scale)" : "loss", logScale }),
  { width: 640, height: 420 });
  return { samples, trajectories, loss };
}

/** Writes `figure` as `<name>.png` and `<name>.svg` in `dir` (atomically); returns the two file names. */
export function writeFigurePair(dir: string, name: string, fig: Figure): [string, string] {
  const png = `${name}.png`;
  const svg = `${name}.svg`;
  writeFileAtomic(join(dir, png), renderPng(fig), "writeFigurePair", "dir");
  writeFileAtomic(join(dir, svg), renderSvg(fig), "writeFigurePair", "dir");
  return [png, svg];
}
