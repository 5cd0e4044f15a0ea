/**
 * `sbkit demo`: trains a neural Schrödinger bridge between two clouds (default 8gaussians → moons) in well under a
 * minute on two CPU cores, checks it with numbers, and writes a browsable report.
 *
 * 1. Training: [SF]²M by default (Tong et al. 2024: minibatch Sinkhorn coupling with ε = σ², Brownian-bridge paths,
 *    flow and score matching), or OT-CFM / I-CFM, on `n` source and `n` target points, with a progress bar on stderr.
 * 2. Generation: `n` fresh source points pushed through the model (sf2m: `dX = [v + σ²/2 s] dt + σ dW`; cfm/otcfm:
 *    the ODE `dx/dt = v`), plus `paths` simulated trajectories.
 * 3. Numbers: exact W2 of the generated samples to a fresh target sample, W2 of source to target for scale, W2 of
 *    two target samples (the sampling-noise floor), and the static SB between the evaluation clouds (entropic OT
 *    with ε = σ², log-domain Sinkhorn). Built-in data is drawn fresh for evaluation; a file is used as is.
 *
 * Writes to `--out` (default `sbkit-out/`): `index.html` (the report), `samples`, `trajectories` and `loss` figures
 * as `.png` and `.svg`, `source.npy` (the starting points; row i of `generated.npy` was simulated from row i),
 * `target.npy` (the evaluation target), `generated.npy`, `trajectory.npy` (`[(S+1)·paths, d]`, time-major: rows
 * `k·paths … (k+1)·paths − 1` are the states at `times[k]`), `times.npy`, `loss.npy` and `summary.json`.
 */
import { mkdirSync } from "node:fs";
import { extname, join } from "node:path";
import type { Command } from "commander";
import { array2d, type Array2D } from "../../core/array2d.js";
import { writeFileAtomic } from "../../core/atomicWrite.js";
import { check, SbkitNumericalError } from "../../core/errors.js";
import { writeNpy, writeNpy2D } from "../../core/npy.js";
import { foldIn, makeKey, permutation, split, type Key } from "../../core/rng.js";
import { wasserstein2 } from "../../metrics/wasserstein.js";
import type { StepReport } from "../../nn/trainingRun.js";
import { otProblem } from "../../ot/problem.js";
import { sinkhorn } from "../../ot/sinkhorn.js";
import { trajectoriesFromTimeMajor } from "../../plot/trajectories.js";
import type { IntegrationResult } from "../../sde/integrate.js";
import { bridgeFigures, writeFigurePair, type TrajectorySet } from "../../report/bridgeFigures.js";
import { demoReport, demoText, type DemoSummary } from "../../report/demoReport.js";
import { renderReportHtml } from "../../report/html.js";
import type { BridgeModel } from "../../solvers/bridgeModel.js";
import { gatherRows } from "../../solvers/coupling.js";
import { fitBridgeMatching, type BridgeMatchingMethod, type FitResult } from "../../solvers/simulationFree.js";
import { loadPoints, parseInteger, parseNumber } from "../inputs.js";
import { EXIT_NOT_CONVERGED } from "../program.js";
import { ProgressBar } from "../progress.js";

interface DemoFlags {
  source: string;
  target: string;
  method: string;
  sigma: string;
  steps: string;
  n: string;
  paths: string;
  sampleSteps: string;
  mode?: string;
  batchSize: string;
  hidden: string;
  learningRate: string;
  tolerance: string;
  seed: string;
  out: string;
  json?: boolean;
}

const FN = "demo";

/** The methods the demo trains. */
export const DEMO_METHODS: readonly BridgeMatchingMethod[] = ["sf2m", "otcfm", "cfm"];

/** Largest cloud on which the exact W2 and the static Sinkhorn are computed (exact W2 is O(n³)). */
export const EVALUATION_POINTS = 1000;

const isFile = (spec: string) => [".npy", ".csv"].includes(extname(spec).toLowerCase());

/** At most `count` rows of `x`, a uniformly random subset (all rows, in order, when there are few enough). */
function subsample(x: Array2D, count: number, key: Key): Array2D {
  return x.rows <= count ? x : gatherRows(x, permutation(key, x.rows).subarray(0, count));
}

