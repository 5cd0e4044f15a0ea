/**
 * sbkit's seeded EOT benchmark pairs, in the spirit of the Gaussian-mixture pairs of Gushchin et al. (NeurIPS 2023)
 * — same construction and the same grid (d ∈ {2, 16, 64, 128}, ε ∈ {0.1, 1, 10}), our own parameters (the published
 * parameter files are not used). How the parameters are drawn, for `(d, ε, seed)`:
 *
 * - Source `p0`: 3 components, weights ∝ U(0.5, 1.5); centers on a permuted grid — in every coordinate j the three
 *   centers take the values `{−a, 0, a}` in a random order (as the published `initialize_centers`); diagonal
 *   covariances with variances `v · U(0.5, 1.5)`, `v = 0.1`; `a = √(1.5 (1 − v))`, so every coordinate of `p0`
 *   has variance ≈ 1 (the published "standardized" option). Drawn from `(seed, d)` only, so all ε share a source.
 * - Potential `exp(f/ε) = Σ_k α_k N(μ_k, diag(σ_k))`: 5 components, α ∝ U(0.5, 1.5); centers on a permuted grid
 *   with values `{−2b, −b, 0, b, 2b}` per coordinate, `b = √((1 − v)/2)` (per-coordinate variance ≈ 1); variances
 *   `v · U(0.5, 1.5)`, `v = 0.1` (the published potentials are isotropic; diagonal keeps them inside the family of
 *   a diagonal LightSB, as isotropic ones are). Drawn from `(seed, d, ε)`.
 */
import { array2d, type Array2D } from "../../core/array2d.js";
import { check, checkInteger, checkPositive } from "../../core/errors.js";
import { diag } from "../../core/linalg.js";
import { foldIn, makeKey, permutation, split, uniform, type Key } from "../../core/rng.js";
import { EotBenchmark } from "./eotBenchmark.js";

/** Within-component variance scale `v` of source and potential. */
export const EOT_BENCHMARK_COMPONENT_VARIANCE = 0.1;
/** Number of source components. */
export const EOT_BENCHMARK_SOURCE_COMPONENTS = 3;
/** Number of potential components. */
export const EOT_BENCHMARK_POTENTIAL_COMPONENTS = 5;
/** The published grid of dimensions. */
export const EOT_BENCHMARK_DIMENSIONS: readonly number[] = [2, 16, 64, 128];
/** The published grid of ε. */
export const EOT_BENCHMARK_EPSILONS: readonly number[] = [0.1, 1, 10];

/** Options of {@link eotBenchmarkPair}. */
export interface EotBenchmarkPairOptions {
  /** Dimension d ≥ 1 (the published grid: 2, 16, 64, 128). */
  readonly dimension: number;
  /** ε > 0 (the published grid: 0.1, 1, 10). */
  readonly epsilon: number;
  /** Seed of the parameters (default 0). */
  readonly seed?: number;
}

/** `[K, d]` centers: in each coordinate the values `spacing · (i − (K−1)/2)`, i = 0..K−1, in a random order. */
function gridCenters(key: Key, K: number, d: number, spacing: number): Array2D {
  const out = new Float64Array(K * d);
  for (let j = 0; j < d; j++) {
    const p = permutation(foldIn(key, j), K);
    for (let k = 0; k < K; k++) out[k * d + j] = spacing * (p[k] - (K - 1) / 2);
  }
  return array2d(out, K, d);
}

/** `[K, d]` variances `v · U(0.5, 1.5)`. */
function variances(key: Key, K: number, d: number): Array2D {
  const u = uniform(key, K * d, 0.5, 1.5);
  return array2d(u.map((x) => EOT_BENCHMARK_COMPONENT_VARIANCE * x), K, d);
}

/** The seeded benchmark pair for `(dimension, epsilon, seed)`; see the module comment for the design. */
export function eotBenchmarkPair(options: EotBenchmarkPairOptions): EotBenchmark {
  const fn = "eotBenchmarkPair";
  check(typeof options === "object" && options !== null, fn, "options", "must be an object {dimension, epsilon, seed?}");
  const d = checkInteger(options.dimension, fn, "dimension", 1, 100000);
  const epsilon = checkPositive(options.epsilon, fn, "epsilon");
  const seed = checkInteger(options.seed ?? 0, fn, "seed", 0);
  const root = makeKey(seed);
  const v = EOT_BENCHMARK_COMPONENT_VARIANCE;

  const [sw, sc, sv] = split(foldIn(foldIn(root, 1), d), 3);
  const K0 = EOT_BENCHMARK_SOURCE_COMPONENTS;
  const sourceVariances = variances(sv, K0, d);
  const source = {
    weights: uniform(sw, K0, 0.5, 1.5),
    means: gridCenters(sc, K0, d, Math.sqrt(1.5 * (1 - v))),
    covs: Array.from({ length: K0 }, (_, k) => diag(sourceVariances.data.subarray(k * d, (k + 1) * d))),
  };

  const [pw, pc, pv] = split(foldIn(foldIn(foldIn(root, 2), d), Math.round(epsilon * 1e6) >>> 0), 3);
  const K = EOT_BENCHMARK_POTENTIAL_COMPONENTS;
  const potential = {
    weights: uniform(pw, K, 0.5, 1.5),
    means: gridCenters(pc, K, d, Math.sqrt((1 - v) / 2)),
    variances: variances(pv, K, d),
  };
  return new EotBenchmark({ source, potential, epsilon });
}
