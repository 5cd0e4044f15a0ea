/**
 * The EOT benchmark grid (Gushchin et al., NeurIPS 2023 construction, sbkit's seeded pairs): LightSB on d ∈ {2, 16,
 * 64, 128} × ε ∈ {0.1, 1, 10} with the published protocol (1000 test points × 1000 model samples), plus the
 * Monte-Carlo floor (the true conditional sampler scored the same way) and LightSB's closed-form-moment score.
 * Writes bench/out/eot.json after every cell.
 *
 *   node --import tsx bench/eot.ts [--methods lightsb] [--dims 2,16,64,128] [--epsilons 0.1,1,10] [--test-points 1000]
 *     [--steps N] [--out bench/out/eot.json]
 *
 * `--steps` overrides the method's default number of optimizer steps (for the two-drift solvers, the total over all
 * stages); write such runs to another `--out` file so they do not replace the default-settings cells.
 * Cells already in bench/out/eot.json are kept unless re-run (a re-run replaces the cell with the same method, d, ε).
 */
import { cpus } from "node:os";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../src/core/atomicWrite.js";
import { runEotBenchmark, type EotBenchmarkScores } from "../src/data/eotBenchmark/runBenchmark.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const methods = arg("methods", "lightsb").split(",");
const dims = arg("dims", "2,16,64,128").split(",").map(Number);
const epsilons = arg("epsilons", "0.1,1,10").split(",").map(Number);
const testPoints = Number(arg("test-points", "1000"));
const stepsArg = arg("steps", "");
const steps = stepsArg === "" ? undefined : Number(stepsArg);
const outDir = join(import.meta.dirname, "out");
mkdirSync(outDir, { recursive: true });
const outFile = arg("out", join(outDir, "eot.json"));
const previous = existsSync(outFile) ? (JSON.parse(readFileSync(outFile, "utf8")) as { results: EotBenchmarkScores[] }).results : [];
const results: EotBenchmarkScores[] = [...previous];
const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version };
for (const method of methods) {
  for (const dimension of dims) {
    for (const epsilon of epsilons) {
      const r = await runEotBenchmark({ method, dimension, epsilon, testPoints, steps, includeFloor: true });
      // Re-read the file so that two runs on different cells can share it.
      const current = existsSync(outFile) ? (JSON.parse(readFileSync(outFile, "utf8")) as { results: EotBenchmarkScores[] }).results : results;
      results.splice(0, results.length, ...current);
      const same = results.findIndex((p) => p.method === method && p.dimension === dimension && p.epsilon === epsilon);
      if (same >= 0) results.splice(same, 1);
      results.push(r);
      results.sort((p, q) => p.method.localeCompare(q.method) || p.dimension - q.dimension || p.epsilon - q.epsilon);
      console.log(JSON.stringify(r));
      writeFileAtomic(outFile, JSON.stringify({ machine, testPoints, results }, null, 1) + "\n");
    }
  }
}
