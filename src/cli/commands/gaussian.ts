/**
 * `sbkit gaussian --spec spec.json --times 0.25,0.5,0.75 [--json]`: the closed-form Gaussian Schrödinger bridge
 * (Bunne et al. 2023) for `spec.json = {"mu0":[...],"mu1":[...],"S0":[[...]],"S1":[[...]],"eps":E}`.
 * Prints the plan cross-covariance `C`, the marginal covariances `Σ_t` and the drift matrices `B_t = A_t Σ_t⁻¹`
 * (`b(t,x) = μ1 − μ0 + B_t(x − μ_t)`) at the requested times.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { toNested, type Array2D } from "../../core/array2d.js";
import { SbkitInputError } from "../../core/errors.js";
import { gaussianSb } from "../../gaussian/gaussianSb.js";

/** The JSON printed by `sbkit gaussian --json`. */
export interface GaussianCommandOutput {
  readonly C: number[][];
  readonly Sigma_t: number[][][];
  readonly B_t: number[][][];
}

interface GaussianSpec {
  mu0: number[];
  mu1: number[];
  S0: number[][];
  S1: number[][];
  eps: number;
}

function readSpec(path: string): GaussianSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SbkitInputError("gaussian", "--spec", `cannot be read (${(error as Error).message})`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new SbkitInputError("gaussian", "--spec", `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof spec !== "object" || spec === null) throw new SbkitInputError("gaussian", "--spec", "must hold a JSON object");
  for (const field of ["mu0", "mu1", "S0", "S1", "eps"]) {
    if (!(field in spec)) throw new SbkitInputError("gaussian", "--spec", `is missing the field "${field}" (expected {"mu0","mu1","S0","S1","eps"})`);
  }
  const s = spec as GaussianSpec;
  for (const field of ["mu0", "mu1", "S0", "S1"] as const) {
    if (!Array.isArray(s[field])) throw new SbkitInputError("gaussian", "--spec", `field "${field}" must be an array`);
  }
  return s;
}

/** Parses `"0.25,0.5,0.75"` into times in `[0, 1]`. */
export function parseTimes(list: string): number[] {
  const times = list.split(",").map((v) => v.trim()).filter((v) => v.length > 0).map(Number);
  if (times.length === 0) throw new SbkitInputError("gaussian", "--times", "must list at least one time");
  for (const t of times) {
    if (!(Number.isFinite(t) && t >= 0 && t <= 1)) throw new SbkitInputError("gaussian", "--times", `must be comma-separated times in [0, 1] (got "${list}")`);
  }
  return times;
}

/** Runs the closed form for a spec file and times; the public-API part of the command. */
export function gaussianCommandOutput(specPath: string, times: readonly number[]): GaussianCommandOutput {
  const spec = readSpec(specPath);
  const sb = gaussianSb({ source: { mean: spec.mu0, covariance: spec.S0 }, target: { mean: spec.mu1, covariance: spec.S1 }, epsilon: spec.eps });
  return {
    C: toNested(sb.crossCovariance),
    Sigma_t: times.map((t) => toNested(sb.covarianceAt(t))),
    B_t: times.map((t) => toNested(sb.driftMatrix(t))),
  };
}

function formatMatrix(m: number[][] | Array2D): string {
  const rows = Array.isArray(m) ? m : toNested(m);
  return rows.map((r) => "  [" + r.map((v) => v.toPrecision(6).padStart(12)).join(" ") + " ]").join("\n");
}

/** Registers `sbkit gaussian` on `program`. */
export function registerGaussian(program: Command): void {
  program
    .command("gaussian")
    .description("closed-form Gaussian Schrödinger bridge (Bunne et al. 2023): plan cross-covariance C, Σ_t and drift matrices B_t")
    .requiredOption("--spec <file>", 'JSON file {"mu0":[...],"mu1":[...],"S0":[[...]],"S1":[[...]],"eps":E}')
    .option("--times <list>", "comma-separated times in [0, 1]", "0.25,0.5,0.75")
    .option("--json", "print {\"C\",\"Sigma_t\",\"B_t\"} as JSON")
    .action((options: { spec: string; times: string; json?: boolean }) => {
      const times = parseTimes(options.times);
      const out = gaussianCommandOutput(options.spec, times);
      if (options.json) {
        process.stdout.write(JSON.stringify(out) + "\n");
        return;
      }
      const lines = ["cross-covariance C = E[(X0−μ0)(X1−μ1)ᵀ]:", formatMatrix(out.C)];
      times.forEach((t, k) => {
        lines.push(`t = ${t}: Σ_t`, formatMatrix(out.Sigma_t[k]), `t = ${t}: B_t (drift b = μ1 − μ0 + B_t(x − μ_t))`, formatMatrix(out.B_t[k]));
      });
      process.stdout.write(lines.join("\n") + "\n");
    });
}
