/**
 * `sbkit plot --samples Y [--source X] [--trajectory T [--times F | --paths K]] [--loss L] [--density]
 * [--out fig.png|fig.svg] [--title S] [--width W --height H]`: draws point clouds and bridges to PNG or SVG.
 *
 * Panels, left to right: a scatter of the source (if given) and the samples; the trajectories (if given); a
 * density heat map of the samples (with `--density`); the loss curve (if given). Point-cloud panels share ranges.
 *
 * `--trajectory` reads the time-major layout `sbkit demo` and `sbkit sample --trajectory` write: a 2-D array
 * `[T·n, 2]` whose rows `k·n … (k+1)·n − 1` are the `n` states at the `k`-th time. The number of times `T` comes
 * from `--times F` (a vector of the `T` times), else `--paths K` (`T = rows / K`), else a times file found beside
 * the trajectory: `<T minus .npy/.csv>.times.npy` (written by `sample`), then `times.npy` in the same folder
 * (written by `demo`). At most `--max-paths` paths (the first ones) are drawn.
 *
 * `--loss` reads a vector of loss values (`[n]`, `[n, 1]`) or `[n, 2]` rows of `(step, loss)`.
 */
import { existsSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import type { Command } from "commander";
import type { Array2D } from "../../core/array2d.js";
import { readArray2D } from "../../core/arrayFile.js";
import { SbkitInputError, check } from "../../core/errors.js";
import { readNpy1D } from "../../core/npy.js";
import { makeKey, split } from "../../core/rng.js";
import { densityPanel } from "../../plot/density.js";
import { figure, type Panel } from "../../plot/figure.js";
import { lossPanel } from "../../plot/loss.js";
import { FIGURE_FILE_EXTENSIONS, writeFigure } from "../../plot/render.js";
import { scatterPanel, type ScatterCloud } from "../../plot/scatter.js";
import { trajectoriesFromTimeMajor, trajectoryPanel } from "../../plot/trajectories.js";
import { loadPoints, parseInteger } from "../inputs.js";

interface PlotFlags {
  samples: string;
  source?: string;
  trajectory?: string;
  times?: string;
  paths?: string;
  maxPaths: string;
  loss?: string;
  lossScale: string;
  density?: boolean;
  out: string;
  title?: string;
  width?: string;
  height?: string;
  n: string;
  seed: string;
}

const FN = "plot";

function check2D(points: Array2D, flag: string): Array2D {
  check(points.cols === 2, FN, flag, `has ${points.cols} columns; plots show 2-D data [n, 2] (project to 2-D first)`);
  return points;
}

/** The times of a time-major trajectory file, or their count (see the module comment). */
function trajectoryTimes(flags: PlotFlags, rows: number): { count: number; times?: Float64Array; from: string } {
  if (flags.times !== undefined) {
    const times = readNpy1D(flags.times, FN, "--times");
    return { count: times.length, times, from: `--times "${flags.times}"` };
  }
  if (flags.paths !== undefined) {
    const paths = parseInteger(flags.paths, FN, "--paths");
    check(paths >= 1 && rows % paths === 0, FN, "--paths", `must be a positive divisor of the ${rows} trajectory rows (got ${paths})`);
    return { count: rows / paths, from: "--paths" };
  }
  const path = flags.trajectory as string;
  const candidates = [`${path.replace(/\.(npy|csv)$/i, "")}.times.npy`, join(dirname(path), "times.npy")];
  const found = candidates.find((c) => existsSync(c));
  check(found !== undefined, FN, "--trajectory",
    `needs the number of time points: pass --times FILE or --paths K (no ${candidates.map((c) => `"${c}"`).join(" or ")} found)`);
  const times = readNpy1D(found, FN, "--trajectory");
  return { count: times.length, times, from: `"${found}"` };
}

function trajectoryPanelFrom(flags: PlotFlags): Panel {
  const states = check2D(readArray2D(flags.trajectory as string, FN, "--trajectory"), "--trajectory");
  const { count, times, from } = trajectoryTimes(flags, states.rows);
  check(count >= 1 && states.rows % count === 0, FN, "--trajectory",
    `has ${states.rows} rows, not a multiple of the ${count} time points given by ${from} (expected time-major [T·n, 2])`);
  const block = trajectoriesFromTimeMajor(states, count);
  const maxPaths = parseInteger(flags.maxPaths, FN, "--max-paths");
  check(maxPaths >= 1, FN, "--max-paths", `must be ≥ 1 (got ${maxPaths})`);
  const [n, steps] = block.shape;
  const shown = Math.min(n, maxPaths);
  const data = block.data.subarray(0, shown * steps * 2);
  const title = shown < n ? `paths (${shown} of ${n})` : `paths (${n})`;
  return trajectoryPanel({ data, shape: [shown, steps, 2] }, { title, times });
}

function lossPanelFrom(flags: PlotFlags): Panel {
  const table = readArray2D(flags.loss as string, FN, "--loss");
  check(table.cols === 1 || table.cols === 2 || table.rows === 1, FN, "--loss", `must be a vector [n] or [n, 2] rows of (step, loss) (got [${table.rows}, ${table.cols}])`);
  check(flags.lossScale === "linear" || flags.lossScale === "log", FN, "--loss-scale", `must be linear or log (got "${flags.lossScale}")`);
  const logScale = flags.lossScale === "log";
  if (table.cols === 2) {
    const steps = Float64Array.from({ length: table.rows }, (_, i) => table.data[2 * i]);
    const values = Float64Array.from({ length: table.rows }, (_, i) => table.data[2 * i + 1]);
    return lossPanel({ values, steps }, { title: "loss", xLabel: "step", logScale });
  }
  return lossPanel(table.data, { title: "loss", xLabel: "step", logScale });
}

/** The figure, with layout errors reported against the CLI flags that caused them. */
function makeFigure(panels: Panel[], flags: PlotFlags) {
  const size = (value: string | undefined, flag: string) => (value === undefined ? undefined : parseInteger(value, FN, flag));
  try {
    return figure(panels, { title: flags.title, width: size(flags.width, "--width"), height: size(flags.height, "--height"), shareRanges: true });
  } catch (error) {
    if (error instanceof SbkitInputError && error.fn === "figure" && (error.argument === "options.width" || error.argument === "options.height")) {
      const flag = error.argument === "options.width" ? "--width" : "--height";
      throw new SbkitInputError(FN, flag, error.message.slice(`figure: ${error.argument} `.length));
    }
    throw error;
  }
}

function runPlot(flags: PlotFlags): void {
  const ext = extname(flags.out).toLowerCase();
  check(FIGURE_FILE_EXTENSIONS.includes(ext), FN, "--out", `"${flags.out}" must end in ${FIGURE_FILE_EXTENSIONS.join(" or ")}`);
  const [kSource, kSamples] = split(makeKey(parseInteger(flags.seed, FN, "--seed")), 2);
  const n = parseInteger(flags.n, FN, "--n");
  const clouds: ScatterCloud[] = [];
  if (flags.source !== undefined) {
    clouds.push({ points: check2D(loadPoints(flags.source, n, kSource, FN, "--source"), "--source"), label: "source" });
  }
  const samples = check2D(loadPoints(flags.samples, n, kSamples, FN, "--samples"), "--samples");
  clouds.push({ points: samples, label: "samples" });
  check(samples.rows > 0, FN, "--samples", "is empty (0 rows); nothing to plot");

  const panels: Panel[] = [scatterPanel(clouds, { title: flags.source === undefined ? "samples" : "source and samples" })];
  if (flags.trajectory !== undefined) panels.push(trajectoryPanelFrom(flags));
  if (flags.density) panels.push(densityPanel(samples, { title: "sample density" }));
  if (flags.loss !== undefined) panels.push(lossPanelFrom(flags));

  const fig = makeFigure(panels, flags);
  writeFigure(flags.out, fig);
  process.stdout.write(`wrote ${flags.out} (${fig.width} × ${fig.height}, panels: ${panels.map((p) => p.kind).join(", ")})\n`);
}

/** Registers `sbkit plot`. */
export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("draw point clouds, bridge paths, densities and loss curves to a PNG or SVG figure")
    .requiredOption("--samples <Y>", "points [n,2]: .npy/.csv file or a built-in name (8gaussians, moons, ...)")
    .option("--source <X>", "source points [m,2] drawn under the samples: file or built-in name")
    .option("--trajectory <T>", "paths, time-major [T·n, 2] (.npy/.csv), as written by demo and sample")
    .option("--times <F>", "with --trajectory: the T times (.npy vector); default: T.times.npy or times.npy beside it")
    .option("--paths <K>", "with --trajectory and no times file: number of paths n (T = rows / n)")
    .option("--max-paths <K>", "draw at most the first K paths", "128")
    .option("--loss <L>", "loss curve: vector [n] or [n, 2] rows of (step, loss) (.npy/.csv)")
    .option("--loss-scale <S>", "loss y axis: linear or log", "linear")
    .option("--density", "add a density heat map of the samples")
    .option("--out <FILE>", "output figure, .png or .svg", "plot.png")
    .option("--title <S>", "figure title")
    .option("--width <W>", "width in pixels (default 480 per panel)")
    .option("--height <H>", "height in pixels (default 480, plus the title)")
    .option("--n <N>", "points drawn from a built-in data set", "1000")
    .option("--seed <S>", "seed for built-in data sets", "0")
    .action(runPlot);
}
