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
 * Precision (`opts.precision`): with `"mixed"` the sweeps are requested in float32 (`single`) in every stage before
 * the last, and in the last until the error falls below `max(tolerance, 1e-4)` or has not improved for 3 float32
 * iterations below an error of 1e-3 (the float32 rounding floor); from then on float64, and only a float64 iteration may end the solve.
 * A solve without ε-scaling (e.g. warm-started) starts in float64 and uses float32 only while its error stays above
 * 1e-4. The float32 sweeps are an inexact first phase of the same fixed-point
 * iteration; the float64 phase converges to the same fixed point as an all-float64 run (iterative refinement).
 *
 * Over-relaxation (Thibault, Chizat, Dossal & Papadakis 2021; Lehmann, von Renesse, Sambale & Uschmajew 2022):
 * with `overRelaxation: "auto"` each stage starts with plain Sinkhorn (ω = 1), estimates its linear rate τ from
 * the error over a few iterations, and switches to Young's SOR value `ω = 2/(1 + √(1 − τ))` (capped at 1.9), which
 * turns the rate τ into about `ω − 1`. If the error then grows tenfold over the stage's best, ω falls back to 1.
 */
import { SbkitNumericalError } from "../core/errors.js";
import { isBalanced, meanCost, type OtProblem } from "./problem.js";
import { epsilonSchedule, SINGLE_PRECISION_STALL, SINGLE_PRECISION_STALL_BELOW, SINGLE_PRECISION_UNTIL, type ResolvedSinkhornOptions } from "./sinkhornOptions.js";
import { Relaxation } from "./relaxation.js";
import { rescaleShifts } from "./shiftRescale.js";
import type { Workspace } from "./workspace.js";

/**
 * A unit of pairwise work: a log-sum-exp sweep over one side's rows, or a pass over the plan. A target sweep is
 * requested while `ws.f` holds the potential its input `hX` was built from, a source sweep while `ws.g` holds the
 * one behind `hY`, and the plan pass at the final (f, g); the dense backend (`denseSweeps`) relies on this.
 */
export type SweepRequest =
  | { kind: "lse"; side: "source" | "target"; invEps: number; single: boolean }
  | { kind: "plan"; invEps: number };

/** What the iteration found; the plan pass fills the workspace's marginals and returns the transport cost. */
export interface SinkhornState {
  converged: boolean;
  iterations: number;
  errors: number[];
  epsilonStages: number[];
  transportCost: number;
}

function copyInitial(dst: Float64Array, src: ArrayLike<number> | undefined, name: string): void {
  if (src === undefined) return;
  if (src.length !== dst.length) throw new SbkitNumericalError("sinkhorn", `${name} has length ${src.length}, expected ${dst.length}`);
  for (let i = 0; i < dst.length; i++) {
    if (!Number.isFinite(src[i])) throw new SbkitNumericalError("sinkhorn", `${name} has a non-finite value at [${i}]`);
    dst[i] = src[i];
  }
}

