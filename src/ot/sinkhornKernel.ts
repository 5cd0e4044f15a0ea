/**
 * Kernel-mode (scaling-form) Sinkhorn with absorption — Sinkhorn–Knopp on `u, v` with the stabilized kernel
 * `K̃_ij = exp((f̃_i + g̃_j − c_ij)/ε)` computed on the fly (Schmitzer 2019, "Stabilized sparse scaling
 * algorithms for entropy regularized transport problems", Alg. 2):
 *
 *   u_i ← 1 / Σ_j K̃_ij b_j v_j,   v_j ← 1 / Σ_i K̃_ij a_i u_i,   P_ij = a_i u_i K̃_ij v_j b_j,
 *
 * absorbing `ε log u` into f̃ (and `ε log v` into g̃) whenever a scaling leaves `[e^{−50}, e^{50}]`.
 * Balanced problems only. It is an independent formulation of the same fixed point as the log-domain
 * {@link sinkhorn}, useful at large ε and as a cross-check; at small ε a whole row of K̃ can underflow, which
 * is reported as an error rather than hidden.
 */
import { SbkitInputError, SbkitNumericalError } from "../core/errors.js";
import { isBalanced, type OtProblem } from "./problem.js";
import { finishResult } from "./sinkhorn.js";
import { resolveSinkhornOptions, type SinkhornOptions } from "./sinkhornOptions.js";
import type { SinkhornResult } from "./sinkhornResult.js";
import { runSweep } from "./sweep.js";
import { onlineBackendInfo } from "./sweepRunner.js";
import { makeWorkspace, type Workspace } from "./workspace.js";

const ABSORB = 50;

/** `out_q = 1 / Σ_k exp((absQ_q + absK_k − c(q, k))/ε) w_k` for every query row q. */
function scalingUpdate(qs: Float64Array, ks: Float64Array, d: number, absQ: Float64Array, absK: Float64Array, w: Float64Array, eps: number, out: Float64Array): void {
  const nq = absQ.length;
  const nk = absK.length;
  for (let i = 0; i < nq; i++) {
    let s = 0;
    for (let j = 0; j < nk; j++) {
      let c = 0;
      for (let k = 0; k < d; k++) { const t = qs[i * d + k] - ks[j * d + k]; c += t * t; }
      s += Math.exp((absQ[i] + absK[j] - 0.5 * c) / eps) * w[j];
    }
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new SbkitNumericalError("sinkhornKernel", `kernel row ${i} summed to ${s} (underflow or overflow at ε = ${eps}); use sinkhorn (log domain) for this ε`);
    }
    out[i] = 1 / s;
  }
}

function absorb(abs: Float64Array, scaling: Float64Array, eps: number, force: boolean): void {
  let big = force;
  for (const s of scaling) if (Math.abs(Math.log(s)) > ABSORB) big = true;
  if (!big) return;
  for (let i = 0; i < abs.length; i++) { abs[i] += eps * Math.log(scaling[i]); scaling[i] = 1; }
}

/** Fills `ws.f`, `ws.g` from (f̃, g̃, u, v) and runs the plan pass; returns ⟨C, P⟩. */
function evaluate(ws: Workspace, eps: number): number {
  for (let i = 0; i < ws.n; i++) ws.hX[i] = ws.logA[i] + ws.f[i] / eps;
  for (let j = 0; j < ws.m; j++) ws.hY[j] = ws.logB[j] + ws.g[j] / eps;
  return runSweep({ kind: "plan", invEps: 1 / eps }, ws);
}

/**
 * Balanced entropic OT by kernel-mode Sinkhorn (no ε-scaling). Same result type as {@link sinkhorn}; the error
 * trace is the L1 source-marginal error after each iteration (the target marginal is exact after its update).
 * The kernel is always computed on the fly (`backend: "dense"` is rejected; `sinkhorn` has the cached variant).
 */
export function sinkhornKernel(problem: OtProblem, options: SinkhornOptions = {}): SinkhornResult {
  const started = performance.now();
  if (!isBalanced(problem)) throw new SbkitInputError("sinkhornKernel", "problem", "must be balanced (kernel mode has no unbalanced update); use sinkhorn");
  const opts = resolveSinkhornOptions(options, "sinkhornKernel");
  if (opts.backend === "dense") throw new SbkitInputError("sinkhornKernel", "backend", `must be "auto" or "online": kernel mode computes the kernel on the fly (use sinkhorn for the dense backend)`);
  const ws = makeWorkspace(problem, false);
  const { n, m, d, xs, ys, f, g } = ws;
  const eps = problem.epsilon;
  const a = problem.sourceWeights;
  const b = problem.targetWeights;
  const u = new Float64Array(n).fill(1);
  const v = new Float64Array(m).fill(1);
  const au = new Float64Array(n);
  const bv = new Float64Array(m);
  const uNext = new Float64Array(n);
  const errors: number[] = [];
  let converged = false;
  let iterations = 0;
  while (iterations < opts.maxIterations) {
    iterations++;
    for (let i = 0; i < n; i++) au[i] = a[i] * u[i];
    scalingUpdate(ys, xs, d, g, f, au, eps, v);
    absorb(g, v, eps, false);
    for (let j = 0; j < m; j++) bv[j] = b[j] * v[j];
    scalingUpdate(xs, ys, d, f, g, bv, eps, uNext);
    let err = 0;
    for (let i = 0; i < n; i++) err += a[i] * Math.abs(u[i] / uNext[i] - 1);
    errors.push(err);
    opts.onIteration?.({ iteration: iterations, epsilon: eps, error: err });
    if (err < opts.tolerance) { converged = true; break; }
    u.set(uNext);
    absorb(f, u, eps, false);
  }
  absorb(f, u, eps, true);
  absorb(g, v, eps, true);
  const cost = evaluate(ws, eps);
  return finishResult(problem, ws, { converged, iterations, errors, epsilonStages: [eps], transportCost: cost, acceleration: { kind: "none", extrapolations: 0, undone: 0 } }, started, onlineBackendInfo());
}
