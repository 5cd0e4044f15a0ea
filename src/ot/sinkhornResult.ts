/**
 * The result of a point-cloud Sinkhorn solve: potentials, diagnostics and costs, plus everything derived from the
 * plan `P_ij = a_i b_j exp((f_i + g_j − c(x_i, y_j))/ε)`, computed on request (never an n×m matrix unless
 * {@link SinkhornResult.plan} is called).
 */
import { array2d, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import { KeyStream, type Key } from "../core/rng.js";
import type { OtProblem } from "./problem.js";
import type { SinkhornAcceleration } from "./sinkhornOptions.js";

/** How the pairwise sweeps were evaluated (see `SinkhornOptions.backend`). */
export interface SinkhornBackendInfo {
  /** `"dense"`: cached stabilized kernel; `"online"`: costs computed on the fly. */
  kind: "online" | "dense";
  /** Dense: exact builds of the kernel from the points (0 when online). */
  kernelBuilds: number;
  /** Dense: in-place kernel updates (absorptions, ε-stage squarings; 0 when online). */
  kernelUpdates: number;
  /**
   * Dense: sums the cached kernel could not be trusted with (underflow), recomputed by the exact online sweep.
   * Online: log-sum-exp rows whose shifted sum left its acceptance window and were recomputed around their maximum
   * (every row of the first sweep; few afterwards, since each ε stage starts from rescaled shifts).
   */
  fallbackRows: number;
  /** Dense: how the kernel was stored (`"single"`: float32, see `SinkhornOptions.precision`); absent when online. */
  kernelPrecision?: "double" | "single";
  /**
   * Online: log-sum-exp sweeps evaluated in float32 (`precision: "mixed"` with WebAssembly SIMD; 0 when dense, with
   * `precision: "double"`, or on the plain JavaScript loops).
   */
  singlePrecisionSweeps: number;
}

/** How the balanced iteration was accelerated (see `SinkhornOptions.acceleration`), with its counts. */
export interface SinkhornAccelerationInfo {
  kind: SinkhornAcceleration;
  /** Iterations whose next potential was an Anderson extrapolation rather than the plain Sinkhorn step. */
  extrapolations: number;
  /** Extrapolations undone because the marginal error jumped (the plain step was taken instead). */
  undone: number;
}

/** Diagnostics and costs computed by the solver (all fields of {@link SinkhornResult} except methods). */
export interface SinkhornSummary {
  sourcePotential: Float64Array;
  targetPotential: Float64Array;
  converged: boolean;
  iterations: number;
  /** Stopping-criterion trace, one entry per iteration (L1 marginal error when balanced). */
  errors: number[];
  /**
   * The ε of each stage, in the order run: decreasing by the scaling factor, except after a frozen stage, where the
   * schedule restarts from the coupling scale (`couplingStart`, see `sinkhornSteps`) and the list rises once.
   */
  epsilonStages: number[];
  /** Row sums `P1` of the returned plan. */
  sourceMarginal: Float64Array;
  /** Column sums `Pᵀ1` of the returned plan. */
  targetMarginal: Float64Array;
  /** Transport cost `⟨C, P⟩` (POT's `sinkhorn2` value). */
  cost: number;
  seconds: number;
  /** Which backend ran the sweeps, and its diagnostics. */
  backend: SinkhornBackendInfo;
  /** The acceleration used, and how often Anderson extrapolated and was undone. */
  acceleration: SinkhornAccelerationInfo;
}

function klMass(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] > 0 ? p[i] * Math.log(p[i] / q[i]) : 0) - p[i] + q[i];
  return s;
}