/** The Sinkhorn iteration as a generator of {@link SweepRequest}s; the driver sends back the request's result. */
export function* sinkhornSteps(problem: OtProblem, opts: ResolvedSinkhornOptions, ws: Workspace): Generator<SweepRequest, SinkhornState, number> {
  const { n, m, f, g, hX, hY, halfSqX, halfSqY, logA, logB, outX, outY } = ws;
  const epsilon = problem.epsilon;
  const { sourceWeights: a, targetWeights: b } = problem;
  const balanced = isBalanced(problem);
  copyInitial(f, opts.initialSourcePotential, "initialSourcePotential");
  copyInitial(g, opts.initialTargetPotential, "initialTargetPotential");
  const warm = opts.initialSourcePotential !== undefined || opts.initialTargetPotential !== undefined;
  const start = opts.scaling.start ?? meanCost(problem);
  const stages = opts.scaling.enabled && !warm ? epsilonSchedule(epsilon, start, opts.scaling.factor) : [epsilon];
  const errors: number[] = [];
  let iterations = 0;
  let converged = false;
  const fNew = new Float64Array(n);
  const mixed = opts.precision === "mixed";
  /** Set once the last stage has handed over to float64 sweeps. */
  let refining = false;
  let bestSingle = Infinity;
  let stalled = 0;

  for (let s = 0; s < stages.length && !converged; s++) {
    const eps = stages[s];
    const last = s === stages.length - 1;
    const kappaX = problem.sourceRho === Infinity ? 1 : problem.sourceRho / (problem.sourceRho + eps);
    const kappaY = problem.targetRho === Infinity ? 1 : problem.targetRho / (problem.targetRho + eps);
    const tol = last ? opts.tolerance : Math.max(opts.tolerance, opts.scaling.stageTolerance);
    const cap = last ? opts.maxIterations : Math.min(opts.scaling.stageMaxIterations, opts.maxIterations - iterations);
    const relax = new Relaxation(balanced ? opts.overRelaxation : 1);
    if (s > 0) rescaleShifts(ws, stages[s - 1] / eps);
    for (let it = 0; it < cap && iterations < opts.maxIterations; it++) {
      iterations++;
      const omega = relax.omega;
      // The last stage's iterations run in float32 only while the previous error is large (a warm start that is
      // already close begins in float64, so float32 rounding never spoils it).
      const previous = errors.length > 0 ? errors[errors.length - 1] : Infinity;
      const single = mixed && !(last && (refining || (stages.length === 1 && errors.length === 0) || previous < SINGLE_PRECISION_UNTIL));
      for (let i = 0; i < n; i++) hX[i] = logA[i] + (f[i] - halfSqX[i]) / eps;
      yield { kind: "lse", side: "target", invEps: 1 / eps, single };
      let dg = 0;
      let err = 0;
      for (let j = 0; j < m; j++) {
        const full = kappaY * (halfSqY[j] - eps * outY[j]);
        const v = omega === 1 ? full : (1 - omega) * g[j] + omega * full;
        if (balanced && omega !== 1) err += b[j] * Math.abs(Math.expm1((v - full) / eps));
        dg = Math.max(dg, Math.abs(v - g[j]));
        g[j] = v;
        hY[j] = logB[j] + (v - halfSqY[j]) / eps;
      }
      yield { kind: "lse", side: "source", invEps: 1 / eps, single };
      let df = 0;
      for (let i = 0; i < n; i++) {
        const unscaled = halfSqX[i] - eps * outX[i];
        const full = kappaX * unscaled;
        fNew[i] = omega === 1 ? full : (1 - omega) * f[i] + omega * full;
        df = Math.max(df, Math.abs(fNew[i] - f[i]));
        if (balanced) err += a[i] * Math.abs(Math.expm1((f[i] - unscaled) / eps));
      }
      if (!balanced) err = Math.max(df, dg) / eps;
      if (!Number.isFinite(err)) throw new SbkitNumericalError("sinkhorn", `non-finite marginal error at iteration ${iterations} (ε = ${eps})`);
      errors.push(err);
      opts.onIteration?.({ iteration: iterations, epsilon: eps, error: err });
      // In the last stage a float32 iteration only hands over to float64; it never ends the solve.
      if (last && single) {
        if (err < 0.98 * bestSingle) {
          bestSingle = err;
          stalled = 0;
        } else if (err < SINGLE_PRECISION_STALL_BELOW) stalled++; // above it, a rise is over-relaxation's transient
        if (err < Math.max(tol, SINGLE_PRECISION_UNTIL) || stalled >= SINGLE_PRECISION_STALL) refining = true;
      }
      const done = err < tol && !(last && single);
      if (!done || !balanced) f.set(fNew);
      if (done) {
        converged = last;
        break;
      }
      relax.observe(err);
    }
    if (iterations >= opts.maxIterations) break;
  }

  for (let i = 0; i < n; i++) hX[i] = logA[i] + f[i] / epsilon;
  for (let j = 0; j < m; j++) hY[j] = logB[j] + g[j] / epsilon;
  const transportCost = yield { kind: "plan", invEps: 1 / epsilon };
  return { converged, iterations, errors, epsilonStages: stages, transportCost };
}
