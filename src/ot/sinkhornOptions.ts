/** Options of the point-cloud Sinkhorn solvers, with their documented defaults. */
import { check, checkInteger, checkPositive } from "../core/errors.js";

/** Progress report passed to {@link SinkhornOptions.onIteration} after every iteration. */
export interface SinkhornProgress {
  iteration: number;
  /** ε of the current ε-scaling stage. */
  epsilon: number;
  /** Stopping criterion value of this iteration (L1 marginal error, or potential change when unbalanced). */
  error: number;
}

/** Acceleration of the balanced iteration: see {@link SinkhornOptions.acceleration}. */
export type SinkhornAcceleration = "anderson" | "overRelaxation" | "none";

/** The accepted values of {@link SinkhornOptions.acceleration}. */
export const SINKHORN_ACCELERATIONS: readonly SinkhornAcceleration[] = ["anderson", "overRelaxation", "none"];

/** Default of {@link SinkhornOptions.andersonDepth}. */
export const DEFAULT_ANDERSON_DEPTH = 10;

/** Evaluation of the pairwise sweeps: see {@link SinkhornOptions.backend}. */
export type SinkhornBackend = "auto" | "online" | "dense";

/** The accepted values of {@link SinkhornOptions.backend}. */
export const SINKHORN_BACKENDS: readonly SinkhornBackend[] = ["auto", "online", "dense"];

/** Arithmetic of the online sweeps: see {@link SinkhornOptions.precision}. */
export type SinkhornPrecision = "mixed" | "double";

/**
 * Marginal error below which an ε stage switches from float32 to float64 sweeps (`precision: "mixed"`).
 * Float32 sweeps reach an error floor of about 1e-5 on the benchmark problems (rounding of exponents of size
 * `|h| + |x·y|/ε`); the switch also happens when the float32 error stalls (see `sinkhornSteps`).
 */
export const SINGLE_PRECISION_UNTIL = 1e-4;
/** Float32 iterations without a 2 % improvement of the stage's best error after which a stage switches to float64. */
export const SINGLE_PRECISION_STALL = 3;
/**
 * Below this error a float32 stall is the rounding floor and {@link SINGLE_PRECISION_STALL} iterations switch; above
 * it a rise may be the over-relaxation's transient, so the switch waits {@link SINGLE_PRECISION_STALL_ABOVE}.
 */
export const SINGLE_PRECISION_STALL_BELOW = 1e-3;
/**
 * Float32 iterations without a 2 % improvement, at an error above {@link SINGLE_PRECISION_STALL_BELOW}, after which a
 * stage switches to float64: float32 log-sum-exps drop terms below 2⁻²⁴ of a row's largest, so on clustered points
 * at small ε the clusters decouple and the error freezes (see {@link smallestPointMass}).
 */
export const SINGLE_PRECISION_STALL_ABOVE = 10;
/**
 * Lower bound of the default stage tolerance until a freeze restart ({@link firstPassStageTolerance}): with many
 * points the smallest mass is far below what the last stage needs (n = 20 000: 5e-5), and converging every stage
 * that far cost the benchmark's n = 20 000, d = 64, ε = 0.01 × mean solve 25 instead of 22 iterations (96.7 s
 * against 73.5 s with this floor). A freeze below it is caught by the restart, whose stages are strict
 * (test/ot/sinkhornClusters.test.ts, 2100 points per side).
 */
export const STAGE_TOLERANCE_FIRST_PASS = 1e-3;

/** Upper bound of the default stage tolerance (see {@link defaultStageTolerance}). */
export const STAGE_TOLERANCE_MAX = 0.1;

/** Default of {@link SinkhornOptions.denseMemoryMB}. */
export const DEFAULT_DENSE_MEMORY_MB = 256;

