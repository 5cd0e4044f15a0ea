/**
 * Fitting LightSB (Korotin, Gushchin, Burnaev, ICLR 2024, Algorithm 1): stochastic minimization of the
 * maximum-likelihood objective `L(θ) = E_{p0} log c_θ(x) − E_{p1} log v_θ(y)` (see `objective.ts`) with Adam, on
 * minibatches drawn from the source and target samples (or from samplers, for infinite data). Initialization as
 * in the paper: `r_k` = K target points, α uniform, `s_kj` = `initialScale` (see there). The learning rate follows a cosine
 * decay from `learningRate` to 1% of it (an addition to the paper's constant rate: it removes most of the
 * minibatch noise of the final parameters in a few thousand steps).
 */
import { array2d, checkAllFinite, isArray2D, toArray2D, type Array2D, type Array2DLike } from "../../core/array2d.js";
import { check, checkInteger, checkPositive, SbkitNumericalError } from "../../core/errors.js";
import { foldIn, makeKey, split, uniform, type Key } from "../../core/rng.js";
import { hostAdamInit, hostAdamUpdate, type HostAdamState } from "./hostAdam.js";
import { LightSb, type LightSbParameters } from "./lightSbModel.js";
import { lightSbLoss } from "./objective.js";

/** Draws `n` points (`[n, d]`) with `key`: infinite data for a fit. */
export type PointSampler = (key: Key, n: number) => Array2D;

/** Points to fit on: a fixed sample (minibatches drawn with replacement) or a sampler. */
export type PointSource = Array2DLike | PointSampler;

/** What `onStep` receives after every step. */
export interface LightSbStepReport {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
}

/** Options of {@link fitLightSb}. */
export interface LightSbFitOptions {
  /** ε = σ² of the reference `σ dW` (required, > 0). */
  readonly epsilon: number;
  /** Mixture components K (default 50, as in the paper). */
  readonly components?: number;
  /** Adam steps (default 2000). */
  readonly steps?: number;
  /** Source and target minibatch size (default 256). */
  readonly batchSize?: number;
  /** Peak Adam learning rate (default `0.02·√max(1, ε)`: ≈ 0.06 at ε = 10; the paper also raises the rate with ε). */
  readonly learningRate?: number;
  /**
   * Initial `s_kj` (default `min(1, v/ε)`, v the mean per-coordinate variance of 1000 target points: components of
   * v_θ start as N(r_k, εI) as in the paper, but never wider than the data; for large ε the paper's εI start leaves
   * unused wide components whose rare draws dominate the sampling error of cBW2-UVP).
   */
  readonly initialScale?: number;
  /** Seed of the initialization and the minibatches (default 0). */
  readonly seed?: number;
  /** Called after every step (progress bars). */
  readonly onStep?: (report: LightSbStepReport) => void;
  /** Polled after every step; true stops the fit early (the current parameters are returned). */
  readonly shouldStop?: () => boolean;
}

/** Result of {@link fitLightSb}. */
export interface LightSbFitResult {
  readonly model: LightSb;
  /** Minibatch loss of every step. */
  readonly lossHistory: Float64Array;
  /** Steps taken. */
  readonly steps: number;
  /** `"completed"` or `"interrupted"` (by `shouldStop`). */
  readonly status: "completed" | "interrupted";
  /** Wall-clock seconds of the fit. */
  readonly seconds: number;
}

function resolveSource(source: PointSource, fn: string, argument: string): { draw: PointSampler; d: number | undefined } {
  if (typeof source === "function") return { draw: source, d: undefined };
  const x = toArray2D(source, fn, argument);
  check(x.rows > 0 && x.cols > 0, fn, argument, "is empty");
  checkAllFinite(x.data, fn, argument, x.cols);
  const draw: PointSampler = (key, n) => {
    const u = uniform(key, n);
    const out = new Float64Array(n * x.cols);
    for (let i = 0; i < n; i++) {
      const row = Math.min(x.rows - 1, Math.floor(u[i] * x.rows));
      out.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), i * x.cols);
    }
    return array2d(out, n, x.cols);
  };
  return { draw, d: x.cols };
}

/** Mean over coordinates of the per-coordinate sample variance of `x`. */
function meanVariance(x: Array2D): number {
  const { rows: n, cols: d, data } = x;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * d + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + j] - m) ** 2;
    total += v / Math.max(1, n - 1);
  }
  return total / d;
}

function drawBatch(draw: PointSampler, key: Key, n: number, d: number | undefined, fn: string, argument: string): Array2D {
  const b = draw(key, n);
  check(isArray2D(b) && b.rows === n && (d === undefined || b.cols === d), fn, argument, `sampler returned shape [${b.rows}, ${b.cols}], expected [${n}, ${d ?? "d"}]`);
  return b;
}

