/**
 * Scoring a solver on an EOT benchmark pair (Gushchin et al., NeurIPS 2023, §4 protocol): fit on samples of the
 * pair, then cBW2-UVP of the learned conditional plan on test points `x_i ~ p0` (model samples per point, default
 * 1000) and BW2-UVP of the learned target marginal (model samples from fresh source points). Solvers plug in through
 * {@link EOT_METHODS}: one entry per method, so a new solver is one entry.
 */
import type { Array2D } from "../../core/array2d.js";
import { check, checkInteger, checkPositive, SbkitInputError } from "../../core/errors.js";
import { foldIn, makeKey, type Key } from "../../core/rng.js";
import { bw2Squared } from "../../metrics/bw2.js";
import { bw2Uvp, cbw2Uvp, type Moments } from "../../metrics/uvp.js";
import { fitLightSb } from "../../solvers/lightsb/fitLightSb.js";
import { fitDsb } from "../../solvers/dsb.js";
import type { CouplingKind } from "../../solvers/coupling.js";
import { fitDsbm } from "../../solvers/dsbm.js";
import type { BridgeLossWeighting } from "../../solvers/dsbmBridge.js";
import { fitBridgeMatching } from "../../solvers/simulationFree.js";
import { eotBenchmarkPair } from "./pairs.js";

/** A fitted method as the benchmark sees it. */
export interface FittedEotMethod {
  /** `perPoint` draws from the learned `π̂(·|x_i)` per row of `x`, rows of point i consecutive. */
  sample(x: Array2D, perPoint: number, key: Key): Array2D;
  /** The learned conditional moments in closed form, when the method has them (LightSB). */
  moments?(x: Array2D): Moments[];
  /** Frees resources (networks). */
  dispose?(): void;
}

/** Settings passed to a method's fit. */
export interface EotFitSettings {
  readonly epsilon: number;
  readonly seed: number;
  /** Optimizer steps (method default when undefined). */
  readonly steps?: number;
  readonly onStep?: (report: { step: number; steps: number; loss: number }) => void;
}

/** A benchmarkable method. */
export interface EotMethod {
  /** Fits on `source`/`target` training samples `[n, d]`. */
  fit(source: Array2D, target: Array2D, settings: EotFitSettings): Promise<FittedEotMethod>;
}

/**
 * DSBM with initial coupling `initialCoupling`, `iterations` IMF iterations, `stepsPerStage` steps per stage and
 * bridge-matching loss weighting `lossWeighting` (each `fitDsbm`'s default when undefined); `steps` overrides the
 * total, spread over the 2·iterations stages.
 */
function dsbmMethod(initialCoupling: CouplingKind, iterations?: number, stepsPerStage?: number | ((dimension: number) => number), lossWeighting?: BridgeLossWeighting): EotMethod {
  return {
    async fit(source, target, s) {
      const stages = 2 * (iterations ?? 4);
      const byDimension = typeof stepsPerStage === "function" ? stepsPerStage(source.cols) : stepsPerStage;
      const perStage = s.steps === undefined ? byDimension : Math.max(1, Math.round(s.steps / stages));
      const { model } = await fitDsbm(source, target, { sigma: Math.sqrt(s.epsilon), seed: s.seed, iterations, stepsPerStage: perStage, initialCoupling, lossWeighting });
      return { sample: (x, k, key) => model.sample(x, key, { perPoint: k }).final, dispose: () => model.dispose() };
    },
  };
}

/** The registered methods (add `dsbm`, `dsb`, ... here). */
export const EOT_METHODS: Readonly<Record<string, EotMethod>> = {
  lightsb: {
    async fit(source, target, s) {
      const { model } = await fitLightSb(source, target, { epsilon: s.epsilon, seed: s.seed, steps: s.steps, onStep: s.onStep });
      return { sample: (x, k, key) => model.sampleConditional(key, x, k), moments: (x) => model.conditionalMoments(x) };
    },
  },
  sf2m: {
    async fit(source, target, s) {
      const { model } = await fitBridgeMatching("sf2m", source, target, { sigma: Math.sqrt(s.epsilon), seed: s.seed, steps: s.steps, onStep: s.onStep ? (r) => s.onStep?.({ step: r.step, steps: r.steps, loss: r.loss }) : undefined });
      return { sample: (x, k, key) => model.sample(x, key, { perPoint: k, steps: 100 }).final, dispose: () => model.dispose() };
    },
  },
  // Two-drift IPF/IMF solvers: `steps` is the total over 2 stages × the default iterations (4 for dsbm, 5 for dsb).
  dsbm: dsbmMethod("independent"),
  // DSBM whose first iteration couples minibatches by entropic OT at ε = σ² (the static SB of the batch) instead of
  // independently: iteration 1 then already matches bridges of an approximate SB coupling. Setting: one IMF
  // iteration (its Markovian projection, plus the backward network) of 1500 steps per stage with the linear loss
  // weighting (dsbmBridge.ts); a second iteration re-couples through the learned SDE and added more drift error than
  // it removed (d = 16, ε = 1: 0.87 → 1.99 with 4096 pairs, 1.94 with 32 768; BENCHMARKS.md). From d = 128 on,
  // 3000 steps per stage: at d = 128, ε = 1, 1500 steps gave cBW2-UVP 39.3, 3000 gave 17.9 (published DSBM: 31).
  "dsbm-ot": dsbmMethod("sinkhorn", 1, (d) => (d >= 128 ? 3000 : 1500), "linear"),
  dsb: {
    async fit(source, target, s) {
      const stepsPerStage = s.steps === undefined ? undefined : Math.max(1, Math.round(s.steps / 10));
      const { model } = await fitDsb(source, target, { sigma: Math.sqrt(s.epsilon), seed: s.seed, stepsPerStage });
      return { sample: (x, k, key) => model.sample(x, key, { perPoint: k }).final, dispose: () => model.dispose() };
    },
  },
};

