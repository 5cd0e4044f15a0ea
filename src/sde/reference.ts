/**
 * Linear reference processes `dX = −λ(t) X dt + g(t) dW` with closed-form Gaussian transitions
 * `X_t | X_s = x ~ N(a(s,t) x, v(s,t) I)`, `a(s,t) = exp(−∫_s^t λ)`, `v(s,t) = ∫_s^t a(u,t)² g(u)² du`:
 *
 * - Brownian `dX = σ dW` (the library's SB reference, ε = σ²): `a = 1`, `v = σ²(t−s)`;
 * - Ornstein–Uhlenbeck `dX = −θX dt + σ dW`: `a = e^{−θ(t−s)}`, `v = σ²(1 − e^{−2θ(t−s)})/(2θ)`;
 * - VP (Song et al. 2021) `dX = −½β(t)X dt + √β(t) dW`: `a = e^{−½B}`, `v = 1 − e^{−B}`, `B = ∫_s^t β`;
 * - VE (Song et al. 2021) `dX = √(d σ²(t)/dt) dW`, `σ(t) = σmin (σmax/σmin)^t`: `a = 1`, `v = σ(t)² − σ(s)²`.
 *
 * These are the reference measures `R` of De Bortoli et al. 2021 and Song et al. 2021.
 */
import { check, checkPositive } from "../core/errors.js";
import { checkUnitTime } from "./time.js";
import type { Sde } from "./types.js";

/** A linear reference SDE with closed-form transitions (see the module doc). */
export interface LinearReference extends Sde {
  readonly name: string;
  /** `λ(t)` in the drift `−λ(t) x`. */
  decay(t: number): number;
  /** `a(s,t) = exp(−∫_s^t λ)`, the mean factor of `X_t | X_s` (`0 ≤ s ≤ t ≤ 1`). */
  transitionScale(s: number, t: number): number;
  /** `v(s,t)`, the per-coordinate variance of `X_t | X_s` (`0 ≤ s ≤ t ≤ 1`). */
  transitionVariance(s: number, t: number): number;
}

/** A noise schedule `β(t) > 0` with its integral `∫_s^t β`. */
export interface BetaSchedule {
  beta(t: number): number;
  integral(s: number, t: number): number;
}

/** Checks `0 ≤ s ≤ t ≤ 1`. */
export function checkInterval(s: number, t: number, fn: string): void {
  checkUnitTime(s, fn, "s");
  checkUnitTime(t, fn, "t");
  check(s <= t, fn, "t", `must be ≥ s (got s=${s}, t=${t})`);
}

function linear(name: string, decay: (t: number) => number, diffusion: (t: number) => number, scale: (s: number, t: number) => number, variance: (s: number, t: number) => number): LinearReference {
  return {
    name,
    decay,
    diffusion,
    drift: (t, x) => {
      const l = decay(t);
      const out = new Float64Array(x.data.length);
      for (let k = 0; k < out.length; k++) out[k] = -l * x.data[k];
      return { data: out, rows: x.rows, cols: x.cols };
    },
    transitionScale: (s, t) => {
      checkInterval(s, t, `${name}.transitionScale`);
      return scale(s, t);
    },
    transitionVariance: (s, t) => {
      checkInterval(s, t, `${name}.transitionVariance`);
      return variance(s, t);
    },
  };
}

/** Brownian reference `dX = σ dW` (σ > 0, ε = σ²): `a = 1`, `v(s,t) = σ²(t − s)`. */
export function brownianReference(sigma: number): LinearReference {
  checkPositive(sigma, "brownianReference", "sigma");
  return linear("brownian", () => 0, () => sigma, () => 1, (s, t) => sigma * sigma * (t - s));
}

/** Ornstein–Uhlenbeck `dX = −θX dt + σ dW` (θ, σ > 0): `a = e^{−θΔ}`, `v = σ²(1 − e^{−2θΔ})/(2θ)`, `Δ = t − s`. */
export function ornsteinUhlenbeckReference(theta: number, sigma: number): LinearReference {
  checkPositive(theta, "ornsteinUhlenbeckReference", "theta");
  checkPositive(sigma, "ornsteinUhlenbeckReference", "sigma");
  return linear(
    "ornstein-uhlenbeck",
    () => theta,
    () => sigma,
    (s, t) => Math.exp(-theta * (t - s)),
    (s, t) => (sigma * sigma * -Math.expm1(-2 * theta * (t - s))) / (2 * theta),
  );
}

/** The linear schedule `β(t) = βmin + t(βmax − βmin)` (Song et al. 2021 use βmin = 0.1, βmax = 20). */
export function linearBetaSchedule(betaMin: number, betaMax: number): BetaSchedule {
  checkPositive(betaMin, "linearBetaSchedule", "betaMin");
  checkPositive(betaMax, "linearBetaSchedule", "betaMax");
  return {
    beta: (t) => betaMin + t * (betaMax - betaMin),
    integral: (s, t) => betaMin * (t - s) + 0.5 * (betaMax - betaMin) * (t * t - s * s),
  };
}

/** VP SDE `dX = −½β(t)X dt + √β(t) dW`: `a = e^{−½B(s,t)}`, `v = 1 − e^{−B(s,t)}`, `B(s,t) = ∫_s^t β`. */
export function vpReference(schedule: BetaSchedule = linearBetaSchedule(0.1, 20)): LinearReference {
  return linear(
    "vp",
    (t) => 0.5 * schedule.beta(t),
    (t) => Math.sqrt(schedule.beta(t)),
    (s, t) => Math.exp(-0.5 * schedule.integral(s, t)),
    (s, t) => -Math.expm1(-schedule.integral(s, t)),
  );
}

/**
 * VE SDE `dX = σ(t)√(2 log(σmax/σmin)) dW` with `σ(t) = σmin(σmax/σmin)^t` (0 < σmin < σmax):
 * `a = 1`, `v(s,t) = σ(t)² − σ(s)²`.
 */
export function veReference(sigmaMin = 0.01, sigmaMax = 50): LinearReference {
  checkPositive(sigmaMin, "veReference", "sigmaMin");
  checkPositive(sigmaMax, "veReference", "sigmaMax");
  check(sigmaMax > sigmaMin, "veReference", "sigmaMax", `must be > sigmaMin (got ${sigmaMax} ≤ ${sigmaMin})`);
  const logRatio = Math.log(sigmaMax / sigmaMin);
  const sigmaAt = (t: number) => sigmaMin * Math.exp(t * logRatio);
  return linear(
    "ve",
    () => 0,
    (t) => sigmaAt(t) * Math.sqrt(2 * logRatio),
    () => 1,
    (s, t) => sigmaAt(t) ** 2 - sigmaAt(s) ** 2,
  );
}
