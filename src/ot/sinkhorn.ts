/**
 * Point-cloud entropic OT (the static Schrödinger bridge) by log-domain Sinkhorn, ε-scaling with warm starts,
 * balanced or KL-unbalanced marginals. Sweeps run either online (costs computed on the fly, O(n + m) memory) or
 * dense (a cached stabilized kernel under a memory budget; ./denseSweeps.ts), chosen in ./sweepRunner.ts.
 * `sinkhorn` runs on the calling thread; `sinkhornAsync` (./sinkhornAsync.ts) splits online sweeps over workers.
 *
 * Reference: Cuturi 2013, "Sinkhorn distances"; Peyré & Cuturi 2019, "Computational Optimal Transport", §4;
 * Feydy 2020 (online log-sum-exp reductions); Séjourné et al. 2019 (unbalanced).
 */
import type { OtProblem } from "./problem.js";
import { resolveSinkhornOptions, type SinkhornOptions } from "./sinkhornOptions.js";
import { SinkhornResult, type SinkhornBackendInfo } from "./sinkhornResult.js";
import { sinkhornSteps, type SinkhornState } from "./sinkhornSteps.js";
import { makeSweepRunner } from "./sweepRunner.js";
import { makeWorkspace, type Workspace } from "./workspace.js";

/** Packs the final workspace and iteration state into a {@link SinkhornResult}. */
export function finishResult(problem: OtProblem, ws: Workspace, state: SinkhornState, started: number, backend: SinkhornBackendInfo): SinkhornResult {
  return new SinkhornResult(problem, {
    sourcePotential: Float64Array.from(ws.f),
    targetPotential: Float64Array.from(ws.g),
    converged: state.converged,
    iterations: state.iterations,
    errors: state.errors,
    epsilonStages: state.epsilonStages,
    sourceMarginal: Float64Array.from(ws.outX),
    targetMarginal: Float64Array.from(ws.outY),
    cost: state.transportCost,
    seconds: (performance.now() - started) / 1000,
    backend,
    acceleration: state.acceleration,
  });
}

/**
 * Solves `min_P ⟨C,P⟩ + ε KL(P‖a⊗b)` (optionally with KL-relaxed marginals) for `c(x,y) = ½‖x−y‖²` on the
 * calling thread. The result carries potentials f, g, `converged`, iterations, the error trace, the transport cost
 * `⟨C,P⟩`, the regularized (primal) cost, the dual value, seconds and the backend used. Non-convergence is reported
 * in the result, never thrown. Build the problem with {@link otProblem}. By default (`backend: "auto"`) problems
 * whose n×m kernel fits `denseMemoryMB` (256 MiB) cache it and iterate by matrix–vector products (`denseSweeps`).
 */
export function sinkhorn(problem: OtProblem, options: SinkhornOptions = {}): SinkhornResult {
  const started = performance.now();
  const opts = resolveSinkhornOptions(options, "sinkhorn");
  const ws = makeWorkspace(problem, false);
  const runner = makeSweepRunner(problem, opts, ws, "sinkhorn");
  const steps = sinkhornSteps(problem, opts, ws);
  let reply = 0;
  for (;;) {
    const next = steps.next(reply);
    if (next.done) return finishResult(problem, ws, next.value, started, runner.info());
    reply = runner.run(next.value);
  }
}
