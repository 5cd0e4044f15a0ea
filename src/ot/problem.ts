/**
 * The entropic OT problem between two weighted point clouds — the static Schrödinger bridge for the reference
 * `dX = σ dW` with `ε = σ²` and cost `c(x,y) = ½‖x−y‖²`:
 *
 *   min_π ∫ c dπ + ε KL(π ‖ μ⊗ν) [+ ρ_μ KL(π₁ ‖ μ) + ρ_ν KL(π₂ ‖ ν) when unbalanced].
 *
 * A problem is immutable data: it stores the points (not an n×m cost matrix), the weights and ε.
 * (Cuturi 2013, "Sinkhorn distances"; Chizat et al. 2018 for the KL-relaxed unbalanced problem.)
 */
import { checkAllFinite, throwNonFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkPositive } from "../core/errors.js";
import { wasmFirstNonFinite } from "./prepWasm.js";

/** An entropic OT problem. `sourceRho`/`targetRho` are `Infinity` for a hard (balanced) marginal. */
export interface OtProblem {
  /** Source points `[n, d]`. */
  readonly source: Array2D;
  /** Target points `[m, d]`. */
  readonly target: Array2D;
  /** Source weights `a ∈ Δ_n` (normalized to sum 1). */
  readonly sourceWeights: Float64Array;
  /** Target weights `b ∈ Δ_m` (normalized to sum 1). */
  readonly targetWeights: Float64Array;
  /** Entropic regularization `ε = σ² > 0`. */
  readonly epsilon: number;
  /** KL strength `ρ` relaxing the source marginal; `Infinity` = balanced. */
  readonly sourceRho: number;
  /** KL strength `ρ` relaxing the target marginal; `Infinity` = balanced. */
  readonly targetRho: number;
}

/** Options of {@link otProblem}. */
export interface OtProblemOptions {
  /** `ε = σ² > 0`. */
  epsilon: number;
  /** Non-negative source weights (normalized); uniform when omitted. */
  sourceWeights?: ArrayLike<number>;
  /** Non-negative target weights (normalized); uniform when omitted. */
  targetWeights?: ArrayLike<number>;
  /** One KL strength `ρ > 0` for both marginals (unbalanced OT); omitted = balanced. */
  unbalanced?: number;
  /** KL strength for the source marginal only (overrides `unbalanced`). */
  sourceRho?: number;
  /** KL strength for the target marginal only (overrides `unbalanced`). */
  targetRho?: number;
}

function weights(w: ArrayLike<number> | undefined, n: number, fn: string, argument: string): Float64Array {
  const out = new Float64Array(n);
  if (w === undefined) {
    out.fill(1 / n);
    return out;
  }
  check(w.length === n, fn, argument, `has length ${w.length}, expected ${n} (one weight per point)`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i];
    check(Number.isFinite(v), fn, argument, `has a non-finite value ${v} at [${i}]`);
    check(v >= 0, fn, argument, `must be non-negative (got ${v} at [${i}])`);
    total += v;
  }
  check(total > 0, fn, argument, "must have a positive sum");
  for (let i = 0; i < n; i++) out[i] = w[i] / total;
  return out;
}

/** {@link checkAllFinite} of the points, scanned in WebAssembly when there are many (`prepWasm.ts`; cold JS is slow). */
function checkFinitePoints(x: Array2D, fn: string, argument: string): void {
  const bad = wasmFirstNonFinite(x.data);
  if (bad === undefined) checkAllFinite(x.data, fn, argument, x.cols);
  else if (bad >= 0) throwNonFinite(x.data, bad, fn, argument, x.cols);
}

function rho(value: number | undefined, fallback: number | undefined, fn: string, argument: string): number {
  const r = value ?? fallback;
  if (r === undefined || r === Infinity) return Infinity;
  return checkPositive(r, fn, argument);
}

/**
 * Builds and validates an {@link OtProblem}. Errors name `otProblem` and the argument: empty clouds, dimension
 * mismatch, NaN/Inf coordinates, negative or zero-sum weights, wrong weight length, ε ≤ 0, ρ ≤ 0.
 */
export function otProblem(source: Array2DLike, target: Array2DLike, options: OtProblemOptions): OtProblem {
  const fn = "otProblem";
  check(typeof options === "object" && options !== null, fn, "options", "must be an object with at least { epsilon }");
  const x = toArray2D(source, fn, "source");
  const y = toArray2D(target, fn, "target");
  check(x.rows > 0, fn, "source", "must not be empty");
  check(y.rows > 0, fn, "target", "must not be empty");
  check(x.cols > 0, fn, "source", "must have at least one column");
  check(x.cols === y.cols, fn, "target", `has dimension ${y.cols}, but source has dimension ${x.cols}`);
  checkFinitePoints(x, fn, "source");
  checkFinitePoints(y, fn, "target");
  const epsilon = checkPositive(options.epsilon, fn, "epsilon");
  return {
    source: x,
    target: y,
    sourceWeights: weights(options.sourceWeights, x.rows, fn, "sourceWeights"),
    targetWeights: weights(options.targetWeights, y.rows, fn, "targetWeights"),
    epsilon,
    sourceRho: rho(options.sourceRho, options.unbalanced, fn, "sourceRho"),
    targetRho: rho(options.targetRho, options.unbalanced, fn, "targetRho"),
  };
}

/** True when both marginals are hard constraints. */
export function isBalanced(problem: OtProblem): boolean {
  return problem.sourceRho === Infinity && problem.targetRho === Infinity;
}

/**
 * Mean cost `Σ_ij a_i b_j ½‖x_i − y_j‖² = ½Σa‖x‖² + ½Σb‖y‖² − (Σa x)·(Σb y)`, in O((n+m)d) without pairs.
 * Used to pick the ε-scaling start and as the scale in the benchmark's "ε = 0.1 × mean cost".
 */
export function meanCost(problem: Pick<OtProblem, "source" | "target" | "sourceWeights" | "targetWeights">): number {
  const { source: x, target: y, sourceWeights: a, targetWeights: b } = problem;
  const d = x.cols;
  const mx = new Float64Array(d);
  const my = new Float64Array(d);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.rows; i++) for (let k = 0; k < d; k++) { const v = x.data[i * d + k]; mx[k] += a[i] * v; sx += a[i] * v * v; }
  for (let j = 0; j < y.rows; j++) for (let k = 0; k < d; k++) { const v = y.data[j * d + k]; my[k] += b[j] * v; sy += b[j] * v * v; }
  let dot = 0;
  for (let k = 0; k < d; k++) dot += mx[k] * my[k];
  return 0.5 * sx + 0.5 * sy - dot;
}
