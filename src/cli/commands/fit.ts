/**
 * `sbkit fit --method <score|cfm|otcfm|sf2m> --source X --target Y --epsilon E --out DIR [--steps N] [--seed S]
 * [--json]`: trains a model and saves it (config.json + safetensors) into DIR, checkpointing every N steps.
 * Ctrl-C checkpoints and exits with code 130; `--resume` continues from DIR. `--source`/`--target` are `.npy`/`.csv`
 * files or built-in data sets (`8gaussians`, `moons`, `gaussian:D`, ...).
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
}

/** Exit code of an interrupted (checkpointed) run, as for SIGINT. */
export const EXIT_INTERRUPTED = 130;

async function runFit(flags: FitFlags): Promise<void> {
  const fn = "fit";
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
    .requiredOption("--method <M>", `one of ${NEURAL_METHODS.join(", ")}`)
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
    .option("--json", "print one JSON object")
    .action(runFit);
}