/** Options of {@link runEotBenchmark}. */
export interface EotBenchmarkRunOptions {
  readonly method: string;
  readonly dimension: number;
  readonly epsilon: number;
  /** Seed of the pair's parameters, the data and the fit (default 0). */
  readonly seed?: number;
  /** Optimizer steps of the fit (method default when omitted). */
  readonly steps?: number;
  /** Training pairs drawn from the true plan (default 100000). */
  readonly trainingSize?: number;
  /** cBW2-UVP test points (default 1000). */
  readonly testPoints?: number;
  /** Model samples per test point (default 1000). */
  readonly samplesPerPoint?: number;
  /** Model samples for the marginal BW2-UVP (default 20000). */
  readonly marginalSamples?: number;
  /** Also score the true conditional sampler: the Monte-Carlo floor of cBW2-UVP (default false). */
  readonly includeFloor?: boolean;
  readonly onStep?: (report: { step: number; steps: number; loss: number }) => void;
}

/** Scores of one run. */
export interface EotBenchmarkScores {
  readonly method: string;
  readonly dimension: number;
  readonly epsilon: number;
  /** cBW2-UVP (%) with `samplesPerPoint` model samples per test point. */
  readonly cbw2uvp: number;
  /** BW2-UVP (%) of the learned target marginal. */
  readonly bw2uvp: number;
  /** Wall-clock seconds of the whole run (data, fit, evaluation). */
  readonly seconds: number;
  /** Seconds of the fit alone. */
  readonly fitSeconds: number;
  readonly testPoints: number;
  readonly samplesPerPoint: number;
  /** cBW2-UVP of the true conditional sampler with the same sample sizes (only with `includeFloor`). */
  readonly cbw2uvpFloor?: number;
  /** cBW2-UVP from the method's closed-form conditional moments (no sampling error), when it has them. */
  readonly cbw2uvpExactMoments?: number;
}

/** Fits `method` on the seeded pair `(dimension, epsilon, seed)` and scores it. */
export async function runEotBenchmark(options: EotBenchmarkRunOptions): Promise<EotBenchmarkScores> {
  const fn = "runEotBenchmark";
  const method = EOT_METHODS[options.method];
  if (method === undefined) throw new SbkitInputError(fn, "method", `must be one of ${Object.keys(EOT_METHODS).join(", ")} (got "${options.method}")`);
  const epsilon = checkPositive(options.epsilon, fn, "epsilon");
  const seed = checkInteger(options.seed ?? 0, fn, "seed", 0);
  const n = checkInteger(options.trainingSize ?? 100000, fn, "trainingSize", 2);
  const testPoints = checkInteger(options.testPoints ?? 1000, fn, "testPoints", 1);
  const perPoint = checkInteger(options.samplesPerPoint ?? 1000, fn, "samplesPerPoint", 2);
  const marginal = checkInteger(options.marginalSamples ?? 20000, fn, "marginalSamples", 2);
  if (options.steps !== undefined) checkInteger(options.steps, fn, "steps", 1);
  const started = performance.now();
  const pair = eotBenchmarkPair({ dimension: options.dimension, epsilon, seed });
  const root = foldIn(makeKey(seed), 0x0e07);
  const train = pair.samplePlan(foldIn(root, 1), n);
  const target = pair.targetMoments(foldIn(root, 2));
  const d = pair.dimension;
  let trace = 0;
  for (let j = 0; j < d; j++) trace += target.covariance.data[j * d + j];
  check(trace > 0, fn, "dimension", "gives a degenerate target");
  const fitStart = performance.now();
  const fitted = await method.fit(train.x0, train.x1, { epsilon, seed, steps: options.steps, onStep: options.onStep });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  try {
    const x = pair.sampleSource(foldIn(root, 3), testPoints);
    const truth = (p: Array2D) => pair.conditionalMoments(p);
    let chunk = 0;
    const modelKey = foldIn(root, 4);
    const score = await cbw2Uvp(x, (p, k) => fitted.sample(p, k, foldIn(modelKey, chunk++)), truth, trace, { samplesPerPoint: perPoint });
    const marginalSamples = fitted.sample(pair.sampleSource(foldIn(root, 5), marginal), 1, foldIn(root, 6));
    const result: EotBenchmarkScores = {
      method: options.method,
      dimension: d,
      epsilon,
      cbw2uvp: score.value,
      bw2uvp: bw2Uvp(marginalSamples, target, trace),
      seconds: 0,
      fitSeconds,
      testPoints,
      samplesPerPoint: perPoint,
    };
    let floor: number | undefined;
    if (options.includeFloor === true) {
      let c = 0;
      const floorKey = foldIn(root, 7);
      floor = (await cbw2Uvp(x, (p, k) => pair.sampleConditional(foldIn(floorKey, c++), p, k), truth, trace, { samplesPerPoint: perPoint })).value;
    }
    let exact: number | undefined;
    if (fitted.moments !== undefined) {
      const m = fitted.moments(x);
      const t = truth(x);
      let s = 0;
      for (let i = 0; i < x.rows; i++) s += bw2Squared(m[i].mean, m[i].covariance, t[i].mean, t[i].covariance);
      exact = (100 * s) / (x.rows * trace);
    }
    return { ...result, cbw2uvpFloor: floor, cbw2uvpExactMoments: exact, seconds: (performance.now() - started) / 1000 };
  } finally {
    fitted.dispose?.();
  }
}
