/**
 * The log-domain Sinkhorn iteration (Cuturi 2013; log-domain form of Schmitzer 2019 / Peyré & Cuturi 2019 §4.4)
 * written once as a generator that yields sweep requests. A synchronous driver runs each request inline; the
 * parallel driver splits it over `worker_threads`. The algorithm itself never sees threads.
 *
 * Per iteration (ε of the current stage, κ = ρ/(ρ+ε) or 1 when balanced, relaxation ω ∈ [1, 2)):
 *   ĝ_j = κ_ν (½‖y_j‖² − ε LSE_i(log a_i + (f_i − ½‖x_i‖²)/ε + x_i·y_j/ε)),   g ← (1 − ω) g + ω ĝ
 *   f̂_i = κ_μ (½‖x_i‖² − ε LSE_j(log b_j + (g_j − ½‖y_j‖²)/ε + x_i·y_j/ε)),   f ← (1 − ω) f + ω f̂
 * The marginals of P(f, g) after the g update are `a_i exp((f_i − f̂_i)/ε)` and `b_j exp((g_j − ĝ_j)/ε)`, so the L1
 * marginal error costs nothing extra (with ω = 1 the target side is exact). Balanced: stop when it is below
 * tolerance and keep (f, g), whose error is the one reported. Unbalanced: stop on `max(‖Δf‖∞, ‖Δg‖∞)/ε`, ω = 1.
 *
 * Precision (`opts.precision`): with `"mixed"` each stage requests its sweeps in float32 (`single`) until the error
 * falls below `max(stage tolerance, 1e-4)` or has not improved by 2 % for 3 float32 iterations below an error of 1e-3
 * (the float32 rounding floor) or for 10 above it (clusters decoupled by float32 rounding, see
 * `smallestPointMass`); from then on float64 to the end of the stage. A float32 iteration ends the
 * solve only through a check in float64: when its (float32) error is below tolerance, the float64 plan pass computes
 * the exact marginals of P(f, g), and the solve stops if their L1 error is below tolerance (saving the float64
 * iteration; n = 20000, d = 64: one float64 iteration costs ≈ 3 float32 ones); otherwise float64 iterations follow.
 * A warm-started solve starts in float64 and uses float32 only while its error stays above 1e-4. The float32 sweeps
 * are an inexact first phase of the same fixed-point iteration; the float64 phase converges to the same fixed point
 * as an all-float64 run (iterative refinement).
 *
 * Frozen stages (balanced problems, ε-scaling on). On clustered points at small ε the kernel entries between
 * clusters fall below the float64 rounding of a log-sum-exp (`e^{−37}` of a row's largest term) once ε is below about
 * 1/37 of the gap between them; Sinkhorn then moves no mass between those clusters (shifting one cluster's potentials
 * against another's is invisible to it), and a mismatch of cluster masses stays for good: the error stops falling.
 * Two defences: stages before the last stop only below the smallest point mass (`smallestPointMass`; until a
 * restart no lower than 1e-3, `firstPassStageTolerance`), so the cross-cluster flows are in place before ε
 * halves; and a stage whose error has not improved by 2 % for {@link FREEZE_WINDOW} iterations (float64 sweeps)
 * while still at least the smallest point mass (a slower stall far below it is rounding or a slow tail, not a freeze)
 * restarts the schedule, once, from {@link couplingStart} (where no pair is decoupled) down to ε, warm from the
 * current potentials, its stages then stopping at the smallest point mass itself; `epsilonStages` shows the rise.
 * Measured on 256 × 256 minibatches of the d = 128, ε = 0.1 EOT benchmark pair (ε ≈ 10⁻³ × mean cost, three
 * clusters): with the previous defaults (stage tolerance 0.1, no restart) 9 of 40 solves froze at an L1 error of
 * 14/256.
 *
 * Acceleration (balanced problems; `opts.acceleration`). `"anderson"` (default): after each iteration the next f is
 * the Anderson extrapolation of the last few (f, f̂) pairs (`anderson.ts`) instead of f̂; the history restarts at every
 * ε stage and when the sweeps switch from float32 to float64. An extrapolated f whose marginal error is not below
 * {@link UNDO_FACTOR} × the stage's best (or is not finite) is undone: f returns to the plain step f̂ it replaced
 * and the history restarts (the iteration still counts and its error stays in the trace).
 * `"overRelaxation"` (Thibault, Chizat, Dossal & Papadakis 2021; Lehmann, von Renesse, Sambale & Uschmajew 2022):
 * with `overRelaxation: "auto"` each stage starts with plain Sinkhorn (ω = 1), estimates its linear rate τ from
 * the error over a few iterations, and switches to Young's SOR value `ω = 2/(1 + √(1 − τ))` (capped at 1.9), which
 * turns the rate τ into about `ω − 1`. If the error then grows tenfold over the stage's best, ω falls back to 1.
 */
