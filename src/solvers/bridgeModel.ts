/**
 * A fitted generative bridge: its networks (EMA weights) and how to simulate it.
 *
 * - `cfm` / `otcfm`: the ODE `dx/dt = v_θ(t, x)` from t = 0 (source) to 1 (target), or back.
 * - `sf2m`: the SDE `dX = [v_θ + (σ²/2) s_θ] dt + σ dW` forward, and `dX = [v_θ − (σ²/2) s_θ] dt + σ dW̄` backward
 *   (the time reversal with the same marginals; Tong et al. 2024, eq. 8), or the ODE with `v_θ`.
 * - `score`: generation runs diffusion time from 1 to `timeMin` with the reverse SDE `dX = [f − g² s_θ] dt + g dW̄`
 *   or the probability-flow ODE `dx/dt = f − ½ g² s_θ` (Song et al. 2021); `direction: "backward"` encodes data
 *   with the probability-flow ODE (or the forward noising SDE).
 * - two-drift models (`dsbm`, `dsb`, `fbsde`; `TWO_DRIFT_METHODS`): network `forward` is the drift f(t, x) of the
 *   forward SDE `dX = f(t, X) dt + σ dW`, run from t = 0 (source) to t = 1; network `backward` is the drift b(t, x)
 *   of the time-reversed SDE `dX = b(t, X) dt + σ dW̄` run from t = 1 (target) to t = 0, with b written in reverse
 *   time: `Y_s = X_{1−s}` solves `dY = b(1 − s, Y) ds + σ dW`, so an Euler–Maruyama step from t to t − Δ is
 *   `X ← X + b(t, X) Δ + σ√Δ Z` (for a bridge pinned at x0, b = (x0 − x)/t). When the two SDEs are time reversals
 *   of each other with marginals p_t (the Schrödinger bridge; Nelson's relation), `f + b = σ² ∇log p_t`, so the
 *   probability-flow ODE is `dx/dt = ½ (f − b)` (mode `"ode"`). Sampling defaults to the grid the model was
 *   trained on (`settings.timeSteps`).
 *
 * No file-system imports (browser bundles use this file); `loadModel` (loadModel.ts) reads a model folder.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import type { TimeNetwork } from "../nn/network.js";
import { integrateOde, integrateSde, type IntegrationResult } from "../sde/integrate.js";
import { probabilityFlow, reverseSde } from "../sde/reverse.js";
import type { VectorField } from "../sde/types.js";
import { gatherRows } from "./coupling.js";
import { diffusionReference, isTwoDriftMethod, NEURAL_METHODS, type ModelSettings } from "./modelSettings.js";

/** How to simulate a model. */
export interface SampleOptions {
  /** Integration steps (default 100; two-drift models: the `settings.timeSteps` they were trained on, else 100). */
  readonly steps?: number;
  /** `"sde"` or `"ode"` (default: `"sde"` for sf2m and score, `"ode"` for cfm/otcfm). */
  readonly mode?: "sde" | "ode";
  /** `"forward"` (source → target, default) or `"backward"` (target → source). */
  readonly direction?: "forward" | "backward";
  /** Simulate K paths per input row (rows of the output are K consecutive copies per input). Default 1. */
  readonly perPoint?: number;
  /** Save the state every N steps (default: only start and end). */
  readonly saveEvery?: number;
}

/** A fitted model: networks plus {@link ModelSettings}. */
export class BridgeModel {
  constructor(
    readonly settings: ModelSettings,
    readonly networks: Readonly<Record<string, TimeNetwork>>,
    /** Loss per training step. */
    readonly lossHistory: readonly number[] = [],
  ) {
    check(NEURAL_METHODS.includes(settings.method), "BridgeModel", "settings.method", `must be one of ${NEURAL_METHODS.join(", ")} (got ${String(settings.method)})`);
  }

  private field(name: string, sign = 1): VectorField {
    const net = this.networks[name];
    check(net !== undefined, "BridgeModel", "networks", `lacks the "${name}" network of a ${this.settings.method} model`);
    return (t, x) => {
      const y = net.predict(x, t);
      if (sign !== 1) for (let k = 0; k < y.data.length; k++) y.data[k] *= sign;
      return y;
    };
  }

  /** The learned velocity `v_θ(t, x)` (bridge methods). */
  velocity(t: number, x: Array2DLike): Array2D {
    return this.field("flow")(t, toArray2D(x, "BridgeModel.velocity", "x"));
  }

  /**
   * The drift of a two-drift model at time t: `"forward"` gives f(t, x) (forward time), `"backward"` gives b(t, x)
   * (reverse time; see the module notes).
   */
  drift(t: number, x: Array2DLike, direction: "forward" | "backward"): Array2D {
    const fn = "BridgeModel.drift";
    check(isTwoDriftMethod(this.settings.method), fn, "this", `is a ${this.settings.method} model; only dsbm, dsb and fbsde models have forward and backward drifts`);
    check(direction === "forward" || direction === "backward", fn, "direction", `must be "forward" or "backward" (got ${String(direction)})`);
    return this.field(direction)(t, toArray2D(x, fn, "x"));
  }

