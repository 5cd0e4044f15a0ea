/**
 * Closed-form entropic quantities of the Gaussian Schrödinger bridge (Bunne et al. 2023; Janati et al. 2020;
 * Mallasto et al. 2022), for reference `dX = σ dW`, `ε = σ²`, cost `c(x,y) = ½‖x−y‖²`:
 *
 * - transport cost `E_π c = ½(‖μ0−μ1‖² + tr Σ0 + tr Σ1 − 2 tr C)`;
 * - mutual information `KL(π ‖ μ⊗ν) = ½[log det Σ1 − log det S]`, `S = Σ1 − Cᵀ Σ0⁻¹ C` (law of X1 | X0);
 * - entropic OT value `OT_ε = E_π c + ε KL(π ‖ μ⊗ν)`;
 * - path KL of the SB to the reference started at the source, `KL(P ‖ R^{μ0})`, which equals the static
 *   `KL(π ‖ R01) = E_π c/ε − d/2 + (d/2) log ε − ½ log det S` (Léonard 2014) and, by Girsanov,
 *   `E ∫₀¹ ½‖b(t,X_t)‖²/ε dt` — the oracle for any solver's path KL.
 */
import { logDetSpd, trace } from "../core/linalg.js";
import { gaussianSb, type GaussianSb, type GaussianSbProblem } from "./gaussianSb.js";

/** Entropic quantities of the Gaussian SB plan (nats; costs for `½‖x−y‖²`). */
export interface GaussianSbEntropic {
  /** `E_π ½‖X0 − X1‖²`. */
  readonly transportCost: number;
  /** `KL(π ‖ μ⊗ν)`, the mutual information of the plan. */
  readonly mutualInformation: number;
  /** `OT_ε = transportCost + ε · mutualInformation`. */
  readonly entropicCost: number;
  /** `KL(P_SB ‖ R^{μ0})` on path space (= static `KL(π ‖ R01)`). */
  readonly pathKl: number;
}

/** Computes {@link GaussianSbEntropic} from a problem or an already solved {@link GaussianSb}. */
export function gaussianSbEntropic(problem: GaussianSbProblem | GaussianSb): GaussianSbEntropic {
  const sb = "crossCovariance" in problem ? problem : gaussianSb(problem);
  const { source, target, epsilon, dimension: d } = sb;
  let meanPart = 0;
  for (let a = 0; a < d; a++) meanPart += (source.mean[a] - target.mean[a]) ** 2;
  const transportCost = 0.5 * (meanPart + trace(source.covariance) + trace(target.covariance) - 2 * trace(sb.crossCovariance));
  const conditional = sb.targetGivenSource({ data: source.mean, rows: 1, cols: d }).covariance;
  const logDetS = logDetSpd(conditional, "gaussianSbEntropic", "conditional covariance");
  const mutualInformation = 0.5 * (logDetSpd(target.covariance) - logDetS);
  return {
    transportCost,
    mutualInformation,
    entropicCost: transportCost + epsilon * mutualInformation,
    pathKl: transportCost / epsilon - d / 2 + (d / 2) * Math.log(epsilon) - 0.5 * logDetS,
  };
}
