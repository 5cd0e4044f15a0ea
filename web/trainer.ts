/**
 * Training and simulation for the playground, on sbkit's browser entry. The loop is the CLI's (`update()` of a
 * {@link TrainingSession}), cut into time slices of at most {@link SLICE_MS} milliseconds with a yield to the
 * event loop after each, so the page keeps painting and answering clicks while it trains.
 */
import {
  BridgeModel, bridgeMatchingTask, ensureRuntime, fitRunOptions, foldIn, makeKey, TrainingSession, wasserstein2,
  type Array2D, type BridgeMatchingMethod, type IntegrationResult, type StepReport,
} from "../src/browser.js";

/** Longest stretch of training steps between two yields to the event loop. */
export const SLICE_MS = 25;

/** What the user picked. */
export interface TrainSettings {
  readonly method: BridgeMatchingMethod;
  readonly sigma: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly hiddenWidth: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Integration steps of the simulated bridge (frames of the animation). */
  readonly sampleSteps: number;
  /** Particles simulated and animated. */
  readonly particles: number;
}

/** A trained bridge and its simulated particles. */
export interface TrainedBridge {
  readonly device: string;
  readonly steps: number;
  readonly seconds: number;
  readonly lossHistory: readonly number[];
  /** Saved states `[particles, 2]` at `times` (t = 0 … 1). */
  readonly path: IntegrationResult;
  /** Exact W2 between the simulated end points and the first `particles` target points. */
  readonly w2: number;
  /** True when the user stopped training before the last step (the bridge is then simulated as it stands). */
  readonly stopped: boolean;
}

/** Callbacks of {@link trainBridge}. */
export interface TrainCallbacks {
  /** After every time slice, with the last step's report. */
  onProgress(report: StepReport, device: string): void;
  /** Polled between steps; true stops training early. */
  shouldStop(): boolean;
}

/** Yields to the event loop (a macrotask, so rendering and input run in between). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The first `count` rows of `x` (rows are already shuffled by the samplers). */
function head(x: Array2D, count: number): Array2D {
  const n = Math.min(count, x.rows);
  return { data: x.data.slice(0, n * x.cols), rows: n, cols: x.cols };
}

/** Trains `settings.method` from `source` to `target` in the page and simulates the learned bridge. */
export async function trainBridge(source: Array2D, target: Array2D, settings: TrainSettings, callbacks: TrainCallbacks): Promise<TrainedBridge> {
  const device = await ensureRuntime();
  const options = {
    sigma: settings.sigma,
    steps: settings.steps,
    batchSize: settings.batchSize,
    hiddenDims: [settings.hiddenWidth, settings.hiddenWidth],
    timeEmbeddingDim: 16,
    learningRate: settings.learningRate,
    emaDecay: 0.99,
    seed: settings.seed,
  };
  const plan = bridgeMatchingTask(settings.method, source, target, options, "playground");
  const session = await TrainingSession.start(plan.task, plan.init, fitRunOptions(options, plan.resolved));
  const t0 = performance.now();
  let stopped = false;
  let model: BridgeModel | undefined;
  try {
    while (!session.done) {
      const sliceStart = performance.now();
      let report: StepReport;
      do report = session.update();
      while (!session.done && performance.now() - sliceStart < SLICE_MS);
      callbacks.onProgress(report, device);
      await yieldToPage();
      if (!session.done && callbacks.shouldStop()) {
        stopped = true;
        break;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const networks = Object.fromEntries(Object.keys(plan.task.networks).map((name) => [name, session.network(name)]));
    model = new BridgeModel(plan.settings, networks, session.lossHistory);
    const start = head(source, settings.particles);
    const path = model.sample(start, foldIn(makeKey(settings.seed), 7), { steps: settings.sampleSteps, saveEvery: 1 });
    const w2 = wasserstein2(path.final, head(target, settings.particles));
    return { device, steps: session.step, seconds, lossHistory: [...session.lossHistory], path, w2, stopped };
  } finally {
    model?.dispose();
    session.dispose();
  }
}