/** Options of {@link sinkhorn} / {@link sinkhornAsync}. */
export interface SinkhornOptions {
  /** Stop when the L1 marginal error `‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁` falls below this (unbalanced: the sup-norm
   * change of the potentials divided by ε). Default `1e-6`. */
  tolerance?: number;
  /** Iteration cap over all ε stages. Default `10000`. Hitting it gives `converged: false`, not an error. */
  maxIterations?: number;
  /**
   * ε-scaling (annealing, Kosowsky & Yuille 1994; Schmitzer 2019): solve for a decreasing sequence
   * `ε / factor^K, …, ε / factor, ε` (K the fewest steps from `start` down) with warm-started potentials. Default on
   * with `factor = 0.5` and `start = min(16 ε, mean cost / 64)` when ε is below 1/64 of the mean cost, otherwise a single stage (see
   * `automaticScalingStart`; an explicit `start` always applies; `start: "coupling"` starts at `couplingStart`, an
   * upper bound on the costs over 32, where no pair of points is decoupled — more stages, but no restart of a frozen
   * solve on clustered points at small ε, see `sinkhornSteps`); stages before the last stop at
   * `max(tolerance, stageTolerance)` or `stageMaxIterations` (default 200), `stageTolerance` defaulting to
   * {@link defaultStageTolerance} — the smallest point mass, at most 0.1, at least 1e-3 — and to the smallest point
   * mass itself after a freeze restart. `false` solves at ε directly.
   */
  epsilonScaling?: boolean | { start?: number | "coupling"; factor?: number; stageTolerance?: number; stageMaxIterations?: number };
  /**
   * Acceleration of balanced problems (unbalanced ones always run plain Sinkhorn):
   * - `"anderson"` (the default, unless {@link overRelaxation} is given): Anderson acceleration of the fixed-point map
   *   `f ↦ f̂(ĝ(f))` over the last {@link andersonDepth} steps (Walker & Ni 2011; see `anderson.ts`), restarted at
   *   every ε stage, with a step whose marginal error jumps tenfold over the stage's best undone. On the benchmark
   *   clouds (n = 1500, ε = 0.001–1 × mean cost, d = 2 and 64) it needs 1.4–13× fewer iterations than over-relaxation;
   * - `"overRelaxation"` (the default when {@link overRelaxation} is given): `f ← (1 − ω) f + ω f̂`, see there;
   * - `"none"`: plain Sinkhorn.
   */
  acceleration?: SinkhornAcceleration;
  /** History length of Anderson acceleration (differences in its least-squares problem), 1–50. Default 10. */
  andersonDepth?: number;
  /**
   * Over-relaxation ω of the potential updates, `f ← (1 − ω) f + ω f̂` (with `acceleration: "overRelaxation"`;
   * balanced problems only, unbalanced use 1).
   * Default `"auto"`: plain Sinkhorn for a few iterations per ε stage, then Young's `ω = 2/(1 + √(1 − τ))` from the
   * observed rate τ (Thibault et al. 2021; Lehmann et al. 2022). A number in `[1, 2)` fixes ω; `1` is plain Sinkhorn.
   */
  overRelaxation?: number | "auto";
  /** Warm start: initial source potential f `[n]`. */
  initialSourcePotential?: ArrayLike<number>;
  /** Warm start: initial target potential g `[m]`. */
  initialTargetPotential?: ArrayLike<number>;
  /**
   * How the pairwise sweeps are evaluated (the iteration, ε-scaling, relaxation and stopping rule are the same):
   * - `"online"`: log-sum-exp sweeps with costs computed on the fly, O(n + m) memory, one `exp` per pair per sweep;
   * - `"dense"`: a cached n×m stabilized kernel `K̃_ij = exp((f̃_i + g̃_j − c_ij)/ε)` (8·n·m bytes; 4·n·m in float32, see `precision`), so each sweep is
   *   a matrix–vector product with absorption of the scalings into (f̃, g̃) (Schmitzer 2019); see `denseSweeps`;
   * - `"auto"` (default): `"dense"` when the kernel fits in {@link denseMemoryMB}, else `"online"`
   *   (the "tensorized vs online" choice of GeomLoss, Feydy et al. 2019).
   */
  backend?: SinkhornBackend;
  /**
   * Memory budget of the dense backend in MiB (2^20 bytes), default `256`: `"auto"` goes dense when
   * the kernel's bytes ≤ `denseMemoryMB · 2^20`, and `"dense"` is rejected above it. `0` disables the dense backend.
   */
  denseMemoryMB?: number;
  /**
   * Arithmetic of the online backend's log-sum-exp sweeps (with WebAssembly SIMD). `"mixed"` (default): float32
   * sweeps (four lanes, a cheaper exponential; log-sums good to ≈ 1e-5) in each ε stage until its marginal error
   * falls below `max(stage tolerance, 1e-4)` or stops improving, then float64 to the stage's end, so the stopping test,
   * the returned potentials and the plan pass are float64 — mixed-precision iterative refinement. `"double"`:
   * float64 throughout. With `"mixed"` and a tolerance ≥ 5e-5, a dense kernel that would not fit `denseMemoryMB` in
   * float64 is stored in float32 (each entry computed in float64 and rounded once, sums in float64; the rounding, 2⁻²⁴
   * relative, is counted in the backend's error bound of 1% of the tolerance): half the memory, so such problems stay
   * dense instead of going online (see `denseKernelPrecision`). Otherwise the kernel is float64.
   */
  precision?: SinkhornPrecision;
  /** Worker threads for {@link sinkhornAsync} (default: available cores − 1; 0 = main thread only). */
  threads?: number;
  /** Called after every iteration (for progress bars). */
  onIteration?: (progress: SinkhornProgress) => void;
}