/** A solved entropic OT problem. Immutable; derived quantities are computed on request. */
export class SinkhornResult implements SinkhornSummary {
  readonly problem: OtProblem;
  readonly sourcePotential: Float64Array;
  readonly targetPotential: Float64Array;
  readonly converged: boolean;
  readonly iterations: number;
  readonly errors: number[];
  readonly epsilonStages: number[];
  readonly sourceMarginal: Float64Array;
  readonly targetMarginal: Float64Array;
  readonly cost: number;
  readonly seconds: number;
  readonly backend: SinkhornBackendInfo;
  readonly acceleration: SinkhornAccelerationInfo;
  /** `‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁` of the returned plan. */
  readonly marginalError: number;
  /** Primal objective `⟨C,P⟩ + ε KL(P‖a⊗b)` (+ `ρ KL` marginal terms when unbalanced), generalized KL. */
  readonly regularizedCost: number;
  /** Dual objective `⟨f,a⟩ + ⟨g,b⟩ − ε(ΣP − 1)` (unbalanced: `−ρ⟨a, e^{−f/ρ} − 1⟩` terms); equals the primal at optimum. */
  readonly dualValue: number;

  constructor(problem: OtProblem, s: SinkhornSummary) {
    this.problem = problem;
    this.sourcePotential = s.sourcePotential;
    this.targetPotential = s.targetPotential;
    this.converged = s.converged;
    this.iterations = s.iterations;
    this.errors = s.errors;
    this.epsilonStages = s.epsilonStages;
    this.sourceMarginal = s.sourceMarginal;
    this.targetMarginal = s.targetMarginal;
    this.cost = s.cost;
    this.seconds = s.seconds;
    this.backend = s.backend;
    this.acceleration = s.acceleration;
    const { sourceWeights: a, targetWeights: b, epsilon: eps, sourceRho, targetRho } = problem;
    const f = s.sourcePotential;
    const g = s.targetPotential;
    const r = s.sourceMarginal;
    const c = s.targetMarginal;
    let err = 0;
    let mass = 0;
    let fr = 0;
    let gc = 0;
    let fa = 0;
    let gb = 0;
    for (let i = 0; i < a.length; i++) { err += Math.abs(r[i] - a[i]); mass += r[i]; fr += f[i] * r[i]; fa += f[i] * a[i]; }
    for (let j = 0; j < b.length; j++) { err += Math.abs(c[j] - b[j]); gc += g[j] * c[j]; gb += g[j] * b[j]; }
    this.marginalError = err;
    let primal = fr + gc + eps * (1 - mass);
    if (sourceRho !== Infinity) primal += sourceRho * klMass(r, a);
    if (targetRho !== Infinity) primal += targetRho * klMass(c, b);
    this.regularizedCost = primal;
    let dualF = fa;
    let dualG = gb;
    if (sourceRho !== Infinity) { dualF = 0; for (let i = 0; i < a.length; i++) dualF -= sourceRho * a[i] * Math.expm1(-f[i] / sourceRho); }
    if (targetRho !== Infinity) { dualG = 0; for (let j = 0; j < b.length; j++) dualG -= targetRho * b[j] * Math.expm1(-g[j] / targetRho); }
    this.dualValue = dualF + dualG - eps * (mass - 1);
  }

  /** `log P_ij` for all j of source row `i`, written into `out` `[m]`. */
  rowLogPlan(i: number, out: Float64Array = new Float64Array(this.problem.target.rows)): Float64Array {
    const { source: x, target: y, sourceWeights: a, targetWeights: b, epsilon: eps } = this.problem;
    const d = x.cols;
    const base = Math.log(a[i]) + this.sourcePotential[i] / eps;
    for (let j = 0; j < y.rows; j++) {
      let c = 0;
      for (let k = 0; k < d; k++) { const t = x.data[i * d + k] - y.data[j * d + k]; c += t * t; }
      out[j] = base + Math.log(b[j]) + (this.targetPotential[j] - 0.5 * c) / eps;
    }
    return out;
  }

