/**
 * Debiased Sinkhorn divergence (Genevay, Peyré & Cuturi 2018; Feydy et al. 2019, "Interpolating between optimal
 * transport and MMD using Sinkhorn divergences"):
 *
 *   S_ε(α, β) = OT_ε(α, β) − ½ OT_ε(α, α) − ½ OT_ε(β, β),
 *
 * with `OT_ε` the regularized cost `⟨C,P⟩ + ε KL(P‖a⊗b)` for `c = ½‖x−y‖²`. For this cost `S_ε ≥ 0`, with equality
 * iff α = β; it tends to W₂²/2 as ε → 0 and to an MMD as ε → ∞.
 */
import type { Array2DLike } from "../core/array2d.js";
import { otProblem } from "./problem.js";
import { sinkhorn } from "./sinkhorn.js";
import type { SinkhornOptions } from "./sinkhornOptions.js";
import type { SinkhornResult } from "./sinkhornResult.js";

/** Options of {@link sinkhornDivergence}: ε, optional weights, and the Sinkhorn solver options. */
export interface SinkhornDivergenceOptions extends SinkhornOptions {
  epsilon: number;
  sourceWeights?: ArrayLike<number>;
  targetWeights?: ArrayLike<number>;
}

/** The divergence and the three solves it came from (check their `converged`). */
export interface SinkhornDivergence {
  value: number;
  converged: boolean;
  crossTerm: SinkhornResult;
  sourceTerm: SinkhornResult;
  targetTerm: SinkhornResult;
}

/** `S_ε(α, β)` between weighted point clouds `source` `[n, d]` and `target` `[m, d]`. */
export function sinkhornDivergence(source: Array2DLike, target: Array2DLike, options: SinkhornDivergenceOptions): SinkhornDivergence {
  const { epsilon, sourceWeights, targetWeights, ...solver } = options;
  const crossTerm = sinkhorn(otProblem(source, target, { epsilon, sourceWeights, targetWeights }), solver);
  const sourceTerm = sinkhorn(otProblem(source, source, { epsilon, sourceWeights, targetWeights: sourceWeights }), solver);
  const targetTerm = sinkhorn(otProblem(target, target, { epsilon, sourceWeights: targetWeights, targetWeights }), solver);
  return {
    value: crossTerm.regularizedCost - 0.5 * sourceTerm.regularizedCost - 0.5 * targetTerm.regularizedCost,
    converged: crossTerm.converged && sourceTerm.converged && targetTerm.converged,
    crossTerm,
    sourceTerm,
    targetTerm,
  };
}