  /** The learned score `s_θ(t, x)` (sf2m: of the bridge marginal at time t; score: at diffusion time t). */
  score(t: number, x: Array2DLike): Array2D {
    return this.field("score")(t, toArray2D(x, "BridgeModel.score", "x"));
  }

  /** Simulates the model from `x0` (`[n, d]`); see {@link SampleOptions}. */
  sample(x0: Array2DLike, key: Key, options: SampleOptions = {}): IntegrationResult {
    const fn = "BridgeModel.sample";
    let x = toArray2D(x0, fn, "x0");
    checkAllFinite(x.data, fn, "x0", x.cols);
    check(x.rows > 0, fn, "x0", "is empty");
    check(x.cols === this.settings.dimension, fn, "x0", `has ${x.cols} columns, the model is ${this.settings.dimension}-dimensional`);
    const method = this.settings.method;
    const twoDrift = isTwoDriftMethod(method);
    const steps = checkInteger(options.steps ?? (twoDrift ? this.settings.timeSteps ?? 100 : 100), fn, "steps", 1);
    const perPoint = checkInteger(options.perPoint ?? 1, fn, "perPoint", 1);
    const direction = options.direction ?? "forward";
    check(direction === "forward" || direction === "backward", fn, "direction", `must be "forward" or "backward" (got ${String(direction)})`);
    const mode = options.mode ?? (method === "cfm" || method === "otcfm" ? "ode" : "sde");
    check(mode === "sde" || mode === "ode", fn, "mode", `must be "sde" or "ode" (got ${String(mode)})`);
    if (perPoint > 1) {
      const idx = new Int32Array(x.rows * perPoint);
      for (let i = 0; i < idx.length; i++) idx[i] = Math.floor(i / perPoint);
      x = gatherRows(x, idx);
    }
    const grid = { steps, saveEvery: options.saveEvery };
    if (method === "score") return this.sampleScore(x, key, mode, direction, grid);
    if (twoDrift) return this.sampleTwoDrift(x, key, mode, direction, grid);
    const [t0, t1] = direction === "forward" ? [0, 1] : [1, 0];
    if (mode === "ode") return integrateOde(this.field("flow"), x, { ...grid, t0, t1, method: "heun" });
    check(method === "sf2m", fn, "mode", `"sde" needs a learned score; a ${method} model samples with mode "ode"`);
    const sigma = this.settings.sigma;
    const v = this.field("flow");
    const s = this.field("score");
    const sign = direction === "forward" ? 1 : -1;
    const drift: VectorField = (t, xt) => {
      const a = v(t, xt);
      const b = s(t, xt);
      for (let k = 0; k < a.data.length; k++) a.data[k] += sign * 0.5 * sigma * sigma * b.data[k];
      return a;
    };
    return integrateSde({ drift, diffusion: () => sigma }, x, key, { ...grid, t0, t1 });
  }

  /** Two-drift models: the SDE of `direction` with its own network, or the probability-flow ODE `½(f − b)`. */
  private sampleTwoDrift(x: Array2D, key: Key, mode: "sde" | "ode", direction: "forward" | "backward", grid: { steps: number; saveEvery?: number }): IntegrationResult {
    const [t0, t1] = direction === "forward" ? [0, 1] : [1, 0];
    if (mode === "ode") {
      const f = this.field("forward");
      const b = this.field("backward");
      const velocity: VectorField = (t, xt) => {
        const u = f(t, xt);
        const w = b(t, xt);
        for (let k = 0; k < u.data.length; k++) u.data[k] = 0.5 * (u.data[k] - w.data[k]);
        return u;
      };
      return integrateOde(velocity, x, { ...grid, t0, t1, method: "heun" });
    }
    const sigma = this.settings.sigma;
    // integrateSde steps X + drift·Δt with Δt < 0 on a backward grid, so the reverse-time drift b enters as −b.
    const drift = direction === "forward" ? this.field("forward") : this.field("backward", -1);
    return integrateSde({ drift, diffusion: () => sigma }, x, key, { ...grid, t0, t1 });
  }

  private sampleScore(x: Array2D, key: Key, mode: "sde" | "ode", direction: "forward" | "backward", grid: { steps: number; saveEvery?: number }): IntegrationResult {
    const settings = this.settings;
    check(settings.reference !== undefined, "BridgeModel.sample", "settings.reference", "is missing for a score model");
    const ref = diffusionReference(settings.reference);
    const tMin = settings.timeMin ?? 1e-3;
    const score = this.field("score");
    const [t0, t1] = direction === "forward" ? [1, tMin] : [tMin, 1];
    if (mode === "ode") return integrateOde(probabilityFlow(ref, score), x, { ...grid, t0, t1, method: "heun" });
    if (direction === "forward") return integrateSde(reverseSde(ref, score), x, key, { ...grid, t0, t1 });
    return integrateSde(ref, x, key, { ...grid, t0, t1 });
  }

  /** Releases the networks' device memory. */
  dispose(): void {
    for (const n of Object.values(this.networks)) n.dispose();
  }
}