  /** The dense plan `[n, m]`. Builds an n×m matrix: only for problems that fit in memory. */
  plan(): Array2D {
    const n = this.problem.source.rows;
    const m = this.problem.target.rows;
    const out = new Float64Array(n * m);
    const rowBuf = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      this.rowLogPlan(i, rowBuf);
      for (let j = 0; j < m; j++) out[i * m + j] = Math.exp(rowBuf[j]);
    }
    return array2d(out, n, m);
  }

  /** `P V` for `V` `[m, k]` (transport of target-side vectors to the source side), returns `[n, k]`. */
  apply(values: Array2DLike): Array2D {
    const v = toArray2D(values, "SinkhornResult.apply", "values");
    const n = this.problem.source.rows;
    const m = this.problem.target.rows;
    check(v.rows === m, "SinkhornResult.apply", "values", `has ${v.rows} rows, expected m = ${m}`);
    const k = v.cols;
    const out = new Float64Array(n * k);
    const rowBuf = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      this.rowLogPlan(i, rowBuf);
      for (let j = 0; j < m; j++) {
        const p = Math.exp(rowBuf[j]);
        if (p === 0) continue;
        for (let c = 0; c < k; c++) out[i * k + c] += p * v.data[j * k + c];
      }
    }
    return array2d(out, n, k);
  }

  /** Barycentric projection `T(x_i) = Σ_j P_ij y_j / Σ_j P_ij`, `[n, d]`. */
  barycentricProjection(): Array2D {
    const moved = this.apply(this.problem.target);
    const d = moved.cols;
    for (let i = 0; i < moved.rows; i++) for (let k = 0; k < d; k++) moved.data[i * d + k] /= this.sourceMarginal[i];
    return moved;
  }

  /**
   * Out-of-sample entropic map (Pooladian & Niles-Weed 2021):
   * `T(x) = Σ_j y_j softmax_j(log b_j + (g_j − ½‖x − y_j‖²)/ε)` for query points `[k, d]`, returns `[k, d]`.
   */
  entropicMap(points: Array2DLike): Array2D {
    const q = toArray2D(points, "SinkhornResult.entropicMap", "points");
    const { target: y, targetWeights: b, epsilon: eps } = this.problem;
    const d = y.cols;
    check(q.cols === d, "SinkhornResult.entropicMap", "points", `has dimension ${q.cols}, expected ${d}`);
    const out = new Float64Array(q.rows * d);
    const logits = new Float64Array(y.rows);
    for (let i = 0; i < q.rows; i++) {
      let max = -Infinity;
      for (let j = 0; j < y.rows; j++) {
        let c = 0;
        for (let k = 0; k < d; k++) { const t = q.data[i * d + k] - y.data[j * d + k]; c += t * t; }
        logits[j] = Math.log(b[j]) + (this.targetPotential[j] - 0.5 * c) / eps;
        if (logits[j] > max) max = logits[j];
      }
      let total = 0;
      for (let j = 0; j < y.rows; j++) {
        const w = Math.exp(logits[j] - max);
        total += w;
        for (let k = 0; k < d; k++) out[i * d + k] += w * y.data[j * d + k];
      }
      for (let k = 0; k < d; k++) out[i * d + k] /= total;
    }
    return array2d(out, q.rows, d);
  }

  /**
   * Draws `count` index pairs `(i, j)` from the normalized plan `P / ΣP` — the minibatch coupling of OT-CFM,
   * [SF]²M and DSBM: `i` from the row marginal, then `j` from row `i` of the plan. Same key, same pairs.
   */
  samplePairs(key: Key, count: number): { sourceIndices: Int32Array; targetIndices: Int32Array } {
    checkInteger(count, "SinkhornResult.samplePairs", "count");
    const stream = new KeyStream(key);
    const r = this.sourceMarginal;
    const n = r.length;
    const cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) { total += r[i]; cdf[i] = total; }
    const sourceIndices = new Int32Array(count);
    const targetIndices = new Int32Array(count);
    const row = new Float64Array(this.problem.target.rows);
    for (let s = 0; s < count; s++) {
      const i = searchCdf(cdf, stream.nextUniform() * total);
      this.rowLogPlan(i, row);
      let max = -Infinity;
      for (const v of row) if (v > max) max = v;
      let rowTotal = 0;
      for (let j = 0; j < row.length; j++) { rowTotal += Math.exp(row[j] - max); row[j] = rowTotal; }
      sourceIndices[s] = i;
      targetIndices[s] = searchCdf(row, stream.nextUniform() * rowTotal);
    }
    return { sourceIndices, targetIndices };
  }
}

function searchCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
