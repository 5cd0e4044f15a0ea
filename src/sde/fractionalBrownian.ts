/**
 * Markov-approximate fractional Brownian motion (MA-fBM; Carmona & Coutin 1998, Harms & Stefanovits 2019,
 * Daems, Opper, Crevecoeur, Birdal, "Variational Inference for SDEs Driven by Fractional Noise", ICLR 2024).
 *
 * Type-I (Mandelbrot–Van Ness) fBM with Hurst index H ∈ (0,1), covariance `½(t^{2H} + s^{2H} − |t−s|^{2H})`, is
 * `B_t = c_H ∫ [(t−s)_+^{H−½} − (−s)_+^{H−½}] dW_s`, `c_H² = 2H Γ(3/2−H)/(Γ(H+½) Γ(2−2H))`. It is approximated
 * by a weighted sum of K stationary OU processes driven by the same Brownian motion,
 *
 *   `B̂_t = Σ_k ω_k (Y^k_t − Y^k_0)`, `dY^k = −γ_k Y^k dt + dW`, `Cov(Y^i_0, Y^j_0) = 1/(γ_i + γ_j)`,
 *
 * a K-dimensional Markov (linear) process. Speeds `γ_k` are geometric on `[γmin, γmax]`; weights are
 * L2-optimal, `ω = argmin ∫₀^T E(B_t − B̂_t)² dt`, i.e. `A ω = b` with
 * `A_ij = ∫₀^T E[(Y^i_t−Y^i_0)(Y^j_t−Y^j_0)] dt = [2T − (1−e^{−γ_iT})/γ_i − (1−e^{−γ_jT})/γ_j]/(γ_i+γ_j)` and
 * `b_k = ∫₀^T E[B_t (Y^k_t − Y^k_0)] dt`, `E[B_t(Y^k_t−Y^k_0)] = c_H γ_k^{−a}[2Γ(a) − Γ(a)e^{−γ_k t} − e^{γ_k t}Γ(a, γ_k t)]`,
 * `a = H + ½` (Daems et al. 2024 use the same objective for type-II fBM).
 */
import type { Array2D } from "../core/array2d.js";
import { check, checkInteger, checkPositive } from "../core/errors.js";
import { solveSpd, sqrtmSpd } from "../core/linalg.js";
import { normal2d, split, type Key } from "../core/rng.js";
import { gammaFunction, scaledUpperIncompleteGamma } from "./specialFunctions.js";

/** Exact type-I fBM covariance `E[B_t B_s] = ½(t^{2H} + s^{2H} − |t−s|^{2H})` for `t, s ≥ 0`. */
export function fbmCovariance(hurst: number, t: number, s: number): number {
  check(hurst > 0 && hurst < 1, "fbmCovariance", "hurst", `must be in (0, 1) (got ${hurst})`);
  check(t >= 0 && s >= 0, "fbmCovariance", "t", `and s must be ≥ 0 (got t=${t}, s=${s})`);
  const p = 2 * hurst;
  return 0.5 * (t ** p + s ** p - Math.abs(t - s) ** p);
}

/** Options of {@link markovApproximateFbm}. */
export interface MarkovFbmOptions {
  /** Number of OU processes K (default 16). */
  readonly processes?: number;
  /** Smallest and largest mean-reversion speed (defaults 1e-5 and 1e4). */
  readonly gammaMin?: number;
  readonly gammaMax?: number;
  /** Horizon T of the L2 fit (default 1). */
  readonly horizon?: number;
}

/** An MA-fBM: speeds, weights, its exact covariance and an exact sampler on any time grid. */
export interface MarkovFbm {
  readonly hurst: number;
  /** Speeds `γ_k` (length K). */
  readonly gammas: Float64Array;
  /** L2-optimal weights `ω_k` (length K). */
  readonly weights: Float64Array;
  /** Exact covariance `E[B̂_t B̂_s]` of the approximation. */
  covariance(t: number, s: number): number;
  /** `n` paths of `B̂` at increasing `times > 0` (exact Gaussian transitions of the K OU processes): `[n, m]`. */
  sample(key: Key, times: ArrayLike<number>, n: number): Array2D;
}

/** `E[(Y^i_t − Y^i_0)(Y^j_s − Y^j_0)]` for stationary OU processes driven by one Brownian motion. */
function incrementCovariance(gi: number, gj: number, t: number, s: number): number {
  const cross = t >= s ? Math.exp(-gi * (t - s)) : Math.exp(-gj * (s - t));
  // [k(t,s) − k(t,0) − k(0,s) + k(0,0)] (γ_i + γ_j), written with expm1 to keep precision for small γ.
  return (cross - 1 - Math.expm1(-gi * t) - Math.expm1(-gj * s)) / (gi + gj);
}

