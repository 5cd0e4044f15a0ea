/**
 * What a fitted model is, as saved in its `config.json`: the method, the data dimension, and what sampling needs
 * (σ of the reference `σ dW`, or the diffusion reference of a score model).
 */
import { check } from "../core/errors.js";
import { linearBetaSchedule, veReference, vpReference, type LinearReference } from "../sde/reference.js";

/** The neural methods of `sbkit fit`. */
export type NeuralMethod = "score" | "cfm" | "otcfm" | "sf2m";

/** All neural method names. */
export const NEURAL_METHODS: readonly NeuralMethod[] = ["score", "cfm", "otcfm", "sf2m"];

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
}

/** The {@link LinearReference} of a score model. */
export function diffusionReference(spec: DiffusionReferenceSpec): LinearReference {
  if (spec.kind === "vp") return vpReference(linearBetaSchedule(spec.betaMin, spec.betaMax));
  check(spec.kind === "ve", "diffusionReference", "spec.kind", `must be "vp" or "ve" (got ${String((spec as { kind: unknown }).kind)})`);
  return veReference(spec.sigmaMin, spec.sigmaMax);
}