/** Rows `0, 1, …, count − 1` of `x`, cycling when `x` has fewer rows. */
function firstRows(x: Array2D, count: number): Array2D {
  return gatherRows(x, Int32Array.from({ length: count }, (_, i) => i % x.rows));
}

/** The saved states of a simulation stacked time-major: `[T·n, d]`, rows `k·n … (k+1)·n − 1` at `times[k]`. */
function timeMajor(result: IntegrationResult): Array2D {
  const { rows, cols } = result.final;
  const out = new Float64Array(result.states.length * rows * cols);
  result.states.forEach((state, k) => out.set(state.data, k * rows * cols));
  return array2d(out, result.states.length * rows, cols);
}

/** Simulates `x0` in chunks so a progress bar can move; chunk c uses `foldIn(key, c)`; `onRows(k)` after k rows. */
function sampleInChunks(model: BridgeModel, x0: Array2D, key: Key, steps: number, mode: "sde" | "ode", onRows: (rows: number) => void): Array2D {
  const chunks = Math.min(10, x0.rows);
  const size = Math.ceil(x0.rows / chunks);
  const out = new Float64Array(x0.rows * x0.cols);
  for (let c = 0, start = 0; start < x0.rows; c++, start += size) {
    const rows = Math.min(size, x0.rows - start);
    const part = array2d(x0.data.slice(start * x0.cols, (start + rows) * x0.cols), rows, x0.cols);
    out.set(model.sample(part, foldIn(key, c), { steps, mode }).final.data, start * x0.cols);
    onRows(start + rows);
  }
  return array2d(out, x0.rows, x0.cols);
}

