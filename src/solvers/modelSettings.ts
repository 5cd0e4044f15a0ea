/**
 * What a fitted model is, as saved in its `config.json`: the method, the data dimension, and what sampling needs
 * (σ of the reference `σ dW`, or the diffusion reference of a score model).
 */
import { check } from "../core/errors.js";
import { linearBetaSchedule, veReference, vpReference, type LinearReference } from "../sde/reference.js";

/** The neural methods of `sbkit fit`. */
export type NeuralMethod = "score" | "cfm" | "otcfm" | "sf2m" | "dsbm" | "dsb" | "fbsde";

/** All neural method names. */
export const NEURAL_METHODS: readonly NeuralMethod[] = ["score", "cfm", "otcfm", "sf2m", "dsbm", "dsb", "fbsde"];

/**
 * The methods whose model is a pair of drifts (networks `forward` and `backward`; see `BridgeModel`): DSBM
 * (Shi et al. 2023), DSB (De Bortoli et al. 2021) and SB-FBSDE (Chen et al. 2022).
 */
export type TwoDriftMethod = "dsbm" | "dsb" | "fbsde";

/** All two-drift method names. */
export const TWO_DRIFT_METHODS: readonly TwoDriftMethod[] = ["dsbm", "dsb", "fbsde"];

/** True for the methods of {@link TWO_DRIFT_METHODS}. */
export function isTwoDriftMethod(method: string): method is TwoDriftMethod {
  return (TWO_DRIFT_METHODS as readonly string[]).includes(method);
}

/** The diffusion reference of a score model. */
export type DiffusionReferenceSpec =
  | { readonly kind: "vp"; readonly betaMin: number; readonly betaMax: number }
  | { readonly kind: "ve"; readonly sigmaMin: number; readonly sigmaMax: number };

/** Saved settings of a fitted model. */
export interface ModelSettings {
  readonly method: NeuralMethod;
  /** Data dimension d. */
  readonly dimension: number;
  /** σ of the reference `σ dW` (bridge methods; 0 for deterministic CFM paths). */
  readonly sigma: number;
  /** Name of the conditional path (bridge methods). */
  readonly path?: string;
  /** Name of the minibatch coupling (bridge methods). */
  readonly coupling?: string;
  /** The diffusion reference (score method). */
  readonly reference?: DiffusionReferenceSpec;
  /** Smallest diffusion time used in training and sampling (score method). */
  readonly timeMin?: number;
  /**
   * Two-drift models: the uniform Euler–Maruyama grid (number of steps on [0, 1]) the drifts were trained and
   * simulated on during the fit; `BridgeModel.sample` uses it when no `steps` is given.
   */
  readonly timeSteps?: number;
}

/** The {@link LinearReference} of a score model. */
export function diffusionReference(spec: DiffusionReferenceSpec): LinearReference {
  if (spec.kind === "vp") return vpReference(linearBetaSchedule(spec.betaMin, spec.betaMax));
  check(spec.kind === "ve", "diffusionReference", "spec.kind", `must be "vp" or "ve" (got ${String((spec as { kind: unknown }).kind)})`);
  return veReference(spec.sigmaMin, spec.sigmaMax);
}