/** {@link SinkhornOptions} with every default filled in and validated. */
export interface ResolvedSinkhornOptions {
  tolerance: number;
  maxIterations: number;
  /** `stageTolerance` undefined: derived from {@link defaultStageTolerance} of the problem (see `epsilonScaling`). */
  scaling: { enabled: boolean; start: number | "coupling" | undefined; factor: number; stageTolerance: number | undefined; stageMaxIterations: number };
  overRelaxation: number | "auto";
  acceleration: SinkhornAcceleration;
  andersonDepth: number;
  backend: SinkhornBackend;
  denseMemoryMB: number;
  precision: SinkhornPrecision;
  initialSourcePotential: ArrayLike<number> | undefined;
  initialTargetPotential: ArrayLike<number> | undefined;
  onIteration: ((progress: SinkhornProgress) => void) | undefined;
}

function checkStart(start: unknown, fn: string): number {
  check(typeof start === "number" && Number.isFinite(start) && start > 0, fn, "epsilonScaling.start", `must be a finite number > 0 or "coupling" (got ${JSON.stringify(start)})`);
  return start as number;
}

/** Fills defaults and validates; errors name `fn` and the option. */
export function resolveSinkhornOptions(options: SinkhornOptions, fn: string): ResolvedSinkhornOptions {
  const tolerance = checkPositive(options.tolerance ?? 1e-6, fn, "tolerance");
  const maxIterations = checkInteger(options.maxIterations ?? 10_000, fn, "maxIterations", 1);
  const s = options.epsilonScaling ?? true;
  const cfg = typeof s === "object" ? s : {};
  const scaling = {
    enabled: s !== false,
    start: cfg.start === undefined || cfg.start === "coupling" ? cfg.start : checkStart(cfg.start, fn),
    factor: cfg.factor ?? 0.5,
    stageTolerance: cfg.stageTolerance === undefined ? undefined : checkPositive(cfg.stageTolerance, fn, "epsilonScaling.stageTolerance"),
    stageMaxIterations: checkInteger(cfg.stageMaxIterations ?? 200, fn, "epsilonScaling.stageMaxIterations", 1),
  };
  check(scaling.factor > 0 && scaling.factor < 1, fn, "epsilonScaling.factor", `must be in (0, 1) (got ${scaling.factor})`);
  const overRelaxation = options.overRelaxation ?? "auto";
  check(overRelaxation === "auto" || (typeof overRelaxation === "number" && overRelaxation >= 1 && overRelaxation < 2), fn, "overRelaxation", `must be "auto" or a number in [1, 2) (got ${String(overRelaxation)})`);
  const acceleration = options.acceleration ?? (options.overRelaxation === undefined ? "anderson" : "overRelaxation");
  check(SINKHORN_ACCELERATIONS.includes(acceleration), fn, "acceleration", `must be one of ${SINKHORN_ACCELERATIONS.map((b) => `"${b}"`).join(", ")} (got ${JSON.stringify(acceleration)})`);
  const andersonDepth = checkInteger(options.andersonDepth ?? DEFAULT_ANDERSON_DEPTH, fn, "andersonDepth", 1, 50);
  const backend = options.backend ?? "auto";
  check(SINKHORN_BACKENDS.includes(backend), fn, "backend", `must be one of ${SINKHORN_BACKENDS.map((b) => `"${b}"`).join(", ")} (got ${JSON.stringify(backend)})`);
  const denseMemoryMB = options.denseMemoryMB ?? DEFAULT_DENSE_MEMORY_MB;
  check(typeof denseMemoryMB === "number" && Number.isFinite(denseMemoryMB) && denseMemoryMB >= 0, fn, "denseMemoryMB", `must be a finite number ≥ 0 (MiB; 0 disables the dense backend) (got ${String(denseMemoryMB)})`);
  const precision = options.precision ?? "mixed";
  check(precision === "mixed" || precision === "double", fn, "precision", `must be "mixed" or "double" (got ${JSON.stringify(precision)})`);
  return {
    precision,
    tolerance,
    maxIterations,
    scaling,
    overRelaxation,
    acceleration,
    andersonDepth,
    backend,
    denseMemoryMB,
    initialSourcePotential: options.initialSourcePotential,
    initialTargetPotential: options.initialTargetPotential,
    onIteration: options.onIteration,
  };
}

