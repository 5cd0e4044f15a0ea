/**
 * `sbkit demo`: the Schrödinger bridge between two built-in 2-D clouds, end to end, in seconds.
 *
 * 1. Static SB: entropic OT with `ε = σ²` between `n` source and `n` target points (log-domain Sinkhorn, ε-scaling).
 * 2. Dynamic SB: pairs `(x0, x1)` drawn from the entropic plan, joined by Brownian bridges of `σ dW` — the SB path
 *    measure is exactly this mixture of reference bridges over the static plan (Léonard 2014; monograph §4.1).
 * 3. Checks with numbers: exact W2 between the clouds, and W2 from the out-of-sample entropic map of fresh source
 *    points to fresh target points (Pooladian & Niles-Weed 2021).
 *
 * Writes `source.npy`, `target.npy`, `mapped.npy`, `trajectory.npy` (`[(steps+1)·paths, 2]`, time-major: rows
 * `k·paths … (k+1)·paths − 1` are the states at `times[k]`), `times.npy` and `summary.json` to the output folder.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { writeFileAtomic } from "../../core/atomicWrite.js";
import { check } from "../../core/errors.js";
import { writeNpy, writeNpy2D } from "../../core/npy.js";
import { makeKey, split } from "../../core/rng.js";
import { wasserstein2 } from "../../metrics/wasserstein.js";
import { otProblem } from "../../ot/problem.js";
import { sinkhornAsync } from "../../ot/sinkhornAsync.js";
import { sampleBridgePaths } from "../../sde/bridgePaths.js";
import { brownianReference } from "../../sde/reference.js";
import { uniformTimeGrid } from "../../sde/time.js";
import { loadPoints, parseInteger, parseNumber } from "../inputs.js";
import { EXIT_NOT_CONVERGED } from "../program.js";
import { ProgressBar } from "../progress.js";
import { sinkhornProgress } from "../sinkhornProgress.js";

interface DemoFlags {
  source: string;
  target: string;
  sigma: string;
  n: string;
  paths: string;
  steps: string;
  tolerance: string;
  seed: string;
  out: string;
  json?: boolean;
}

/** Rows `indices` of `[rows, d]` data, as a new array. */
function gather(x: { data: Float64Array; cols: number }, indices: Int32Array) {
  const d = x.cols;
  const out = new Float64Array(indices.length * d);
  for (let r = 0; r < indices.length; r++) out.set(x.data.subarray(indices[r] * d, indices[r] * d + d), r * d);
  return { data: out, rows: indices.length, cols: d };
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const fn = "demo";
  const sigma = parseNumber(flags.sigma, fn, "--sigma");
  check(sigma > 0, fn, "--sigma", `must be > 0 (got ${sigma})`);
  const n = parseInteger(flags.n, fn, "--n");
  check(n >= 2, fn, "--n", `must be ≥ 2 (got ${n})`);
  const pathCount = parseInteger(flags.paths, fn, "--paths");
  check(pathCount >= 1, fn, "--paths", `must be ≥ 1 (got ${pathCount})`);
  const steps = parseInteger(flags.steps, fn, "--steps");
  const tolerance = parseNumber(flags.tolerance, fn, "--tolerance");
  const [kSource, kTarget, kPairs, kPaths, kFreshS, kFreshT] = split(makeKey(parseInteger(flags.seed, fn, "--seed")), 6);
  const source = loadPoints(flags.source, n, kSource, fn, "--source");
  const target = loadPoints(flags.target, n, kTarget, fn, "--target");
  check(source.cols === target.cols, fn, "--target", `has dimension ${target.cols}, expected ${source.cols} like --source`);

  const epsilon = sigma * sigma;
  const bar = new ProgressBar("static SB (Sinkhorn)");
  const plan = await sinkhornAsync(otProblem(source, target, { epsilon }), { tolerance, onIteration: sinkhornProgress(bar, tolerance) });
  bar.done();

  const { sourceIndices, targetIndices } = plan.samplePairs(kPairs, pathCount);
  const times = uniformTimeGrid(steps);
  const { paths } = sampleBridgePaths(brownianReference(sigma), kPaths, gather(source, sourceIndices), gather(target, targetIndices), times);
  const trajectory = new Float64Array(times.length * pathCount * source.cols);
  paths.forEach((p, k) => trajectory.set(p.data, k * p.data.length));

  const freshSource = loadPoints(flags.source, n, kFreshS, fn, "--source");
  const freshTarget = loadPoints(flags.target, n, kFreshT, fn, "--target");
  const mapped = plan.entropicMap(freshSource);
  const summary = {
    source: flags.source,
    target: flags.target,
    n,
    sigma,
    epsilon,
    cost: plan.cost,
    regularizedCost: plan.regularizedCost,
    iterations: plan.iterations,
    converged: plan.converged,
    marginalError: plan.marginalError,
    sinkhornSeconds: plan.seconds,
    w2SourceTarget: wasserstein2(source, target),
    w2EntropicMapToTarget: wasserstein2(mapped, freshTarget),
    w2TargetToFreshTarget: wasserstein2(target, freshTarget),
    paths: pathCount,
    steps,
  };

  mkdirSync(flags.out, { recursive: true });
  writeNpy2D(join(flags.out, "source.npy"), source);
  writeNpy2D(join(flags.out, "target.npy"), target);
  writeNpy2D(join(flags.out, "mapped.npy"), mapped);
  writeNpy(join(flags.out, "trajectory.npy"), trajectory, [times.length * pathCount, source.cols]);
  writeNpy(join(flags.out, "times.npy"), times, [times.length]);
  writeFileAtomic(join(flags.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`, fn, "--out");

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const f = (x: number) => x.toFixed(4);
    process.stdout.write([
      `Schrödinger bridge ${flags.source} → ${flags.target}, n = ${n}, σ = ${sigma} (ε = σ² = ${epsilon})`,
      `  static SB: Sinkhorn ${plan.converged ? "converged" : "DID NOT converge"} in ${plan.iterations} iterations, ${plan.seconds.toFixed(2)} s, marginal error ${plan.marginalError.toExponential(2)}`,
      `  transport cost ∫½‖x−y‖² dπ = ${f(plan.cost)}, entropic cost = ${f(plan.regularizedCost)}`,
      `  exact W2(source, target) = ${f(summary.w2SourceTarget)}`,
      `  W2(entropic map of fresh source, fresh target) = ${f(summary.w2EntropicMapToTarget)} (two target samples differ by ${f(summary.w2TargetToFreshTarget)})`,
      `  ${pathCount} bridge paths × ${steps} steps written to ${join(flags.out, "trajectory.npy")} (time-major, times in times.npy)`,
      `  outputs: ${flags.out}/{source,target,mapped,trajectory,times}.npy, summary.json`,
      "",
    ].join("\n"));
  }
  if (!plan.converged) process.exitCode = EXIT_NOT_CONVERGED;
}

/** Registers `sbkit demo`. */
export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Schrödinger bridge between two built-in 2-D clouds: static SB by Sinkhorn, paths by Brownian bridges")
    .option("--source <file|name>", "source points (.npy/.csv or built-in name)", "8gaussians")
    .option("--target <file|name>", "target points (.npy/.csv or built-in name)", "moons")
    .option("--sigma <S>", "reference noise σ (ε = σ²)", "0.5")
    .option("--n <N>", "points per cloud", "1000")
    .option("--paths <K>", "bridge paths to sample", "256")
    .option("--steps <T>", "time steps per path", "50")
    .option("--tolerance <T>", "Sinkhorn L1 marginal error", "1e-6")
    .option("--seed <S>", "seed", "0")
    .option("--out <DIR>", "output folder", "sbkit-out")
    .option("--json", "print the summary as one JSON object")
    .action(runDemo);
}
