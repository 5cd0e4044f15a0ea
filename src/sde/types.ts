/**
 * Types shared by the SDE/ODE code: batched vector fields and SDEs with additive (time-only) noise.
 */
import type { Array2D } from "../core/array2d.js";

/**
 * A time-dependent vector field evaluated on a batch: `(t, x) ↦ v(t, x)` with `x` and the result `[n, d]`
 * (row i is the value at point i). Used for drifts `b(t,x)`, velocities and scores `∇log p_t(x)`.
 * Implementations must not modify `x`.
 */
export type VectorField = (t: number, x: Array2D) => Array2D;

/** A scalar diffusion coefficient `g(t)` (noise `g(t) dW`, the same for every coordinate). */
export type DiffusionCoefficient = (t: number) => number;

/** An Itô SDE `dX = b(t, X) dt + g(t) dW` with additive noise. */
export interface Sde {
  readonly drift: VectorField;
  readonly diffusion: DiffusionCoefficient;
}
