/**
 * The `fbsde` branch of `sbkit fit`: SB-FBSDE likelihood training (Chen, Liu & Theodorou, ICLR 2022) between
 * `--source` and `--target` with `--epsilon` (required; σ = √ε), `--stages K` alternations (default 10) of
 * ⌈steps/K⌉ optimizer steps each, and `--time-steps N` Euler–Maruyama steps per simulated path (default 100).
 * Saves the model folder (networks `forward` and `backward`) into `--out`, checkpointing every N steps; Ctrl-C
 * checkpoints and exits with code 130, `--resume` continues. The summary lists each stage's marginal mismatch.
 */
import { check, SbkitInputError } from "../../core/errors.js";
import type { StepReport } from "../../nn/trainingRun.js";
import { fitFbsde } from "../../solvers/fbsde.js";
import { parseInteger, parseNumber } from "../inputs.js";
import { loadFitPair, requiredEpsilon, watchSigint } from "./fitPair.js";
import { ProgressBar } from "../progress.js";

/** Exit code of an interrupted (checkpointed) run, as for SIGINT. */
const EXIT_INTERRUPTED = 130;

/** The `sbkit fit` flags the fbsde branch reads. */
export interface FbsdeFitFlags {
  source?: string;
  target: string;
  epsilon?: string;
  out: string;
  steps: string;
  batchSize: string;
  hidden: string;
  learningRate: string;
  checkpointEvery: string;
  stages?: string;
  timeSteps?: string;
  n: string;
  seed: string;
  resume?: boolean;
  json?: boolean;
}

/** Runs `sbkit fit --method fbsde ...`. */
export async function runFbsdeFit(flags: FbsdeFitFlags): Promise<void> {
  const fn = "fit";
  const method = "fbsde";
  if (flags.source === undefined) throw new SbkitInputError(fn, "--source", "is required for --method fbsde");
  const epsilon = requiredEpsilon(flags.epsilon, method);
  const steps = parseInteger(flags.steps, fn, "--steps");
  check(steps >= 1, fn, "--steps", `must be ≥ 1 (got ${steps})`);
  const stages = parseInteger(flags.stages ?? "10", fn, "--stages");
  check(stages >= 2, fn, "--stages", `must be ≥ 2 (got ${stages}): stages alternate between the backward and the forward drift`);
  const seed = parseInteger(flags.seed, fn, "--seed");
  const n = parseInteger(flags.n, fn, "--n");
  const { source, target } = loadFitPair(flags.source, flags.target, seed, n);
  const interrupt = watchSigint();
  const bar = new ProgressBar("fit fbsde");
  const t0 = performance.now();
  let result;
  try {
    result = await fitFbsde(source, target, {
      sigma: Math.sqrt(epsilon),
      stages,
      stepsPerStage: Math.ceil(steps / stages),
      timeSteps: flags.timeSteps === undefined ? undefined : parseInteger(flags.timeSteps, fn, "--time-steps"),
      batchSize: parseInteger(flags.batchSize, fn, "--batch-size"),
      hiddenDims: flags.hidden.split(",").map((h) => parseInteger(h, fn, "--hidden")),
      learningRate: parseNumber(flags.learningRate, fn, "--learning-rate"),
      checkpointEvery: parseInteger(flags.checkpointEvery, fn, "--checkpoint-every"),
      seed,
      checkpointDir: flags.out,
      resume: flags.resume === true,
      onStep: (r: StepReport) => bar.update(r.step / r.steps, `step ${r.step}/${r.steps} loss ${r.loss.toPrecision(4)}`),
      shouldStop: interrupt.stopped,
    });
  } finally {
    bar.done();
    interrupt.release();
  }
  const { outcome, model } = result;
  const history = model.lossHistory;
  const tail = history.slice(-Math.min(100, history.length));
  model.dispose();
  const summary = {
    method: "fbsde",
    status: outcome.status,
    steps: outcome.step,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    seconds: (performance.now() - t0) / 1000,
    out: flags.out,
    stages: result.stages.map((s) => ({ stage: s.stage, network: s.network, loss: s.loss, meanError: s.mismatch.meanError, covarianceError: s.mismatch.covarianceError })),
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const { stages: perStage, ...rest } = summary;
    const lines = Object.entries(rest).map(([k, v]) => `${k}: ${v}`);
    for (const s of perStage) lines.push(`stage ${s.stage} (${s.network}): loss ${s.loss.toPrecision(4)}, mismatch mean ${s.meanError.toPrecision(3)}, covariance ${s.covarianceError.toPrecision(3)}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (outcome.status === "interrupted") {
    process.stderr.write(`sbkit fit: interrupted at step ${outcome.step}; checkpoint saved in ${flags.out} (continue with --resume)\n`);
    process.exitCode = EXIT_INTERRUPTED;
  }
}