/** Fits the L2-optimal MA-fBM of Hurst index `hurst` ∈ (0,1) (see the module doc). */
export function markovApproximateFbm(hurst: number, options: MarkovFbmOptions = {}): MarkovFbm {
  const fn = "markovApproximateFbm";
  check(Number.isFinite(hurst) && hurst > 0 && hurst < 1, fn, "hurst", `must be in (0, 1) (got ${hurst})`);
  const k = checkInteger(options.processes ?? 16, fn, "processes", 1, 64);
  const gMin = checkPositive(options.gammaMin ?? 1e-5, fn, "gammaMin");
  const gMax = checkPositive(options.gammaMax ?? 1e4, fn, "gammaMax");
  check(gMax > gMin || k === 1, fn, "gammaMax", `must be > gammaMin (got ${gMax} ≤ ${gMin})`);
  const horizon = checkPositive(options.horizon ?? 1, fn, "horizon");
  const gammas = Float64Array.from({ length: k }, (_, i) => (k === 1 ? gMin : gMin ** (1 - i / (k - 1)) * gMax ** (i / (k - 1))));
  const a = hurst + 0.5;
  const gammaA = gammaFunction(a);
  const cH = Math.sqrt((2 * hurst * gammaFunction(1.5 - hurst)) / (gammaA * gammaFunction(2 - 2 * hurst)));
  const decay = (g: number) => -Math.expm1(-g * horizon) / g;
  const aMat = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) aMat[i * k + j] = (2 * horizon - decay(gammas[i]) - decay(gammas[j])) / (gammas[i] + gammas[j]);
  // b_k = ∫₀^T f_k(t) dt with t = T e^u, u ∈ [−40, 0] (composite Simpson; the integrand is smooth in u).
  const nodes = 4000;
  const uMin = -40;
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const g = gammas[i];
    const f = (t: number) => cH * g ** -a * (2 * gammaA - gammaA * Math.exp(-g * t) - scaledUpperIncompleteGamma(a, g * t));
    let sum = 0;
    for (let m = 0; m <= nodes; m++) {
      const t = horizon * Math.exp(uMin + (-uMin * m) / nodes);
      const w = m === 0 || m === nodes ? 1 : m % 2 === 1 ? 4 : 2;
      sum += w * f(t) * t;
    }
    b[i] = (sum * (-uMin / nodes)) / 3;
  }
  const weights = solveSpd({ data: aMat, rows: k, cols: k }, { data: b, rows: k, cols: 1 }).data;

  const covariance = (t: number, s: number): number => {
    check(t >= 0 && s >= 0, "MarkovFbm.covariance", "t", `and s must be ≥ 0 (got t=${t}, s=${s})`);
    let c = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) c += weights[i] * weights[j] * incrementCovariance(gammas[i], gammas[j], t, s);
    return c;
  };

  const sample = (key: Key, times: ArrayLike<number>, n: number): Array2D => {
    const m = times.length;
    checkInteger(n, "MarkovFbm.sample", "n", 1);
    check(m >= 1, "MarkovFbm.sample", "times", "must not be empty");
    for (let j = 0; j < m; j++) check(times[j] > (j === 0 ? 0 : times[j - 1]), "MarkovFbm.sample", "times", `must be increasing and > 0 (problem at [${j}])`);
    const keys = split(key, m + 1);
    const stationary = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) stationary[i * k + j] = 1 / (gammas[i] + gammas[j]);
    const root0 = sqrtmSpd({ data: stationary, rows: k, cols: k }, "MarkovFbm.sample", "stationary covariance");
    const y = new Float64Array(n * k);
    const z0 = normal2d(keys[0], n, k);
    for (let p = 0; p < n; p++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) y[p * k + i] += root0.data[i * k + j] * z0.data[p * k + j];
    const y0 = Float64Array.from(y);
    const out = new Float64Array(n * m);
    let previous = 0;
    for (let step = 0; step < m; step++) {
      const dt = times[step] - previous;
      previous = times[step];
      const q = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q[i * k + j] = -Math.expm1(-(gammas[i] + gammas[j]) * dt) / (gammas[i] + gammas[j]);
      const root = sqrtmSpd({ data: q, rows: k, cols: k }, "MarkovFbm.sample", "transition covariance");
      const z = normal2d(keys[step + 1], n, k);
      for (let p = 0; p < n; p++) {
        let value = 0;
        for (let i = 0; i < k; i++) {
          let noise = 0;
          for (let j = 0; j < k; j++) noise += root.data[i * k + j] * z.data[p * k + j];
          const yi = Math.exp(-gammas[i] * dt) * y[p * k + i] + noise;
          y[p * k + i] = yi;
          value += weights[i] * (yi - y0[p * k + i]);
        }
        out[p * m + step] = value;
      }
    }
    return { data: out, rows: n, cols: m };
  };

  return { hurst, gammas, weights, covariance, sample };
}
