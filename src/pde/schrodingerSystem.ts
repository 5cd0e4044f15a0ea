/**
 * The Schrödinger system on a 1-D or 2-D grid (Schrödinger 1931; Léonard 2014, §4; Chen, Georgiou, Pavon 2021,
 * §4): for reference `dX = σ dW`, `ε = σ²`, find `φ̂_0`, `φ_1` with
 *
 *   `φ_t = H_{ε(1−t)} φ_1` (backward heat), `φ̂_t = H_{εt} φ̂_0` (forward heat), `p_0 = φ_0 φ̂_0`, `p_1 = φ_1 φ̂_1`,
 *
 * where `H_v` is the Gaussian heat semigroup ({@link logHeatApply}). Solving the endpoint coupling by alternate
 * projections is Sinkhorn with the heat kernel (Fortet/IPF). Then the SB marginals are `p_t = φ_t φ̂_t` and the
 * optimal (Markov) drift is `b(t,x) = ε∇log φ_t(x)` — the Hopf–Cole transform `φ = e^{−V/ε}` of the HJB value.
 * Everything runs in the log domain (`ψ = log φ_1`, `ψ̂ = log φ̂_0`), so small ε does not under/overflow.
 * This is the reference solution for any 1-D/2-D bridge solver.
 */
import { toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { checkUnitTime } from "../sde/time.js";
import { gridPoints, type UniformGrid } from "./grid.js";
import { logHeatApply } from "./heatKernel.js";

/** Grid Schrödinger problem: endpoint densities as node values (normalized to mass 1 here) and `ε > 0`. */
export interface GridSchrodingerProblem {
  readonly grid: UniformGrid;
  readonly source: ArrayLike<number>;
  readonly target: ArrayLike<number>;
  readonly epsilon: number;
}

/** Solver settings. */
export interface GridSchrodingerOptions {
  /** Iteration cap (default 20000). */
  readonly maxIterations?: number;
  /** Stop when the source-marginal L1 error `Σ|φ_0φ̂_0 − p_0|·cellVolume` is below this (default 1e-10). */
  readonly tolerance?: number;
}

function normalizedDensity(grid: UniformGrid, values: ArrayLike<number>, argument: string): Float64Array {
  const fn = "solveGridSchrodinger";
  check(values.length === grid.size, fn, argument, `has ${values.length} values, expected one per grid node (${grid.size})`);
  const out = Float64Array.from(values);
  let mass = 0;
  for (let k = 0; k < out.length; k++) {
    check(Number.isFinite(out[k]) && out[k] >= 0, fn, argument, `must be finite and ≥ 0 (got ${out[k]} at node ${k})`);
    mass += out[k] * grid.cellVolume;
  }
  check(mass > 0, fn, argument, "must have positive mass");
  for (let k = 0; k < out.length; k++) out[k] /= mass;
  return out;
}

/** The data fields of a {@link GridSchrodingerBridge}. */
export interface GridSchrodingerFields {
  readonly grid: UniformGrid;
  readonly epsilon: number;
  readonly source: Float64Array;
  readonly target: Float64Array;
  readonly logPhi1: Float64Array;
  readonly logPhiHat0: Float64Array;
  readonly converged: boolean;
  readonly iterations: number;
  readonly errors: Float64Array;
}

/** The solved grid Schrödinger system: potentials, diagnostics, and marginals / drift / coupling on request. */
export class GridSchrodingerBridge {
  readonly grid: UniformGrid;
  readonly epsilon: number;
  /** Normalized endpoint densities at the nodes. */
  readonly source: Float64Array;
  readonly target: Float64Array;
  /** `ψ = log φ_1` and `ψ̂ = log φ̂_0` at the nodes (defined up to `ψ + c`, `ψ̂ − c`). */
  readonly logPhi1: Float64Array;
  readonly logPhiHat0: Float64Array;
  readonly converged: boolean;
  readonly iterations: number;
  /** Source-marginal L1 error after each iteration. */
  readonly errors: Float64Array;

  constructor(fields: GridSchrodingerFields) {
    this.grid = fields.grid;
    this.epsilon = fields.epsilon;
    this.source = fields.source;
    this.target = fields.target;
    this.logPhi1 = fields.logPhi1;
    this.logPhiHat0 = fields.logPhiHat0;
    this.converged = fields.converged;
    this.iterations = fields.iterations;
    this.errors = fields.errors;
  }

  private checkResolved(variance: number, fn: string, t: number): void {
    const h = Math.max(...this.grid.spacings);
    check(variance === 0 || variance >= h * h * (1 - 1e-12), fn, "t", `= ${t} is too close to an endpoint for this grid: needs ε·t(1−t)-type variance ≥ h² (${variance} < ${h * h})`);
  }

  /** `log φ_t = log H_{ε(1−t)} φ_1` at the nodes. */
  logPhi(t: number): Float64Array {
    checkUnitTime(t, "GridSchrodingerBridge.logPhi");
    this.checkResolved(this.epsilon * (1 - t), "GridSchrodingerBridge.logPhi", t);
    return logHeatApply(this.grid, this.epsilon * (1 - t), this.logPhi1);
  }

  /** `log φ̂_t = log H_{εt} φ̂_0` at the nodes. */
  logPhiHat(t: number): Float64Array {
    checkUnitTime(t, "GridSchrodingerBridge.logPhiHat");
    this.checkResolved(this.epsilon * t, "GridSchrodingerBridge.logPhiHat", t);
    return logHeatApply(this.grid, this.epsilon * t, this.logPhiHat0);
  }

  /** SB marginal density `p_t = φ_t φ̂_t` at the nodes (mass 1 up to discretization error). */
  marginal(t: number): Float64Array {
    const a = this.logPhi(t);
    const b = this.logPhiHat(t);
    return a.map((v, k) => Math.exp(v + b[k]));
  }

  /**
   * Optimal drift `b(t,x) = ε∇log φ_t(x) = Σ_j w_j(x)(y_j − x)/(1−t)` with
   * `w_j ∝ φ_1(y_j) N(y_j; x, ε(1−t)I)` (exact gradient of the grid quadrature), at any points `x` (`[n, d]`).
   */
  drift(t: number, x: Array2DLike): Array2D {
    const fn = "GridSchrodingerBridge.drift";
    checkUnitTime(t, fn);
    check(t < 1, fn, "t", "must be < 1 (the drift is singular at t = 1)");
    this.checkResolved(this.epsilon * (1 - t), fn, t);
    const pts = toArray2D(x, fn, "x");
    const nodes = gridPoints(this.grid);
    const d = nodes.cols;
    check(pts.cols === d, fn, "x", `has ${pts.cols} columns, expected d = ${d}`);
    const v = this.epsilon * (1 - t);
    const logw = new Float64Array(this.grid.size);
    const out = new Float64Array(pts.rows * d);
    for (let i = 0; i < pts.rows; i++) {
      let max = -Infinity;
      for (let j = 0; j < this.grid.size; j++) {
        let r2 = 0;
        for (let a = 0; a < d; a++) r2 += (nodes.data[j * d + a] - pts.data[i * d + a]) ** 2;
        logw[j] = this.logPhi1[j] - r2 / (2 * v);
        if (logw[j] > max) max = logw[j];
      }
      let total = 0;
      const acc = new Float64Array(d);
      for (let j = 0; j < this.grid.size; j++) {
        const w = Math.exp(logw[j] - max);
        total += w;
        for (let a = 0; a < d; a++) acc[a] += w * (nodes.data[j * d + a] - pts.data[i * d + a]);
      }
      for (let a = 0; a < d; a++) out[i * d + a] = acc[a] / total / (1 - t);
    }
    return { data: out, rows: pts.rows, cols: d };
  }

  /**
   * Cross-covariance `C = E[(X_0 − m_0)(X_1 − m_1)ᵀ]` of the static plan `π(x,y) = φ̂_0(x) N(y; x, εI) φ_1(y)`
   * (`[d, d]`), via `E[Y | X = x_i] = H_ε(φ_1 y)(x_i) / H_ε φ_1(x_i)` without forming the plan.
   */
  crossCovariance(): Array2D {
    const { grid, epsilon } = this;
    const nodes = gridPoints(grid);
    const d = nodes.cols;
    const logPhi0 = logHeatApply(grid, epsilon, this.logPhi1);
    const m0 = new Float64Array(d);
    const m1 = new Float64Array(d);
    for (let k = 0; k < grid.size; k++) {
      for (let a = 0; a < d; a++) {
        m0[a] += this.source[k] * nodes.data[k * d + a] * grid.cellVolume;
        m1[a] += this.target[k] * nodes.data[k * d + a] * grid.cellVolume;
      }
    }
    const c = new Float64Array(d * d);
    for (let b = 0; b < d; b++) {
      // Shift coordinates to be positive so their log exists: y_b − lower_b + h_b > 0.
      const shift = grid.axes[b][0] - grid.spacings[b];
      const logWeighted = this.logPhi1.map((psi, k) => psi + Math.log(nodes.data[k * d + b] - shift));
      const num = logHeatApply(grid, epsilon, logWeighted);
      for (let k = 0; k < grid.size; k++) {
        const conditional = Math.exp(num[k] - logPhi0[k]) + shift; // E[Y_b | X = x_k]
        const weight = Math.exp(this.logPhiHat0[k] + logPhi0[k]) * grid.cellVolume; // p_0 at x_k as fitted
        for (let a = 0; a < d; a++) c[a * d + b] += weight * (nodes.data[k * d + a] - m0[a]) * (conditional - m1[b]);
      }
    }
    return { data: c, rows: d, cols: d };
  }
}

/**
 * Solves the grid Schrödinger system by log-domain Sinkhorn with the heat kernel `H_ε`:
 * `ψ̂ ← log p_0 − log H_ε e^{ψ}`, `ψ ← log p_1 − log H_ε e^{ψ̂}`, until the source-marginal L1 error is below
 * `tolerance`. The target marginal is exact after every iteration. Non-convergence is reported by `converged`.
 */
export function solveGridSchrodinger(problem: GridSchrodingerProblem, options: GridSchrodingerOptions = {}): GridSchrodingerBridge {
  const fn = "solveGridSchrodinger";
  const { grid } = problem;
  const epsilon = checkPositive(problem.epsilon, fn, "epsilon");
  const maxIterations = checkInteger(options.maxIterations ?? 20_000, fn, "maxIterations", 1);
  const tolerance = checkPositive(options.tolerance ?? 1e-10, fn, "tolerance");
  const h = Math.max(...grid.spacings);
  check(epsilon >= h * h, fn, "epsilon", `${epsilon} is below h² = ${h * h}: the heat kernel is not resolved by the grid (refine it)`);
  const source = normalizedDensity(grid, problem.source, "source");
  const target = normalizedDensity(grid, problem.target, "target");
  const logSource = source.map(Math.log);
  const logTarget = target.map(Math.log);
  let logPhi1 = new Float64Array(grid.size);
  let logPhiHat0 = new Float64Array(grid.size);
  const errors: number[] = [];
  let converged = false;
  let iterations = 0;
  for (;;) {
    const logPhi0 = logHeatApply(grid, epsilon, logPhi1);
    if (iterations > 0) {
      let err = 0;
      for (let k = 0; k < grid.size; k++) err += Math.abs(Math.exp(logPhiHat0[k] + logPhi0[k]) - source[k]) * grid.cellVolume;
      errors.push(err);
      converged = err < tolerance;
      if (converged || iterations >= maxIterations) break;
    }
    logPhiHat0 = logSource.map((v, k) => v - logPhi0[k]);
    const logPhiHat1 = logHeatApply(grid, epsilon, logPhiHat0);
    logPhi1 = logTarget.map((v, k) => v - logPhiHat1[k]);
    iterations++;
  }
  return new GridSchrodingerBridge({ grid, epsilon, source, target, logPhi1, logPhiHat0, converged, iterations, errors: Float64Array.from(errors) });
}
