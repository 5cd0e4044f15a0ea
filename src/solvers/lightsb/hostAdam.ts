/**
 * Adam on host float64 arrays as a pure `{init, update}` pair (Kingma & Ba, "Adam: A Method for Stochastic
 * Optimization", ICLR 2015). With gradient `g`, step `k ≥ 1` and learning rate `η_k`:
 *
 *   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,   θ ← θ − η_k (m / (1 − β1^k)) / (√(v / (1 − β2^k)) + δ).
 *
 * The small solvers that compute gradients by hand (LightSB) use it; network training uses `src/nn/adam.ts`.
 */

/** Adam moments of one parameter vector and the step count. */
export interface HostAdamState {
  readonly step: number;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/** Adam settings (defaults β1 = 0.9, β2 = 0.999, δ = 1e-8). */
export interface HostAdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly delta?: number;
}

/** Fresh moments for a parameter vector of length `n`. */
export function hostAdamInit(n: number): HostAdamState {
  return { step: 0, m: new Float64Array(n), v: new Float64Array(n) };
}

/** One Adam step: returns the new parameters and state (inputs are not modified). */
export function hostAdamUpdate(
  params: Float64Array,
  grad: Float64Array,
  state: HostAdamState,
  learningRate: number,
  options: HostAdamOptions = {},
): { params: Float64Array; state: HostAdamState } {
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const delta = options.delta ?? 1e-8;
  const step = state.step + 1;
  const c1 = 1 / (1 - b1 ** step);
  const c2 = 1 / (1 - b2 ** step);
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  const out = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    m[i] = b1 * state.m[i] + (1 - b1) * grad[i];
    v[i] = b2 * state.v[i] + (1 - b2) * grad[i] * grad[i];
    out[i] = params[i] - (learningRate * m[i] * c1) / (Math.sqrt(v[i] * c2) + delta);
  }
  return { params: out, state: { step, m, v } };
}