import { SbkitNumericalError } from "../core/errors.js";
import { isBalanced, type OtProblem } from "./problem.js";
import {
  epsilonSchedule, firstPassStageTolerance, SINGLE_PRECISION_STALL, SINGLE_PRECISION_STALL_ABOVE, SINGLE_PRECISION_STALL_BELOW,
  SINGLE_PRECISION_UNTIL, smallestPointMass, type ResolvedSinkhornOptions,
} from "./sinkhornOptions.js";
import { Anderson } from "./anderson.js";
import { Relaxation } from "./relaxation.js";
import { rescaleShifts } from "./shiftRescale.js";
import type { SinkhornAccelerationInfo } from "./sinkhornResult.js";
import type { Workspace } from "./workspace.js";

/**
 * A unit of pairwise work: a log-sum-exp sweep over one side's rows, or a pass over the plan. A target sweep is
 * requested while `ws.f` holds the potential its input `hX` was built from, a source sweep while `ws.g` holds the
 * one behind `hY`, and the plan pass at the final (f, g); the dense backend (`denseSweeps`) relies on this.
 */
export type SweepRequest =
  | { kind: "lse"; side: "source" | "target"; invEps: number; single: boolean }
  | { kind: "plan"; invEps: number };

/** An Anderson step is undone when its marginal error is not below this multiple of the stage's best. */
export const UNDO_FACTOR = 10;

/** Automatic ε-scaling runs only for `ε < mean cost / SCALING_BELOW`, and starts at `min(SCALING_START · ε, mean cost / SCALING_BELOW)`. */
export const SCALING_BELOW = 64;
/** See {@link SCALING_BELOW}. */
export const SCALING_START = 16;

/**
 * The first ε of the default ε-scaling schedule: `min(16 ε, mean cost / 64)` when `ε < mean cost / 64` (the schedule
 * then runs `ε · 2^K, …, 2ε, ε` with `ε · 2^K` the first power-of-two multiple at or above it), else `ε` itself (no
 * scaling). Measured with Anderson acceleration on the benchmark clouds, tolerance 1e-4:
 * - n = 1500: at ε ≥ 0.03 × mean a single stage needs fewer iterations (ε = 0.1 × mean: 4 instead of 9 at d = 64,
 *   9 instead of 13 at d = 2, each stage costing at least one iteration); at ε ≤ 0.003 × mean scaling from 16 ε needs
 *   fewer than from the mean cost (d = 2: 50 vs 57, d = 64: 71 vs 76 at 0.003; 83 and 104 vs 78 and 115 at 0.001)
 *   and far fewer than none (74–480).
 * - n = 5000, from 16 ε vs from mean / 64 (d = 64 / d = 2 iterations): ε = 0.01 × mean 29 / 26 vs 23 / 25 (2 stages;
 *   none: 25 / 29), 0.005 × mean 50 / 32 vs 44 / 33, 0.003 × mean 71 / 39 vs 63 / 41; at 0.001 × mean both start at
 *   16 ε (103 / 75; from 4 ε: 117 / 86, from 2 ε: 133 / 194).
 * Clustered points can need a higher start; a frozen stage then restarts from {@link couplingStart} (module notes).
 */
export function automaticScalingStart(epsilon: number, mean: number): number {
  return epsilon * SCALING_BELOW < mean ? Math.min(SCALING_START * epsilon, mean / SCALING_BELOW) : epsilon;
}

/** {@link couplingStart} is `C̄ / COUPLING_SPREAD`. */
export const COUPLING_SPREAD = 32;
/** A stage is frozen after this many iterations without a 2 % improvement of its best error (see the module notes). */
export const FREEZE_WINDOW = 30;

