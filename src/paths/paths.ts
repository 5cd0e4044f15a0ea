/**
 * The standard conditional paths (see {@link ConditionalPath}):
 *
 * - {@link linearPath}: `x_t = (1−t) x0 + t x1 + σ z` — I-CFM / OT-CFM (Tong et al. 2024; σ = 0 gives rectified
 *   flow, Liu et al. 2023). `u_t = x1 − x0`.
 * - {@link brownianBridgePath}: `x_t = (1−t) x0 + t x1 + σ√(t(1−t)) z` — the bridge of `σ dW` pinned at `x0, x1`
 *   (SB-CFM and [SF]²M, Tong et al. 2024). `γ' = σ(1−2t)/(2√(t(1−t)))` is singular at t = 0, 1, so training times
 *   are drawn from `[10⁻³, 1 − 10⁻³]`.
 * - {@link vpPath}: `x_t = √(1−a²) x0 + a x1`, `a = exp(−½∫_0^{1−t} β)`, with `x0 ~ N(0, I)` as the noise — the VP
 *   diffusion path of flow matching (Lipman et al. 2023, eq. 19). `α' = −a a'/√(1−a²)` is singular at t = 1, so
 *   training times are drawn from `[0, 1 − 10⁻³]`.
 */
import { checkPositive } from "../core/errors.js";
import { linearBetaSchedule, type BetaSchedule } from "../sde/reference.js";
import { ConditionalPath } from "./conditionalPath.js";

/** The end clamp used by paths whose derivatives are singular at t = 0 or t = 1. */
export const PATH_END_CLAMP = 1e-3;

/** `x_t = (1−t) x0 + t x1 + σ z` (σ ≥ 0). */
export function linearPath(sigma = 0): ConditionalPath {
  if (sigma !== 0) checkPositive(sigma, "linearPath", "sigma");
  return new ConditionalPath("linear", {
    alpha: (t) => 1 - t,
    beta: (t) => t,
    gamma: () => sigma,
    dAlpha: () => -1,
    dBeta: () => 1,
    dGamma: () => 0,
  });
}

/** The Brownian bridge of `σ dW`: `x_t = (1−t) x0 + t x1 + σ√(t(1−t)) z` (σ > 0). */
export function brownianBridgePath(sigma: number): ConditionalPath {
  checkPositive(sigma, "brownianBridgePath", "sigma");
  return new ConditionalPath(
    "brownian-bridge",
    {
      alpha: (t) => 1 - t,
      beta: (t) => t,
      gamma: (t) => sigma * Math.sqrt(Math.max(0, t * (1 - t))),
      dAlpha: () => -1,
      dBeta: () => 1,
      dGamma: (t) => (sigma * (1 - 2 * t)) / (2 * Math.sqrt(t * (1 - t))),
    },
    PATH_END_CLAMP,
    1 - PATH_END_CLAMP,
  );
}

/** The VP path `x_t = √(1 − a(1−t)²) x0 + a(1−t) x1`, `a(s) = exp(−½∫_0^s β)`, from noise `x0` to data `x1`. */
export function vpPath(schedule: BetaSchedule = linearBetaSchedule(0.1, 20)): ConditionalPath {
  const a = (t: number) => Math.exp(-0.5 * schedule.integral(0, 1 - t));
  // d/dt a(1−t) = ½ β(1−t) a(1−t)
  const da = (t: number) => 0.5 * schedule.beta(1 - t) * a(t);
  return new ConditionalPath(
    "vp",
    {
      alpha: (t) => Math.sqrt(1 - a(t) ** 2),
      beta: a,
      gamma: () => 0,
      dAlpha: (t) => (-a(t) * da(t)) / Math.sqrt(1 - a(t) ** 2),
      dBeta: da,
      dGamma: () => 0,
    },
    0,
    1 - PATH_END_CLAMP,
  );
}
