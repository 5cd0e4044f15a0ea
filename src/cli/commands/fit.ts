/**
 * `sbkit fit --method <score|cfm|otcfm|sf2m> --source X --target Y --epsilon E --out DIR [--steps N] [--seed S]
 * [--json]`: trains a model and saves it (config.json + safetensors) into DIR, checkpointing every N steps.
 * Ctrl-C checkpoints and exits with code 130; `--resume` continues from DIR. `--source`/`--target` are `.npy`/`.csv`
 * files or built-in data sets (`8gaussians`, `moons`, `gaussian:D`, ...). `--method lightsb [--components K]` fits
 * LightSB instead (see fitLightSb.ts).
 */
import type { Command } from "commander";
import { check, SbkitInputError } from "../../core/errors.js";
import { makeKey, split } from "../../core/rng.js";
import { NEURAL_METHODS, type NeuralMethod } from "../../solvers/modelSettings.js";
import { fitScoreModel } from "../../solvers/scoreMatching.js";
import { fitBridgeMatching, type FitResult } from "../../solvers/simulationFree.js";
import type { StepReport } from "../../nn/trainingRun.js";
import { loadPoints, parseInteger, parseNumber } from "../inputs.js";
import { ProgressBar } from "../progress.js";
import { runLightSbFit } from "./fitLightSb.js";
import { runDsbFit } from "./fitDsb.js";
import { runFbsdeFit } from "./fitFbsde.js";

interface FitFlags {
  method: string;
  source?: string;
  target: string;
  epsilon?: string;
  out: string;
  steps: string;
  batchSize: string;
  hidden: string;
  learningRate: string;
  checkpointEvery: string;
  n: string;
  seed: string;
  resume?: boolean;
  json?: boolean;
  iterations?: string;
  stepsPerStage?: string;
  timeSteps?: string;
  trajectories?: string;
  coupling?: string;
  lossWeighting?: string;
}

/** Exit code of an interrupted (checkpointed) run, as for SIGINT. */
export const EXIT_INTERRUPTED = 130;

async function runFit(flags: FitFlags): Promise<void> {
  const fn = "fit";
  if (flags.method === "lightsb") return runLightSbFit(flags);
  if (flags.method === "dsb" || flags.method === "dsbm") return runDsbFit(flags);
  if (flags.method === "fbsde") return runFbsdeFit(flags);
  const method = flags.method as NeuralMethod;
  check(NEURAL_METHODS.includes(method), fn, "--method", `must be one of ${NEURAL_METHODS.join(", ")} (got "${flags.method}")`);
  const seed = parseInteger(flags.seed, fn, "--seed");
  const n = parseInteger(flags.n, fn, "--n");
  const [ks, kt] = split(makeKey(seed + 7919), 2);
  const target = loadPoints(flags.target, n, kt, fn, "--target");
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once("SIGINT", onSigint);
  const bar = new ProgressBar(`fit ${method}`);
  const t0 = performance.now();
  const common = {
    steps: parseInteger(flags.steps, fn, "--steps"),
    batchSize: parseInteger(flags.batchSize, fn, "--batch-size"),
    hiddenDims: flags.hidden.split(",").map((h) => parseInteger(h, fn, "--hidden")),
    learningRate: parseNumber(flags.learningRate, fn, "--learning-rate"),
    checkpointEvery: parseInteger(flags.checkpointEvery, fn, "--checkpoint-every"),
    seed,
    checkpointDir: flags.out,
    resume: flags.resume === true,
    onStep: (r: StepReport) => bar.update(r.step / r.steps, `step ${r.step}/${r.steps} loss ${r.loss.toPrecision(4)}`),
    shouldStop: () => stop,
  };
  let result: FitResult;
  try {
    if (method === "score") {
      result = await fitScoreModel(target, common);
    } else {
      if (flags.source === undefined) throw new SbkitInputError(fn, "--source", `is required for --method ${method}`);
      const source = loadPoints(flags.source, n, ks, fn, "--source");
      let sigma: number | undefined;
      if (flags.epsilon !== undefined) {
        const eps = parseNumber(flags.epsilon, fn, "--epsilon");
        check(eps > 0, fn, "--epsilon", `must be > 0 (got ${eps})`);
        sigma = Math.sqrt(eps);
      } else if (method === "sf2m") {
        throw new SbkitInputError(fn, "--epsilon", "is required for --method sf2m (ε = σ² of the reference σ dW)");
      }
      check(method === "cfm" || method === "otcfm" || method === "sf2m", fn, "--method", `"${method}" has no fit branch here`);
      result = await fitBridgeMatching(method, source, target, { ...common, sigma });
    }
  } finally {
    bar.done();
    process.removeListener("SIGINT", onSigint);
  }
  const { outcome, model } = result;
  const history = model.lossHistory;
  const tail = history.slice(-Math.min(100, history.length));
  const summary = {
    method,
    status: outcome.status,
    steps: outcome.step,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    seconds: (performance.now() - t0) / 1000,
    out: flags.out,
  };
  model.dispose();
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${Object.entries(summary).map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);
  if (outcome.status === "interrupted") {
    process.stderr.write(`sbkit fit: interrupted at step ${outcome.step}; checkpoint saved in ${flags.out} (continue with --resume)\n`);
    process.exitCode = EXIT_INTERRUPTED;
  }
}

