/**
 * Path-space KL between two SDEs with the same diffusion, by Girsanov's theorem (Léonard 2014; Chen, Georgiou,
 * Pavon 2021, §3): for `P: dX = b₁ dt + g dW` and `Q: dX = b₂ dt + g dW` from the same initial law,
 * `KL(P ‖ Q) = E_P ∫ ½ ‖b₁(t,X_t) − b₂(t,X_t)‖² / g(t)² dt`, estimated on paths sampled from `P`.
 */
import { check } from "../core/errors.js";
import type { IntegrationResult } from "./integrate.js";
import type { DiffusionCoefficient, VectorField } from "./types.js";

/** Monte-Carlo estimate of a path KL with its standard error over paths. */
export interface PathKlEstimate {
  readonly estimate: number;
  readonly standardError: number;
  readonly paths: number;
}

/**
 * Estimates `KL(P ‖ Q) = E_P ∫ ½‖b₁ − b₂‖²/g² dt` from paths of `P` saved on every grid step (`saveEvery: 1`),
 * with the left-point rule `Σ_k ½‖b₁(t_k,X_k) − b₂(t_k,X_k)‖²/g(t_k)² |t_{k+1} − t_k|` per path.
 */
export function girsanovPathKl(driftP: VectorField, driftQ: VectorField, diffusion: DiffusionCoefficient, paths: IntegrationResult): PathKlEstimate {
  const fn = "girsanovPathKl";
  const { times, states } = paths;
  check(times.length === paths.grid.length, fn, "paths", "must hold every grid step (integrate with saveEvery: 1)");
  const n = states[0].rows;
  const perPath = new Float64Array(n);
  for (let k = 0; k + 1 < times.length; k++) {
    const t = times[k];
    const x = states[k];
    const dt = Math.abs(times[k + 1] - t);
    const g = diffusion(t);
    check(Number.isFinite(g) && g > 0, fn, "diffusion", `must be > 0 (got ${g} at t=${t})`);
    const b1 = driftP(t, x);
    const b2 = driftQ(t, x);
    const d = x.cols;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (b1.data[i * d + a] - b2.data[i * d + a]) ** 2;
      perPath[i] += (0.5 * s * dt) / (g * g);
    }
  }
  let mean = 0;
  for (const v of perPath) mean += v / n;
  let variance = 0;
  for (const v of perPath) variance += (v - mean) ** 2 / Math.max(1, n - 1);
  return { estimate: mean, standardError: Math.sqrt(variance / n), paths: n };
}
