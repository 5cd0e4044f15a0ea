/**
 * `sbkit sample --model DIR --source X0 [--per-point K] [--steps N] [--mode sde|ode] [--direction forward|backward]
 * [--seed S] --out Y.npy [--trajectory T.npy]`: simulates a fitted model from the given starting points.
 * With `--per-point K` the output has K consecutive rows per source row. The trajectory file is `[(S+1)·n, d]`,
 * time-major (rows `k·n … (k+1)·n − 1` are the states at the k-th saved time), with the times in `T.times.npy`.
 * A LightSB folder (`sbkit fit --method lightsb`) samples its closed-form conditional plan exactly (`--mode exact`,
 * the default without `--trajectory`) or simulates Euler–Maruyama paths of its drift (`--mode sde`, the default
 * with `--trajectory`); it supports only `--direction forward`.
 */
import type { Command } from "commander";
import { array2d } from "../../core/array2d.js";
import { writeArray2D } from "../../core/arrayFile.js";
import { check } from "../../core/errors.js";
import { writeNpy } from "../../core/npy.js";
import { makeKey, split } from "../../core/rng.js";
import { loadModel } from "../../solvers/loadModel.js";
import { isLightSbFolder, loadLightSb } from "../../solvers/lightsb/lightSbIo.js";
import type { IntegrationResult } from "../../sde/integrate.js";
import { loadPoints, parseInteger } from "../inputs.js";

interface SampleFlags {
  model: string;
  source: string;
  perPoint: string;
  steps: string;
  mode?: string;
  direction: string;
  n: string;
  seed: string;
  out: string;
  trajectory?: string;
  saveEvery?: string;
  json?: boolean;
}

async function runSample(flags: SampleFlags): Promise<void> {
  const fn = "sample";
  const seed = parseInteger(flags.seed, fn, "--seed");
  const [kData, kSim] = split(makeKey(seed), 2);
  const x0 = loadPoints(flags.source, parseInteger(flags.n, fn, "--n"), kData, fn, "--source");
  check(flags.direction === "forward" || flags.direction === "backward", fn, "--direction", `must be forward or backward (got "${flags.direction}")`);
  const steps = parseInteger(flags.steps, fn, "--steps");
  const perPoint = parseInteger(flags.perPoint, fn, "--per-point");
  const saveEvery = flags.trajectory === undefined ? undefined : parseInteger(flags.saveEvery ?? "1", fn, "--save-every");
  const direction = flags.direction as "forward" | "backward";
  const t0 = performance.now();
  let res: IntegrationResult;
  if (isLightSbFolder(flags.model)) {
    const { model } = loadLightSb(flags.model);
    const mode = flags.mode ?? (flags.trajectory === undefined ? "exact" : "sde");
    check(mode === "exact" || mode === "sde", fn, "--mode", `must be exact or sde for a LightSB model (got "${mode}")`);
    check(mode === "sde" || flags.trajectory === undefined, fn, "--trajectory", "needs --mode sde for a LightSB model (exact sampling has no path)");
    res = model.sample(x0, kSim, { mode, steps, direction, perPoint, saveEvery });
  } else {
    const model = await loadModel(flags.model);
    check(flags.mode === undefined || flags.mode === "sde" || flags.mode === "ode", fn, "--mode", `must be sde or ode (got "${flags.mode}")`);
    try {
      res = model.sample(x0, kSim, { steps, mode: flags.mode as "sde" | "ode" | undefined, direction, perPoint, saveEvery });
    } finally {
      model.dispose();
    }
  }
  writeArray2D(flags.out, res.final);
  if (flags.trajectory !== undefined) {
    const rows = res.final.rows;
    const d = res.final.cols;
    const all = new Float64Array(res.states.length * rows * d);
    res.states.forEach((s, k) => all.set(s.data, k * rows * d));
    writeArray2D(flags.trajectory, array2d(all, res.states.length * rows, d));
    writeNpy(flags.trajectory.replace(/\.(npy|csv)$/i, "") + ".times.npy", res.times, [res.times.length]);
  }
  const summary = { rows: res.final.rows, dimension: res.final.cols, steps, seconds: (performance.now() - t0) / 1000, out: flags.out };
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${Object.entries(summary).map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);
}

/** Registers `sbkit sample`. */
export function registerSample(program: Command): void {
  program
    .command("sample")
    .description("simulate a fitted model from starting points")
    .requiredOption("--model <DIR>", "model folder written by sbkit fit")
    .requiredOption("--source <X0>", "starting points: .npy/.csv file or built-in data set")
    .option("--per-point <K>", "paths per starting point (K consecutive output rows each)", "1")
    .option("--steps <N>", "integration steps", "100")
    .option("--mode <M>", "sde or ode (default: the method's own); lightsb: exact or sde")
    .option("--direction <D>", "forward (source → target) or backward", "forward")
    .option("--n <N>", "points drawn from a built-in data set", "1000")
    .option("--seed <S>", "seed of built-in data and noise", "0")
    .requiredOption("--out <Y>", "output samples (.npy or .csv)")
    .option("--trajectory <T>", "also write the path states (.npy, time-major) and T.times.npy")
    .option("--save-every <N>", "with --trajectory: save every N steps", "1")
    .option("--json", "print one JSON object")
    .action(runSample);
}