/** Registers `sbkit fit`. */
export function registerFit(program: Command): void {
  program
    .command("fit")
    .description("train a neural bridge / generative model and save it to a folder")
    .requiredOption("--method <M>", `one of ${NEURAL_METHODS.join(", ")}, lightsb`)
    .option("--source <X>", "source samples: .npy/.csv file or built-in data set (not used by score)")
    .requiredOption("--target <Y>", "target samples: .npy/.csv file or built-in data set")
    .option("--epsilon <E>", "ε = σ² of the reference σ dW (required for sf2m; cfm/otcfm: path noise σ = √ε)")
    .requiredOption("--out <DIR>", "model folder (config.json + weights safetensors)")
    .option("--steps <N>", "optimizer steps", "2000")
    .option("--batch-size <B>", "minibatch size", "256")
    .option("--hidden <H>", "hidden widths of the MLP, comma-separated", "256,256,256")
    .option("--learning-rate <LR>", "Adam learning rate", "1e-3")
    .option("--checkpoint-every <N>", "checkpoint every N steps", "500")
    .option("--n <N>", "points drawn from a built-in data set", "10000")
    .option("--seed <S>", "seed of data, initialization and minibatches", "0")
    .option("--resume", "continue the run saved in --out")
    .option("--components <K>", "lightsb: Gaussian-mixture components of the potential (default 50)")
    .option("--stages <K>", "fbsde: alternations of backward/forward training, each ⌈steps/K⌉ steps (default 10)")
    .option("--time-steps <N>", "fbsde: Euler–Maruyama steps of the simulated paths (default 100); dsb: uniform time steps of the bridge (default 20); dsbm: simulation steps (default 50)")
    .option("--iterations <K>", "dsb/dsbm: outer IPF/IMF iterations, two stages each (default dsb 5, dsbm 4)")
    .option("--steps-per-stage <N>", "dsb/dsbm: optimizer steps per stage (default: --steps split over the stages)")
    .option("--trajectories <M>", "dsb: paths cached per stage (default 8192 in low dimension); dsbm: simulated pairs per stage (default 4096)")
    .option("--coupling <C>", "dsbm: initial coupling, independent, exact or sinkhorn (default independent)")
    .option("--loss-weighting <W>", "dsbm: bridge-matching loss weights over t, uniform or linear (w = 1 − t forward, t backward; default uniform)")
    .option("--json", "print one JSON object")
    .action(runFit);
}
