/**
 * The `lightsb` branch of `sbkit fit`: fits LightSB (Korotin et al., ICLR 2024) between `--source` and `--target`
 * with `--epsilon` (required) and `--components K` (default 50) and saves the model folder (config.json +
 * weights.safetensors). `--learning-rate` is used only when set to something other than the neural default 1e-3
 * (LightSB's own default is 0.02). Ctrl-C stops the fit, saves the current parameters and exits with code 130.
 */
import { check, SbkitInputError } from "../../core/errors.js";
import { fitLightSb } from "../../solvers/lightsb/fitLightSb.js";
import { saveLightSb } from "../../solvers/lightsb/lightSbIo.js";
import { parseInteger, parseNumber } from "../inputs.js";
import { loadFitPair, requiredEpsilon, watchSigint } from "./fitPair.js";
import { ProgressBar } from "../progress.js";

/** The `sbkit fit` flags the LightSB branch reads. */
export interface LightSbFitFlags {
  source?: string;
  target: string;
  epsilon?: string;
  out: string;
  steps: string;
  batchSize: string;
  learningRate: string;
  components?: string;
  n: string;
  seed: string;
  resume?: boolean;
  json?: boolean;
}

/** Runs `sbkit fit --method lightsb ...`. */
export async function runLightSbFit(flags: LightSbFitFlags): Promise<void> {
  const fn = "fit";
  const method = "lightsb";
  if (flags.source === undefined) throw new SbkitInputError(fn, "--source", "is required for --method lightsb");
  check(flags.resume !== true, fn, "--resume", "is not supported for --method lightsb (a fit takes seconds; run it again)");
  const epsilon = requiredEpsilon(flags.epsilon, method);
  const seed = parseInteger(flags.seed, fn, "--seed");
  const n = parseInteger(flags.n, fn, "--n");
  const { source, target } = loadFitPair(flags.source, flags.target, seed, n);
  const interrupt = watchSigint();
  const bar = new ProgressBar("fit lightsb");
  let result;
  try {
    result = await fitLightSb(source, target, {
      epsilon,
      components: flags.components === undefined ? undefined : parseInteger(flags.components, fn, "--components"),
      steps: parseInteger(flags.steps, fn, "--steps"),
      batchSize: parseInteger(flags.batchSize, fn, "--batch-size"),
      learningRate: flags.learningRate === "1e-3" ? undefined : parseNumber(flags.learningRate, fn, "--learning-rate"),
      seed,
      onStep: (r) => bar.update(r.step / r.steps, `step ${r.step}/${r.steps} loss ${r.loss.toPrecision(4)}`),
      shouldStop: interrupt.stopped,
    });
  } finally {
    bar.done();
    interrupt.release();
  }
  saveLightSb(flags.out, result.model, { steps: result.steps, lossHistory: result.lossHistory });
  const tail = result.lossHistory.slice(-Math.min(100, result.lossHistory.length));
  const summary = {
    method: "lightsb",
    status: result.status,
    steps: result.steps,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    seconds: result.seconds,
    out: flags.out,
  };
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${Object.entries(summary).map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);
  if (result.status === "interrupted") {
    process.stderr.write(`sbkit fit: interrupted at step ${result.steps}; the current parameters were saved in ${flags.out}\n`);
    process.exitCode = 130;
  }
}
