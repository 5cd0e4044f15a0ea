/**
 * `sbkit benchmark eot --method M --dim D --epsilon E [--seed S] [--steps N] [--test-points T]
 * [--samples-per-point K] [--training-size N] [--marginal-samples M] [--floor] [--json]`: fits a solver on sbkit's seeded EOT benchmark pair (Gushchin et al.,
 * NeurIPS 2023 construction) and prints `{cbw2uvp, bw2uvp, seconds, ...}` (percentages; seconds of the whole run).
 */
import type { Command } from "commander";
import { EOT_METHODS, runEotBenchmark } from "../../data/eotBenchmark/runBenchmark.js";
import { parseInteger, parseNumber } from "../inputs.js";
import { ProgressBar } from "../progress.js";

interface EotFlags {
  method: string;
  dim: string;
  epsilon: string;
  seed: string;
  steps?: string;
  testPoints: string;
  samplesPerPoint: string;
  trainingSize: string;
  marginalSamples: string;
  floor?: boolean;
  json?: boolean;
}

async function runEot(flags: EotFlags): Promise<void> {
  const fn = "benchmark eot";
  const bar = new ProgressBar(`eot ${flags.method}`);
  let scores;
  try {
    scores = await runEotBenchmark({
      method: flags.method,
      dimension: parseInteger(flags.dim, fn, "--dim"),
      epsilon: parseNumber(flags.epsilon, fn, "--epsilon"),
      seed: parseInteger(flags.seed, fn, "--seed"),
      steps: flags.steps === undefined ? undefined : parseInteger(flags.steps, fn, "--steps"),
      testPoints: parseInteger(flags.testPoints, fn, "--test-points"),
      samplesPerPoint: parseInteger(flags.samplesPerPoint, fn, "--samples-per-point"),
      trainingSize: parseInteger(flags.trainingSize, fn, "--training-size"),
      marginalSamples: parseInteger(flags.marginalSamples, fn, "--marginal-samples"),
      includeFloor: flags.floor === true,
      onStep: (r) => bar.update(r.step / r.steps, `step ${r.step}/${r.steps} loss ${r.loss.toPrecision(4)}`),
    });
  } finally {
    bar.done();
  }
  process.stdout.write(flags.json ? `${JSON.stringify(scores)}\n` : `${Object.entries(scores).map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);
}

/** Registers `sbkit benchmark` (sub-command `eot`). */
export function registerBenchmark(program: Command): void {
  const benchmark = program.command("benchmark").description("score solvers on benchmarks with known solutions");
  benchmark
    .command("eot")
    .description("cBW2-UVP / BW2-UVP on the entropic-OT benchmark pair (Gaussian-mixture construction)")
    .requiredOption("--method <M>", `one of ${Object.keys(EOT_METHODS).join(", ")}`)
    .requiredOption("--dim <D>", "dimension (the published grid: 2, 16, 64, 128)")
    .requiredOption("--epsilon <E>", "ε = σ² (the published grid: 0.1, 1, 10)")
    .option("--seed <S>", "seed of the pair, the data and the fit", "0")
    .option("--steps <N>", "optimizer steps (method default when omitted)")
    .option("--test-points <T>", "cBW2-UVP test points", "1000")
    .option("--samples-per-point <K>", "model samples per test point", "1000")
    .option("--training-size <N>", "training pairs drawn from the true plan", "100000")
    .option("--marginal-samples <M>", "model samples for the marginal BW2-UVP", "20000")
    .option("--floor", "also score the true conditional sampler (the Monte-Carlo floor)")
    .option("--json", "print one JSON object")
    .action(runEot);
}
