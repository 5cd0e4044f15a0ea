/**
 * `sbkit ot`: entropic OT (static Schrödinger bridge) between two point clouds, or exact OT with `--exact`.
 * Prints `{cost, regularizedCost, iterations, converged, marginalError, seconds}`; exits 3 when not converged.
 */
import type { Command } from "commander";
import { SbkitInputError } from "../../core/errors.js";
import { writeNpy, writeNpy2D } from "../../core/npy.js";
import { makeKey, split } from "../../core/rng.js";
import { exactOt } from "../../ot/exact/exactOt.js";
import { otProblem } from "../../ot/problem.js";
import { sinkhornAsync } from "../../ot/sinkhornAsync.js";
import { EXIT_NOT_CONVERGED } from "../program.js";
import { ProgressBar } from "../progress.js";
import { sinkhornProgress } from "../sinkhornProgress.js";
import { loadPoints, loadWeights, parseInteger, parseNumber } from "../inputs.js";

interface OtFlags {
  source: string;
  target: string;
  epsilon?: string;
  sourceWeights?: string;
  targetWeights?: string;
  unbalanced?: string;
  exact?: boolean;
  tolerance: string;
  maxIterations: string;
  plan?: string;
  potentials?: string;
  threads?: string;
  precision: string;
  n: string;
  seed: string;
  json?: boolean;
}

async function runOt(flags: OtFlags): Promise<void> {
  const fn = "ot";
  const [ks, kt] = split(makeKey(parseInteger(flags.seed, fn, "--seed")));
  const n = parseInteger(flags.n, fn, "--n");
  const source = loadPoints(flags.source, n, ks, fn, "--source");
  const target = loadPoints(flags.target, n, kt, fn, "--target");
  const sourceWeights = flags.sourceWeights ? loadWeights(flags.sourceWeights, fn, "--source-weights") : undefined;
  const targetWeights = flags.targetWeights ? loadWeights(flags.targetWeights, fn, "--target-weights") : undefined;
  const out = (obj: Record<string, unknown>) => process.stdout.write(flags.json ? `${JSON.stringify(obj)}\n` : `${Object.entries(obj).map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);

  if (flags.exact) {
    const started = performance.now();
    const res = exactOt(source, target, { sourceWeights, targetWeights });
    out({ cost: res.cost, regularizedCost: res.cost, iterations: res.iterations, converged: res.converged, marginalError: 0, seconds: (performance.now() - started) / 1000 });
    if (!res.converged) process.exitCode = EXIT_NOT_CONVERGED;
    return;
  }
  if (flags.epsilon === undefined) throw new SbkitInputError(fn, "--epsilon", "is required (or pass --exact)");
  const epsilon = parseNumber(flags.epsilon, fn, "--epsilon");
  const unbalanced = flags.unbalanced === undefined ? undefined : parseNumber(flags.unbalanced, fn, "--unbalanced");
  const problem = otProblem(source, target, { epsilon, sourceWeights, targetWeights, unbalanced });
  const tolerance = parseNumber(flags.tolerance, fn, "--tolerance");
  if (flags.precision !== "mixed" && flags.precision !== "double") throw new SbkitInputError(fn, "--precision", `must be "mixed" or "double" (got "${flags.precision}")`);
  const bar = new ProgressBar("sinkhorn");
  const res = await sinkhornAsync(problem, {
    tolerance,
    maxIterations: parseInteger(flags.maxIterations, fn, "--max-iterations"),
    threads: flags.threads === undefined ? undefined : parseInteger(flags.threads, fn, "--threads"),
    precision: flags.precision,
    onIteration: sinkhornProgress(bar, tolerance),
  });
  bar.done();
  if (flags.plan) writeNpy2D(flags.plan, res.plan());
  if (flags.potentials) {
    writeNpy(`${flags.potentials}.f.npy`, res.sourcePotential, [res.sourcePotential.length]);
    writeNpy(`${flags.potentials}.g.npy`, res.targetPotential, [res.targetPotential.length]);
  }
  out({ cost: res.cost, regularizedCost: res.regularizedCost, iterations: res.iterations, converged: res.converged, marginalError: res.marginalError, seconds: res.seconds });
  if (!res.converged) {
    process.stderr.write(`sbkit ot: did not converge in ${res.iterations} iterations (marginal error ${res.marginalError.toExponential(2)} > tolerance ${tolerance})\n`);
    process.exitCode = EXIT_NOT_CONVERGED;
  }
}

/** Registers `sbkit ot`. */
export function registerOt(program: Command): void {
  program
    .command("ot")
    .description("entropic OT / static Schrödinger bridge between two point clouds (cost ½‖x−y‖², ε = σ²); --exact for exact OT")
    .requiredOption("--source <file|name>", "source points: .npy/.csv [n,d] or a built-in name (8gaussians, moons, gaussian:D, ...)")
    .requiredOption("--target <file|name>", "target points: .npy/.csv [m,d] or a built-in name")
    .option("--epsilon <E>", "entropic regularization ε = σ² > 0 (required unless --exact)")
    .option("--source-weights <a.npy>", "source weights (uniform when omitted)")
    .option("--target-weights <b.npy>", "target weights (uniform when omitted)")
    .option("--unbalanced <RHO>", "KL-relaxed marginals with strength ρ")
    .option("--exact", "exact OT cost (network simplex / assignment) instead of Sinkhorn")
    .option("--tolerance <T>", "L1 marginal error to stop at", "1e-6")
    .option("--max-iterations <N>", "iteration cap", "10000")
    .option("--plan <P.npy>", "write the dense plan [n,m] (only for problems that fit in memory)")
    .option("--potentials <PREFIX>", "write potentials to PREFIX.f.npy and PREFIX.g.npy")
    .option("--threads <K>", "worker threads (default: cores − 1)")
    .option("--precision <P>", "online sweeps: mixed (float32 until near convergence, then float64) or double", "mixed")
    .option("--n <N>", "points per built-in data set", "1000")
    .option("--seed <S>", "seed for built-in data sets", "0")
    .option("--json", "print one JSON object")
    .action(runOt);
}