function parseFlags(flags: DemoFlags) {
  const method = flags.method as BridgeMatchingMethod;
  const hint = flags.method === "score" ? " (score is not a bridge between two clouds; use sbkit fit --method score)" : "";
  check(DEMO_METHODS.includes(method), FN, "--method", `must be one of ${DEMO_METHODS.join(", ")} (got "${flags.method}")${hint}`);
  const sigma = parseNumber(flags.sigma, FN, "--sigma");
  check(sigma > 0, FN, "--sigma", `must be > 0 (got ${sigma}); σ is the reference noise σ dW and ε = σ²`);
  const positive = (value: string, flag: string, min = 1) => {
    const v = parseInteger(value, FN, flag);
    check(v >= min, FN, flag, `must be an integer ≥ ${min} (got ${v})`);
    return v;
  };
  const learningRate = parseNumber(flags.learningRate, FN, "--learning-rate");
  check(learningRate > 0, FN, "--learning-rate", `must be > 0 (got ${learningRate})`);
  const tolerance = parseNumber(flags.tolerance, FN, "--tolerance");
  check(tolerance > 0, FN, "--tolerance", `must be > 0 (got ${tolerance})`);
  const defaultMode = method === "sf2m" ? "sde" : "ode";
  const mode = flags.mode ?? defaultMode;
  check(mode === "sde" || mode === "ode", FN, "--mode", `must be sde or ode (got "${mode}")`);
  check(mode === "ode" || method === "sf2m", FN, "--mode", `sde needs a learned score, which ${method} does not train; use --mode ode or --method sf2m`);
  return {
    method,
    sigma,
    steps: positive(flags.steps, "--steps"),
    n: positive(flags.n, "--n", 2),
    paths: positive(flags.paths, "--paths"),
    sampleSteps: positive(flags.sampleSteps, "--sample-steps"),
    mode: mode as "sde" | "ode",
    batchSize: positive(flags.batchSize, "--batch-size"),
    hiddenDims: flags.hidden.split(",").map((h) => positive(h.trim(), "--hidden")),
    learningRate,
    tolerance,
    seed: positive(flags.seed, "--seed", 0),
  };
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const started = performance.now();
  const s = parseFlags(flags);
  const [kSource, kTarget, kEvalSource, kEvalTarget, kSample, kPaths, kSubsample] = split(makeKey(s.seed), 7);
  const source = loadPoints(flags.source, s.n, kSource, FN, "--source");
  const target = loadPoints(flags.target, s.n, kTarget, FN, "--target");
  check(source.cols === target.cols, FN, "--target", `has dimension ${target.cols}, expected ${source.cols} like --source`);
  check(source.cols >= 2, FN, "--source", `has ${source.cols} column(s); the demo draws 2-D figures and needs d ≥ 2`);
  // Evaluation clouds: fresh draws of built-in data (held out from training); a file is used as is.
  const [kStart, kSubS, kSubT, kSubG, kSubR] = split(kSubsample, 5);
  const start = subsample(isFile(flags.source) ? source : loadPoints(flags.source, s.n, kEvalSource, FN, "--source"), s.n, kStart);
  const evalTarget = isFile(flags.target) ? target : loadPoints(flags.target, s.n, kEvalTarget, FN, "--target");

  const trainBar = new ProgressBar(`train ${s.method}`);
  let result: FitResult;
  try {
    result = await fitBridgeMatching(s.method, source, target, {
      sigma: s.sigma,
      steps: s.steps,
      batchSize: s.batchSize,
      hiddenDims: s.hiddenDims,
      learningRate: s.learningRate,
      seed: s.seed,
      onStep: (r: StepReport) => trainBar.update(r.step / r.steps, `step ${r.step}/${r.steps} loss ${r.loss.toPrecision(4)}`, r.step === r.steps),
    });
  } finally {
    trainBar.done();
  }
  const { model, outcome } = result;
  const trainingSeconds = outcome.seconds;

  const t0 = performance.now();
  const sampleBar = new ProgressBar(`sample ${s.mode}`);
  const pathStarts = firstRows(start, s.paths);
  let generated: Array2D;
  let traced: IntegrationResult;
  let flowTraced: IntegrationResult | undefined;
  const work = start.rows + s.paths * (s.mode === "sde" ? 2 : 1);
  const progress = (rows: number, what: string) => sampleBar.update(rows / work, what, rows === work);
  try {
    generated = sampleInChunks(model, start, kSample, s.sampleSteps, s.mode, (rows) => progress(rows, `${rows}/${start.rows} points`));
    traced = model.sample(pathStarts, kPaths, { steps: s.sampleSteps, mode: s.mode, saveEvery: 1 });
    progress(start.rows + s.paths, `${s.paths} paths`);
    // The probability-flow ODE of sf2m has the same marginals as its SDE: smooth paths for the figure.
    if (s.mode === "sde") {
      flowTraced = model.sample(pathStarts, kPaths, { steps: s.sampleSteps, mode: "ode", saveEvery: 1 });
      progress(work, `${s.paths} probability-flow paths`);
    }
  } finally {
    sampleBar.done();
    model.dispose();
  }
  const samplingSeconds = (performance.now() - t0) / 1000;
  const history = model.lossHistory;
  const finite = (x: Array2D) => x.data.every(Number.isFinite);
  if (!history.every(Number.isFinite) || !finite(generated) || !finite(traced.final) || (flowTraced !== undefined && !finite(flowTraced.final))) {
    throw new SbkitNumericalError(FN, `training diverged (non-finite ${history.every(Number.isFinite) ? "samples" : "loss"}); try a smaller --learning-rate`);
  }
  const d = source.cols;
  const times = traced.times;
  const trajectory = timeMajor(traced);
  const trajectorySets: TrajectorySet[] = [{ title: `${s.paths} paths, ${s.mode === "sde" ? "SDE" : "ODE"}`, paths: trajectoriesFromTimeMajor(trajectory, times.length), times }];
  if (flowTraced !== undefined) {
    trajectorySets.push({ title: "probability-flow ODE", paths: trajectoriesFromTimeMajor(timeMajor(flowTraced), flowTraced.times.length), times: flowTraced.times });
  }

  // Numbers, on at most EVALUATION_POINTS points per cloud.
  const m = EVALUATION_POINTS;
  const evalStart = subsample(start, m, kSubS);
  const evalTargetSub = subsample(evalTarget, m, kSubT);
  const w2GeneratedTarget = wasserstein2(subsample(generated, m, kSubG), evalTargetSub);
  const w2SourceTarget = wasserstein2(evalStart, evalTargetSub);
  const w2TargetResample = isFile(flags.target) ? null : wasserstein2(subsample(target, m, kSubR), evalTargetSub);
  const epsilon = s.sigma * s.sigma;
  const plan = sinkhorn(otProblem(evalStart, evalTargetSub, { epsilon }), { tolerance: s.tolerance });
  const tail = history.slice(-Math.min(50, history.length));

  mkdirSync(flags.out, { recursive: true });
  const figures = bridgeFigures({
    sourceName: flags.source, targetName: flags.target, method: s.method, source: start, target: evalTarget, generated,
    trajectories: trajectorySets, lossHistory: history,
  });
  const figureFiles = {
    samples: writeFigurePair(flags.out, "samples", figures.samples),
    trajectories: writeFigurePair(flags.out, "trajectories", figures.trajectories),
    loss: writeFigurePair(flags.out, "loss", figures.loss),
  };
  writeNpy2D(join(flags.out, "source.npy"), start);
  writeNpy2D(join(flags.out, "target.npy"), evalTarget);
  writeNpy2D(join(flags.out, "generated.npy"), generated);
  writeNpy2D(join(flags.out, "trajectory.npy"), trajectory);
  writeNpy(join(flags.out, "times.npy"), times, [times.length]);
  writeNpy(join(flags.out, "loss.npy"), Float64Array.from(history), [history.length]);

  const summary: DemoSummary = {
    source: flags.source,
    target: flags.target,
    method: s.method,
    sigma: s.sigma,
    epsilon,
    dimension: d,
    n: s.n,
    paths: s.paths,
    steps: s.steps,
    batchSize: s.batchSize,
    hiddenDims: s.hiddenDims,
    learningRate: s.learningRate,
    sampleSteps: s.sampleSteps,
    mode: s.mode,
    seed: s.seed,
    trainingSeconds,
    samplingSeconds,
    totalSeconds: (performance.now() - started) / 1000,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    evaluationPoints: Math.min(evalStart.rows, evalTargetSub.rows),
    w2GeneratedTarget,
    w2SourceTarget,
    w2TargetResample,
    staticSb: {
      epsilon,
      cost: plan.cost,
      regularizedCost: plan.regularizedCost,
      iterations: plan.iterations,
      converged: plan.converged,
      marginalError: plan.marginalError,
      seconds: plan.seconds,
    },
    figures: figureFiles,
  };
  writeFileAtomic(join(flags.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`, FN, "--out");
  writeFileAtomic(join(flags.out, "index.html"), renderReportHtml(demoReport(summary)), FN, "--out");

  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(demoText(summary, join(flags.out, "index.html")));
  if (!plan.converged) {
    process.stderr.write(`sbkit demo: the static-SB Sinkhorn did not converge (marginal error ${plan.marginalError.toExponential(2)}); results written\n`);
    process.exitCode = EXIT_NOT_CONVERGED;
  }
}

/** Registers `sbkit demo`. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("train a neural Schrödinger bridge between two 2-D clouds (8gaussians → moons) and write an HTML report with figures")
    .option("--source <file|name>", "source points (.npy/.csv or built-in name)", "8gaussians")
    .option("--target <file|name>", "target points (.npy/.csv or built-in name)", "moons")
    .option("--method <M>", `one of ${DEMO_METHODS.join(", ")}`, "sf2m")
    .option("--sigma <S>", "reference noise σ (ε = σ²; cfm/otcfm: path noise)", "0.5")
    .option("--steps <N>", "training steps", "300")
    .option("--n <N>", "points per cloud (training, and again for evaluation)", "1000")
    .option("--paths <K>", "trajectories to simulate and draw", "256")
    .option("--sample-steps <S>", "integration steps of the sampler", "100")
    .option("--mode <M>", "sde or ode (default: sde for sf2m, ode for cfm/otcfm)")
    .option("--batch-size <B>", "minibatch size", "256")
    .option("--hidden <H>", "hidden widths of the MLP, comma-separated", "64,64,64")
    .option("--learning-rate <LR>", "Adam learning rate", "4e-3")
    .option("--tolerance <T>", "L1 marginal error of the static-SB Sinkhorn", "1e-6")
    .option("--seed <S>", "seed of data, initialization, minibatches and sampling", "0")
    .option("--out <DIR>", "output folder", "sbkit-out")
    .option("--json", "print the summary as one JSON object")
    .action(runDemo);
}