/**
 * The smallest positive point mass `min(min_i a_i, min_j b_j)` (1/max(n, m) for uniform weights), at most
 * {@link STAGE_TOLERANCE_MAX}: the tolerance of the stages before the last after a freeze restart, and the floor of
 * the freeze test (`sinkhornSteps`).
 *
 * Why so tight: on clustered points at small ε, kernel entries between clusters fall below the float64 rounding of a
 * log-sum-exp (e^{−37} of a row's largest term) once ε is below about 1/37 of the gap between the clusters. Sinkhorn
 * then moves no mass between clusters (a shift of one cluster's potentials against another's is invisible to it), so
 * any mismatch of cluster masses left by the previous stage is frozen for good. A stage that ends with L1 error below
 * the smallest point mass has at least half of every needed cross-cluster flow in place, and those entries stay alive
 * when ε halves (a freeze in the first stage is left to the restart of `sinkhornSteps`). Measured on 256 × 256
 * minibatches of the d = 128, ε = 0.1 EOT benchmark pair (ε ≈ 10⁻³ × mean cost, clustered): with the old default 0.1,
 * 9 of 40 solves froze (L1 error 14/256 after 10 000 iterations); with 1/256, 1 of 40 (in its first stage); with
 * 1/256 and the restart, none of 300 (nor of 300 at d = 64). A stage tolerance of 0.01 with the restart still left 1
 * of 40. On unclustered clouds (n = 1500, tolerance 1e-4, iterations with 0.1 → with this default): d = 2,
 * ε = 0.001 / 0.003 / 0.01 × mean 79 / 46 / 24 → 78 / 60 / 28; d = 64: 112 / 66 / 24 → 103 / 66 / 28.
 */
export function smallestPointMass(sourceWeights: ArrayLike<number>, targetWeights: ArrayLike<number>): number {
  let smallest = STAGE_TOLERANCE_MAX;
  for (const w of [sourceWeights, targetWeights]) for (let i = 0; i < w.length; i++) if (w[i] > 0 && w[i] < smallest) smallest = w[i];
  return smallest;
}

/**
 * The default tolerance of the ε-scaling stages before the last, from the smallest point mass
 * ({@link smallestPointMass}): for balanced problems that mass but no less than {@link STAGE_TOLERANCE_FIRST_PASS}
 * (a first pass that is cheap with many points; a freeze restart then uses the mass itself); for unbalanced ones
 * (whose error is the potentials' change over ε) {@link STAGE_TOLERANCE_MAX}.
 */
export function firstPassStageTolerance(smallestMass: number, balanced: boolean): number {
  return balanced ? Math.max(smallestMass, STAGE_TOLERANCE_FIRST_PASS) : STAGE_TOLERANCE_MAX;
}

/** {@link firstPassStageTolerance} of a problem's weights. */
export function defaultStageTolerance(sourceWeights: ArrayLike<number>, targetWeights: ArrayLike<number>, balanced: boolean): number {
  return firstPassStageTolerance(smallestPointMass(sourceWeights, targetWeights), balanced);
}

/**
 * The ε values of the ε-scaling stages: `ε / factor^k` for k = K, …, 1, 0, with K the smallest count reaching
 * `start` (so the first stage is in `[start, start / factor)`). Consecutive stages differ by exactly `factor`, which
 * lets the dense backend go from one stage to the next by squaring its kernel (factor ½) instead of rebuilding it.
 */
export function epsilonSchedule(epsilon: number, start: number, factor: number): number[] {
  const out = [epsilon];
  for (let e = epsilon; e < start; ) {
    e /= factor;
    out.unshift(e);
  }
  return out;
}