/**
 * `C̄ / 32`, `C̄ ≥ max c_ij` (the workspace's `maxCostBound`): at this ε every kernel entry `e^{−c_ij/ε}` is within
 * `e^{−32}` of its row's largest, above the float64 rounding of a log-sum-exp (`e^{−37}`), so no pair of points is
 * decoupled. The restart point of a frozen solve.
 */
export function couplingStart(maxCostBound: number): number {
  return maxCostBound / COUPLING_SPREAD;
}

/** What the iteration found; the plan pass fills the workspace's marginals and returns the transport cost. */
export interface SinkhornState {
  converged: boolean;
  iterations: number;
  errors: number[];
  epsilonStages: number[];
  transportCost: number;
  acceleration: SinkhornAccelerationInfo;
}

function copyInitial(dst: Float64Array, src: ArrayLike<number> | undefined, name: string): void {
  if (src === undefined) return;
  if (src.length !== dst.length) throw new SbkitNumericalError("sinkhorn", `${name} has length ${src.length}, expected ${dst.length}`);
  for (let i = 0; i < dst.length; i++) {
    if (!Number.isFinite(src[i])) throw new SbkitNumericalError("sinkhorn", `${name} has a non-finite value at [${i}]`);
    dst[i] = src[i];
  }
}

/** Requests the plan pass at ε for the current (f, g) (its inputs `hX`, `hY` built from them); yields its cost. */
function* planPass(ws: Workspace, epsilon: number): Generator<SweepRequest, number, number> {
  const { f, g, hX, hY, logA, logB } = ws;
  sweepInput(hX, logA, f, undefined, epsilon);
  sweepInput(hY, logB, g, undefined, epsilon);
  return yield { kind: "plan", invEps: 1 / epsilon };
}

// The per-entry loops live in plain functions, not in the generator below: V8 does not on-stack-replace a running
// generator, so loops inside it stay in the interpreter for the whole of a first solve (n = 1000, d = 64,
// ε = 0.01 × mean: ≈ 55–70 ms of a 200 ms cold solve).

/** `h_i = logW_i + (pot_i − halfSq_i)/ε` (without `halfSq`: `logW_i + pot_i/ε`), the input of a sweep over these keys. */
function sweepInput(h: Float64Array, logW: Float64Array, pot: Float64Array, halfSq: Float64Array | undefined, eps: number): void {
  const count = h.length;
  if (halfSq === undefined) for (let i = 0; i < count; i++) h[i] = logW[i] + pot[i] / eps;
  else for (let i = 0; i < count; i++) h[i] = logW[i] + (pot[i] - halfSq[i]) / eps;
}

/**
 * The g update after a target sweep, `g ← (1 − ω) g + ω κ (½‖y‖² − ε outY)`, and the next source sweep's input `hY`.
 * Writes `sums[0] = ‖Δg‖∞` and `sums[2]` = the target marginal error (0 when ω = 1: the target side is then exact).
 */
function updateTarget(ws: Workspace, b: Float64Array, kappa: number, omega: number, eps: number, balanced: boolean, sums: Float64Array): void {
  const { m, g, hY, halfSqY, logB, outY } = ws;
  let dg = 0;
  let err = 0;
  for (let j = 0; j < m; j++) {
    const full = kappa * (halfSqY[j] - eps * outY[j]);
    const v = omega === 1 ? full : (1 - omega) * g[j] + omega * full;
    if (balanced && omega !== 1) err += b[j] * Math.abs(Math.expm1((v - full) / eps));
    dg = Math.max(dg, Math.abs(v - g[j]));
    g[j] = v;
    hY[j] = logB[j] + (v - halfSqY[j]) / eps;
  }
  sums[0] = dg;
  sums[2] = err;
}

/**
 * The f step after a source sweep into `fNew` (f itself is left for the acceleration to update): `sums[1] = ‖Δf‖∞`,
 * `sums[3]` = the L1 marginal error of P(f, g), i.e. `sums[2]` plus `Σ a_i |e^{(f_i − f̂_i)/ε} − 1|` (balanced).
 */
