/**
 * The time-discretization bias of DSB (De Bortoli et al. 2021, Alg. 1) computed exactly, without networks or
 * samples, on the d = 5, ε = 1 Gaussian endpoints of test/solvers/gaussianBridge.ts.
 *
 *   node --import tsx bench/dsbBias.ts [--epsilon 1] [--iterations 4]
 *
 * With linear drifts every chain is Gaussian, so IPF can be run on moments: the forward chain
 * `X_{k+1} = X_k + γ_k (K_k X_k + h_k) + σ√γ_k Z` from N(μ0, Σ0) has marginals `m_k, S_k`; DSB's mean-matching
 * regression of the backward drift (target `X_k − X_{k+1} + γ_k (f(X_k) − f(X_{k+1}))` over γ_k) has the exact
 * minimizer `b(x) = P_k (E[X_k | X_{k+1} = x] − x)/γ_k`, `P_k = I + γ_k K_k`, with `E[X_k | X_{k+1} = x] = m_k +
 * G_k (x − m_{k+1})`, `G_k = S_k P_kᵀ S_{k+1}⁻¹`; the backward chain keeps the transition variance σ²γ_k; the forward
 * stage is the same computation on the backward chain from N(μ1, Σ1). The table is the relative Frobenius error of
 * each chain's end-to-end cross-covariance against the closed-form SB (gaussianSbCrossCovariance), i.e. what a
 * perfectly trained DSB would score in the test, for uniform grids and for non-uniform ones (`geometric r`: steps
 * shrinking by r towards t = 1; `symmetric r`: the paper code's grid, steps growing linearly by r to the middle).
 */
import { array2d, type Array2D } from "../src/core/array2d.js";
import { addIdentity, frobeniusNorm, inverseSpd, matmul, matVec, scale, sub, transpose } from "../src/core/linalg.js";
import { D, mu0, mu1, S0, S1, trueCrossCovariance } from "../test/solvers/gaussianBridge.js";

interface Affine {
  readonly k: Array2D;
  readonly h: Float64Array;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Step sizes γ_k (summing to 1) of a grid. */
function grid(n: number, kind: "uniform" | "geometric" | "symmetric", r: number): number[] {
  let g: number[];
  if (kind === "uniform") g = Array.from({ length: n }, () => 1);
  else if (kind === "geometric") g = Array.from({ length: n }, (_, k) => r ** (-k / (n - 1)));
  else {
    const h = Math.floor(n / 2);
    const half = Array.from({ length: h }, (_, i) => 1 + ((r - 1) * i) / Math.max(1, h - 1));
    g = [...half, ...(n % 2 === 1 ? [r] : []), ...half.slice().reverse()];
  }
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}

const transition = (a: Affine, gamma: number): Array2D => addIdentity(scale(a.k, gamma), 1);

/** Marginal means and covariances along a chain started at N(m0, s0). */
function marginals(drifts: Affine[], gammas: number[], sigma2: number, m0: Float64Array, s0: Array2D): { m: Float64Array[]; s: Array2D[] } {
  const m = [m0];
  const s = [s0];
  drifts.forEach((a, k) => {
    const p = transition(a, gammas[k]);
    m.push(Float64Array.from(matVec(p, m[k]), (v, i) => v + gammas[k] * a.h[i]));
    s.push(addIdentity(matmul(matmul(p, s[k]), transpose(p)), gammas[k] * sigma2));
  });
  return { m, s };
}

/** DSB's exact mean-matching fit of the reverse chain's drifts (step k maps state k + 1 to state k). */
function reverseDrifts(drifts: Affine[], gammas: number[], mg: { m: Float64Array[]; s: Array2D[] }): Affine[] {
  return drifts.map((a, k) => {
    const p = transition(a, gammas[k]);
    const g = matmul(matmul(mg.s[k], transpose(p)), inverseSpd(mg.s[k + 1]));
    const gm = matVec(g, mg.m[k + 1]);
    return { k: scale(matmul(p, addIdentity(g, -1)), 1 / gammas[k]), h: matVec(p, Float64Array.from(mg.m[k], (v, i) => (v - gm[i]) / gammas[k])) };
  });
}

/** Cov(start, end) of a chain started with covariance s0. */
function endToEnd(drifts: Affine[], gammas: number[], s0: Array2D): Array2D {
  return drifts.reduce((c, a, k) => matmul(c, transpose(transition(a, gammas[k]))), s0);
}

const epsilon = Number(arg("epsilon", "1"));
const iterations = Number(arg("iterations", "4"));
const truth = trueCrossCovariance(epsilon);
const relative = (c: Array2D): number => (100 * frobeniusNorm(sub(c, truth))) / frobeniusNorm(truth);
const zero = (): Affine => ({ k: array2d(new Float64Array(D * D), D, D), h: new Float64Array(D) });
console.log(`| N | grid | forward plan error % | backward plan error % |  (ε = ${epsilon}, after ${iterations} IPF iterations)`);
console.log("| --- | --- | --- | --- |");
for (const n of [20, 30, 40, 50]) {
  for (const [kind, r] of [["uniform", 1], ["geometric", 4], ["symmetric", 4]] as const) {
    const gammas = grid(n, kind, r);
    const reversed = gammas.slice().reverse();
    let forward: Affine[] = Array.from({ length: n }, zero);
    let backwardError = NaN;
    for (let it = 0; it < iterations; it++) {
      // backward stage: fit on forward paths from the source; the chain runs from the target (t = 1) down
      const backward = reverseDrifts(forward, gammas, marginals(forward, gammas, epsilon, mu0, S0)).reverse();
      backwardError = relative(transpose(endToEnd(backward, reversed, S1)));
      // forward stage: fit on backward paths from the target
      forward = reverseDrifts(backward, reversed, marginals(backward, reversed, epsilon, mu1, S1)).reverse();
    }
    const label = kind === "uniform" ? "uniform" : `${kind} ${r}`;
    console.log(`| ${n} | ${label} | ${relative(endToEnd(forward, gammas, S0)).toFixed(2)} | ${backwardError.toFixed(2)} |`);
  }
}
