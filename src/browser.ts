/**
 * sbkit's browser entry: the part of the public API a web page needs to train and simulate a bridge, with no
 * `node:` imports anywhere below it (checkpoint folders, CSV/.npy files, the CLI and the worker pool stay out).
 * The playground in `web/` imports only this file; `web/vite.config.ts` fails the build if a Node built-in is
 * reached from here.
 *
 * A page trains as the CLI does, one step at a time: `bridgeMatchingTask` → `TrainingSession.start` → `update()`
 * (yield to the event loop between slices of steps) → `new BridgeModel(settings, networks)` → `sample`.
 * Convention everywhere: reference dX = σ dW on t ∈ [0,1], ε = σ², arrays row-major [n, d].
 */
export { SbkitInputError, SbkitNumericalError } from "./core/errors.js";
export { array2d } from "./core/array2d.js";
export type { Array2D, Array2DLike } from "./core/array2d.js";
export { makeKey, split, foldIn, KeyStream, uniform, normal2d } from "./core/rng.js";
export type { Key } from "./core/rng.js";
export { TOY_NAMES, isToyName, sampleToy } from "./data/toys.js";
export type { ToyName } from "./data/toys.js";
export { wasserstein2 } from "./metrics/wasserstein.js";
export { ensureRuntime } from "./nn/runtime.js";
export { TrainingSession } from "./nn/trainingSession.js";
export type { StepReport, TrainingRunOptions, TrainingTask } from "./nn/trainingSession.js";
export { bridgeMatchingTask } from "./solvers/bridgeMatchingTask.js";
export type { BridgeMatchingMethod, BridgeMatchingOptions, BridgeMatchingTask } from "./solvers/bridgeMatchingTask.js";
export { fitRunOptions } from "./solvers/fitSettings.js";
export type { FitOptions } from "./solvers/fitSettings.js";
export { BridgeModel } from "./solvers/bridgeModel.js";
export type { SampleOptions } from "./solvers/bridgeModel.js";
export type { IntegrationResult } from "./sde/integrate.js";