function updateSource(ws: Workspace, a: Float64Array, kappa: number, omega: number, eps: number, balanced: boolean, fNew: Float64Array, sums: Float64Array): void {
  const { n, f, halfSqX, outX } = ws;
  let df = 0;
  let err = sums[2];
  for (let i = 0; i < n; i++) {
    const unscaled = halfSqX[i] - eps * outX[i];
    const full = kappa * unscaled;
    fNew[i] = omega === 1 ? full : (1 - omega) * f[i] + omega * full;
    df = Math.max(df, Math.abs(fNew[i] - f[i]));
    if (balanced) err += a[i] * Math.abs(Math.expm1((f[i] - unscaled) / eps));
  }
  sums[1] = df;
  sums[3] = err;
}

/** `Σ_i |p_i − q_i|`. */
function l1Distance(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - q[i]);
  return s;
}

/** The Sinkhorn iteration as a generator of {@link SweepRequest}s; the driver sends back the request's result. */
export function* sinkhornSteps(problem: OtProblem, opts: ResolvedSinkhornOptions, ws: Workspace): Generator<SweepRequest, SinkhornState, number> {
  const { n, f, g, hX, halfSqX, logA, outX, outY } = ws;
  const epsilon = problem.epsilon;
  const { sourceWeights: a, targetWeights: b } = problem;
  const balanced = isBalanced(problem);
  copyInitial(f, opts.initialSourcePotential, "initialSourcePotential");
  copyInitial(g, opts.initialTargetPotential, "initialTargetPotential");
  const warm = opts.initialSourcePotential !== undefined || opts.initialTargetPotential !== undefined;
  const explicit = opts.scaling.start;
  const start = explicit === "coupling" ? couplingStart(ws.maxCostBound) : explicit ?? automaticScalingStart(epsilon, ws.meanCost);
  const stages = opts.scaling.enabled && !warm ? epsilonSchedule(epsilon, start, opts.scaling.factor) : [epsilon];
  const errors: number[] = [];
  let iterations = 0;
  let converged = false;
  const fNew = new Float64Array(n);
  /** `[‖Δg‖∞, ‖Δf‖∞, target error, marginal error]` of the current iteration (see {@link updateTarget}). */
  const sums = new Float64Array(4);
  const mixed = opts.precision === "mixed";
  /** The smallest point mass: the stage tolerance after a restart (balanced) and the freeze test's floor. */
  const smallestMass = smallestPointMass(a, b);
  /** Optimistic (at least STAGE_TOLERANCE_FIRST_PASS) until a freeze restarts the schedule, then the smallest mass. */
  let stageTolerance = opts.scaling.stageTolerance ?? firstPassStageTolerance(smallestMass, balanced);
  /** Set once the current stage has handed over to float64 sweeps. */
  let refining = false;
  let bestSingle = Infinity;
  let stalled = 0;
  const anderson = balanced && opts.acceleration === "anderson" ? new Anderson(opts.andersonDepth, a) : null;
  /** Anderson's next iterate, and the plain step it replaced (restored when the extrapolation is undone). */
  const fNext = new Float64Array(anderson === null ? 0 : n);
  const fPlain = new Float64Array(anderson === null ? 0 : n);
  let extrapolated = false;
  const acceleration: SinkhornAccelerationInfo = { kind: balanced ? opts.acceleration : "none", extrapolations: 0, undone: 0 };
  let wasSingle: boolean | undefined;
  /** A frozen stage may restart the schedule from here, once (balanced problems with ε-scaling on). */
  const restartAt = couplingStart(ws.maxCostBound);
  let mayRestart = balanced && opts.scaling.enabled;

  for (let s = 0; s < stages.length && !converged; s++) {
    const eps = stages[s];
    const last = s === stages.length - 1;
    const kappaX = problem.sourceRho === Infinity ? 1 : problem.sourceRho / (problem.sourceRho + eps);
    const kappaY = problem.targetRho === Infinity ? 1 : problem.targetRho / (problem.targetRho + eps);
    const tol = last ? opts.tolerance : Math.max(opts.tolerance, stageTolerance);
    const cap = last ? opts.maxIterations : Math.min(opts.scaling.stageMaxIterations, opts.maxIterations - iterations);
    const relax = new Relaxation(balanced && opts.acceleration === "overRelaxation" ? opts.overRelaxation : 1);
    anderson?.reset();
    extrapolated = false;
    let stageBest = Infinity;
    /** The stage's error at its last 2 % improvement, and the iterations since (the freeze test). */
    let mark = Infinity;
    let sinceMark = 0;
    refining = false;
    bestSingle = Infinity;
    stalled = 0;
    if (s > 0) rescaleShifts(ws, stages[s - 1] / eps);
    for (let it = 0; it < cap && iterations < opts.maxIterations; it++) {
      iterations++;
      const omega = relax.omega;
      // A stage's iterations run in float32 until it hands over (below); the last stage's also only while the
      // previous error is large (a warm start that is already close begins in float64, so float32 rounding never
      // spoils it).
      const previous = errors.length > 0 ? errors[errors.length - 1] : Infinity;
      const single = mixed && !(refining || (last && ((warm && errors.length === 0) || previous < SINGLE_PRECISION_UNTIL)));
      if (anderson !== null && wasSingle !== undefined && single !== wasSingle) {
        anderson.reset();
        extrapolated = false;
      }
      wasSingle = single;
      sweepInput(hX, logA, f, halfSqX, eps);
      yield { kind: "lse", side: "target", invEps: 1 / eps, single };
      updateTarget(ws, b, kappaY, omega, eps, balanced, sums);
      yield { kind: "lse", side: "source", invEps: 1 / eps, single };
      updateSource(ws, a, kappaX, omega, eps, balanced, fNew, sums);
      const err = balanced ? sums[3] : Math.max(sums[0], sums[1]) / eps;
      if (anderson !== null && extrapolated && !(err < UNDO_FACTOR * stageBest)) {
        const shown = Number.isNaN(err) ? Infinity : err;
        errors.push(shown);
        opts.onIteration?.({ iteration: iterations, epsilon: eps, error: shown });
        f.set(fPlain);
        anderson.reset();
        extrapolated = false;
        acceleration.undone++;
        sinceMark++;
        continue;
      }
      if (!Number.isFinite(err)) throw new SbkitNumericalError("sinkhorn", `non-finite marginal error at iteration ${iterations} (ε = ${eps})`);
      errors.push(err);
      opts.onIteration?.({ iteration: iterations, epsilon: eps, error: err });
      // A stage hands over from float32 to float64 below max(tol, 1e-4) or when its float32 error stalls; in the last
      // stage a float32 iteration ends the solve only through the plan-pass check below.
      if (single) {
        if (err < 0.98 * bestSingle) {
          bestSingle = err;
          stalled = 0;
        } else stalled++;
        const window = err < SINGLE_PRECISION_STALL_BELOW ? SINGLE_PRECISION_STALL : SINGLE_PRECISION_STALL_ABOVE;
        if (err < Math.max(tol, SINGLE_PRECISION_UNTIL) || stalled >= window) refining = true;
      }
      if (last && single && balanced && err < tol) {
        // The float32 estimate is below tolerance: the float64 plan pass gives the exact marginals of P(f, g); if
        // they pass, it is the answer (no float64 iteration needed), else the float64 iterations follow.
        const transportCost = yield* planPass(ws, epsilon);
        if (l1Distance(outX, a) + l1Distance(outY, b) < tol) return { converged: true, iterations, errors, epsilonStages: stages, transportCost, acceleration };
      }
      const done = err < tol && !(last && single);
      if (!done && anderson !== null) {
        stageBest = Math.min(stageBest, err);
        extrapolated = anderson.step(f, fNew, 1 / eps, fNext);
        if (extrapolated) {
          fPlain.set(fNew);
          acceleration.extrapolations++;
        }
        f.set(fNext);
      } else if (!done || !balanced) f.set(fNew);
      if (done) {
        converged = last;
        break;
      }
      relax.observe(err);
      if (err < 0.98 * mark) {
        mark = err;
        sinceMark = 0;
      } else sinceMark++;
      if (mayRestart && !single && sinceMark >= FREEZE_WINDOW && err >= smallestMass && 2 * eps < restartAt) {
        // Frozen (module notes; a freeze leaves at least a point's mass misplaced, slower stalls below that are rounding
        // or slow tails): anneal again from the coupling scale, warm from the current potentials.
        stages.splice(s + 1, stages.length, ...epsilonSchedule(epsilon, restartAt, opts.scaling.factor));
        mayRestart = false;
        if (opts.scaling.stageTolerance === undefined) stageTolerance = smallestMass;
        break;
      }
    }
    if (iterations >= opts.maxIterations) break;
  }

  const transportCost = yield* planPass(ws, epsilon);
  return { converged, iterations, errors, epsilonStages: stages, transportCost, acceleration };
}
