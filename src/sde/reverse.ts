/**
 * Time reversal and the probability-flow ODE of `dX = f(t,X) dt + g(t) dW` given the score `s(t,x) = ∇log p_t(x)`
 * (Anderson 1982; Song et al. 2021, "Score-Based Generative Modeling through SDEs", eqs. 6 and 13):
 *
 * - reverse-time SDE `dX = [f − g² s] dt + g dW̄`, simulated on a decreasing grid with {@link integrateSde};
 * - probability-flow ODE `dx/dt = f − ½ g² s`, whose solutions have the same marginals `p_t`.
 */
import type { Array2D } from "../core/array2d.js";
import { check } from "../core/errors.js";
import type { Sde, VectorField } from "./types.js";

function combine(forward: Sde, score: VectorField, factor: number, fn: string): VectorField {
  return (t: number, x: Array2D): Array2D => {
    const f = forward.drift(t, x);
    const s = score(t, x);
    check(s.rows === x.rows && s.cols === x.cols && f.rows === x.rows && f.cols === x.cols, fn, "score", `must return [${x.rows}, ${x.cols}] at t=${t}`);
    const g2 = forward.diffusion(t) ** 2;
    const out = new Float64Array(x.data.length);
    for (let k = 0; k < out.length; k++) out[k] = f.data[k] - factor * g2 * s.data[k];
    return { data: out, rows: x.rows, cols: x.cols };
  };
}

/**
 * The reverse-time SDE `dX = [f − g² ∇log p_t] dt + g dW̄` as an {@link Sde} in forward-time notation: integrate
 * it with {@link integrateSde} on a decreasing grid (e.g. `{t0: 1, t1: 0}`).
 */
export function reverseSde(forward: Sde, score: VectorField): Sde {
  return { drift: combine(forward, score, 1, "reverseSde"), diffusion: forward.diffusion };
}

/** The probability-flow velocity `v(t,x) = f(t,x) − ½ g(t)² ∇log p_t(x)`; integrate with {@link integrateOde}. */
export function probabilityFlow(forward: Sde, score: VectorField): VectorField {
  return combine(forward, score, 0.5, "probabilityFlow");
}