/**
 * Fits LightSB between `source` and `target` (arrays `[n, d]`/`[m, d]` or samplers). Keys: initialization from
 * `foldIn(makeKey(seed), 0)`, step k's batches from `foldIn(foldIn(makeKey(seed), 1), k)`.
 *
 * @throws SbkitInputError for bad options or data; SbkitNumericalError if the loss becomes non-finite.
 */
export async function fitLightSb(source: PointSource, target: PointSource, options: LightSbFitOptions): Promise<LightSbFitResult> {
  const fn = "fitLightSb";
  check(typeof options === "object" && options !== null, fn, "options", "must be an object with at least {epsilon}");
  const epsilon = checkPositive(options.epsilon, fn, "epsilon");
  const K = checkInteger(options.components ?? 50, fn, "components", 1, 100000);
  const steps = checkInteger(options.steps ?? 2000, fn, "steps", 1);
  const batch = checkInteger(options.batchSize ?? 256, fn, "batchSize", 1);
  const lr = checkPositive(options.learningRate ?? 0.02 * Math.sqrt(Math.max(1, epsilon)), fn, "learningRate");
  if (options.initialScale !== undefined) checkPositive(options.initialScale, fn, "initialScale");
  const seed = checkInteger(options.seed ?? 0, fn, "seed", 0);
  const src = resolveSource(source, fn, "source");
  const tgt = resolveSource(target, fn, "target");
  const started = performance.now();
  const root = makeKey(seed);
  const [kInit, kScale] = split(foldIn(root, 0), 2);
  const init = drawBatch(tgt.draw, kInit, K, tgt.d, fn, "target");
  const d = init.cols;
  check(src.d === undefined || src.d === d, fn, "target", `has ${d} columns, source has ${src.d}`);
  const s0 = options.initialScale ?? Math.min(1, meanVariance(drawBatch(tgt.draw, kScale, 1000, d, fn, "target")) / epsilon);
  check(s0 > 0, fn, "target", "has zero variance (all points equal); pass initialScale");
  let theta: LightSbParameters = {
    logWeights: new Float64Array(K).fill(-Math.log(K)),
    means: Float64Array.from(init.data),
    logScales: new Float64Array(K * d).fill(Math.log(s0)),
  };
  let states: [HostAdamState, HostAdamState, HostAdamState] = [hostAdamInit(K), hostAdamInit(K * d), hostAdamInit(K * d)];
  const history = new Float64Array(steps);
  const kappa = Math.min(epsilon, 1);
  const batchKeys = foldIn(root, 1);
  let status: "completed" | "interrupted" = "completed";
  let done = 0;
  for (let k = 0; k < steps; k++) {
    const [kx, ky] = split(foldIn(batchKeys, k));
    const x = drawBatch(src.draw, kx, batch, d, fn, "source");
    const y = drawBatch(tgt.draw, ky, batch, d, fn, "target");
    const { loss, gradient } = lightSbLoss(theta, epsilon, x, y);
    if (!Number.isFinite(loss)) throw new SbkitNumericalError(fn, `the loss became non-finite at step ${k + 1}; lower learningRate`);
    const rate = lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * k) / steps)));
    // Adam runs on κ·log α with κ = min(ε, 1) (for ε < 1 the paper's ε·log α): log α then moves ~rate/κ per step,
    // matching the optimal log-weights, which grow like 1/ε for small ε (`log α_k ∋ −‖μ_k‖²/(2(σ + ε))` for a
    // Gaussian-mixture potential) but stay O(1) for large ε.
    const a = hostAdamUpdate(theta.logWeights.map((v) => v * kappa), gradient.logWeights.map((g) => g / kappa), states[0], rate);
    a.params.forEach((v, i) => (a.params[i] = v / kappa));
    const r = hostAdamUpdate(theta.means, gradient.means, states[1], rate);
    const l = hostAdamUpdate(theta.logScales, gradient.logScales, states[2], rate);
    theta = { logWeights: a.params, means: r.params, logScales: l.params };
    states = [a.state, r.state, l.state];
    history[k] = loss;
    done = k + 1;
    options.onStep?.({ step: done, steps, loss });
    if (options.shouldStop?.() === true) {
      status = "interrupted";
      break;
    }
    if (done % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    model: new LightSb(epsilon, theta),
    lossHistory: history.slice(0, done),
    steps: done,
    status,
    seconds: (performance.now() - started) / 1000,
  };
}
