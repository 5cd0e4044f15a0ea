/**
 * The time-discretization bias of DSB (De Bortoli et al. 2021, Alg. 1) computed exactly, without networks or
 * samples, on the d = 5, ε = 1 Gaussian endpoints of test/solvers/gaussianBridge.ts.
 *
 *   node --import tsx bench/dsbBias.ts [--epsilon 1] [--iterations 4]
 *
 * With linear drifts every chain is Gaussian, so IPF can be run on moments: the forward chain
 * `X_{k+1} = X_k + γ_k (K_k X_k + h_k) + σ√γ_k Z` from N(μ0, Σ0) has marginals `m_k, S_k`; DSB's mean-matching
 * regression of the backward drift (target `X_k − X_{k+1} + γ_k (f(X_k) − f(X_{k+1}))` over γ_k) has the exact
 * minimizer (test/solvers/linearGaussianChain.ts) `b(x) = P_k (E[X_k | X_{k+1} = x] − x)/γ_k`, `P_k = I + γ_k K_k`,
 * with `E[X_k | X_{k+1} = x] = m_k + G_k (x − m_{k+1})`, `G_k = S_k P_kᵀ S_{k+1}⁻¹`; the backward chain keeps the transition variance σ²γ_k; the forward
 * stage is the same computation on the backward chain from N(μ1, Σ1). The table is the relative Frobenius error of
 * each chain's end-to-end cross-covariance against the closed-form SB (gaussianSbCrossCovariance), i.e. what a
 * perfectly trained DSB would score in the test, for uniform grids and for non-uniform ones (`geometric r`: steps
 * shrinking by r towards t = 1; `symmetric r`: the paper code's grid, steps growing linearly by r to the middle).
 */
import { array2d, type Array2D } from "../src/core/array2d.js";
import { frobeniusNorm, matmul, sub, transpose } from "../src/core/linalg.js";
import { D, mu0, mu1, S0, S1, trueCrossCovariance } from "../test/solvers/gaussianBridge.js";
import { chainStep, dsbReversal, stepMatrix, type AffineDrift, type Moments } from "../test/solvers/linearGaussianChain.js";

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

/** DSB's fit of the reverse chain (step k maps state k + 1 to state k) of a chain started at `start`. */
function reverseChain(drifts: AffineDrift[], gammas: number[], sigma2: number, start: Moments): AffineDrift[] {
  const moments = [start];
  drifts.forEach((a, k) => moments.push(chainStep(a, gammas[k], sigma2, moments[k])));
  return drifts.map((a, k) => dsbReversal(a, gammas[k], moments[k], moments[k + 1]));
}

/** Cov(start, end) of a chain started with covariance s0. */
function endToEnd(drifts: AffineDrift[], gammas: number[], s0: Array2D): Array2D {
  return drifts.reduce((c, a, k) => matmul(c, transpose(stepMatrix(a, gammas[k]))), s0);
}

const epsilon = Number(arg("epsilon", "1"));
const iterations = Number(arg("iterations", "4"));
const truth = trueCrossCovariance(epsilon);
const relative = (c: Array2D): number => (100 * frobeniusNorm(sub(c, truth))) / frobeniusNorm(truth);
const zero = (): AffineDrift => ({ a: array2d(new Float64Array(D * D), D, D), c: new Float64Array(D) });
console.log(`| N | grid | forward plan error % | backward plan error % |  (ε = ${epsilon}, after ${iterations} IPF iterations)`);
console.log("| --- | --- | --- | --- |");
for (const n of [20, 30, 40, 50]) {
  for (const [kind, r] of [["uniform", 1], ["geometric", 4], ["symmetric", 4]] as const) {
    const gammas = grid(n, kind, r);
    const reversed = gammas.slice().reverse();
    let forward: AffineDrift[] = Array.from({ length: n }, zero);
    let backwardError = NaN;
    for (let it = 0; it < iterations; it++) {
      // backward stage: fit on forward paths from the source; the chain runs from the target (t = 1) down
      const backward = reverseChain(forward, gammas, epsilon, { mean: mu0, cov: S0 }).reverse();
      backwardError = relative(transpose(endToEnd(backward, reversed, S1)));
      // forward stage: fit on backward paths from the target
      forward = reverseChain(backward, reversed, epsilon, { mean: mu1, cov: S1 }).reverse();
    }
    const label = kind === "uniform" ? "uniform" : `${kind} ${r}`;
    console.log(`| ${n} | ${label} | ${relative(endToEnd(forward, gammas, S0)).toFixed(2)} | ${backwardError.toFixed(2)} |`);
  }
}
