/**
 * Score-based diffusion by denoising score matching (Vincent 2011; Song et al. 2021, "Score-Based Generative
 * Modeling through Stochastic Differential Equations"): with the VP or VE reference `dX = f dt + g dW` started at
 * the data, `X_s | X_0 = x ~ N(a(s) x, v(s) I)`, train `s_θ(s, x)` on
 *
 *   E_{s ~ U[s_min, 1], x, z} v(s) ‖s_θ(s, a(s)x + √v(s) z) + z/√v(s)‖²   (λ(s) = v(s), Song et al. eq. 7),
 *
 * then generate by the reverse SDE or probability-flow ODE from the prior at s = 1 (N(0, I) for VP,
 * ≈ N(0, σ_max² I) for VE). On the unit time interval this is the first half-bridge of DSB (De Bortoli et al.
 * 2021, §3): the time reversal of the reference started at the data.
 */
import { checkAllFinite, toArray2D, type Array2DLike } from "../core/array2d.js";
import { check, checkPositive } from "../core/errors.js";
import { foldIn, normal2d, split, uniform } from "../core/rng.js";
import type { TrainingTask } from "../nn/trainingRun.js";
import { BridgeModel } from "./bridgeModel.js";
import { fitKeys, fitNetwork, resolveFit, sampleRows, trainTask, type FitOptions } from "./fitOptions.js";
import { diffusionReference, type DiffusionReferenceSpec, type ModelSettings } from "./modelSettings.js";
import type { FitResult } from "./simulationFree.js";

/** Options of {@link fitScoreModel}. */
export interface ScoreMatchingOptions extends FitOptions {
  /** The noising reference (default VP with β from 0.1 to 20, as in Song et al. 2021). */
  readonly reference?: DiffusionReferenceSpec;
  /** Smallest diffusion time (default 1e-3): training draws `s ~ U[timeMin, 1]`, sampling stops there. */
  readonly timeMin?: number;
}

/** Fits a score model of the data `[n, d]` (the target of generation). */
export async function fitScoreModel(data: Array2DLike, options: ScoreMatchingOptions = {}): Promise<FitResult> {
  const fn = "fitScoreModel";
  const x = toArray2D(data, fn, "data");
  check(x.rows > 0, fn, "data", "is empty");
  checkAllFinite(x.data, fn, "data", x.cols);
  const resolved = resolveFit(options, fn);
  const reference = options.reference ?? { kind: "vp", betaMin: 0.1, betaMax: 20 };
  const ref = diffusionReference(reference);
  const timeMin = checkPositive(options.timeMin ?? 1e-3, fn, "timeMin");
  check(timeMin < 1, fn, "timeMin", `must be < 1 (got ${timeMin})`);
  const d = x.cols;
  const settings: ModelSettings = { method: "score", dimension: d, sigma: 0, reference, timeMin };
  const keys = fitKeys(resolved.seed);
  const b = resolved.batchSize;
  const task: TrainingTask = {
    method: "score",
    settings: settings as unknown as Record<string, unknown>,
    networks: { score: fitNetwork(options, d, d) },
    batch(k) {
      const [kx, ks, kz] = split(foldIn(keys.batches, k), 3);
      const x0 = sampleRows(x, kx, b);
      const s = uniform(ks, b, timeMin, 1);
      const z = normal2d(kz, b, d);
      const xs = new Float64Array(b * d);
      const target = new Float64Array(b * d);
      const weight = new Float64Array(b);
      for (let i = 0; i < b; i++) {
        const a = ref.transitionScale(0, s[i]);
        const v = ref.transitionVariance(0, s[i]);
        const sd = Math.sqrt(v);
        weight[i] = v;
        for (let j = 0; j < d; j++) {
          const o = i * d + j;
          xs[o] = a * x0.data[o] + sd * z.data[o];
          target[o] = -z.data[o] / sd;
        }
      }
      return { score: { x: { data: xs, rows: b, cols: d }, t: s, target: { data: target, rows: b, cols: d }, weight } };
    },
  };
  const { run, outcome } = await trainTask(task, options, resolved, keys.init);
  const model = new BridgeModel(settings, { score: run.network("score") }, run.lossHistory);
  run.dispose();
  return { model, outcome };
}
