/**
 * Learning-rate schedules `η_k` for step `k` of `K`: constant, linear warm-up, cosine decay
 * (Loshchilov & Hutter 2017, without restarts): `η_k = η_min + ½(η − η_min)(1 + cos(π k/K))` after warm-up.
 */
import { check } from "../core/errors.js";

/** A schedule: constant, or cosine decay to `minFactor·η` after `warmupSteps` of linear warm-up. */
export type LearningRateSchedule =
  | { readonly kind: "constant"; readonly warmupSteps?: number }
  | { readonly kind: "cosine"; readonly warmupSteps?: number; readonly minFactor?: number };

/** Learning rate at (0-based) step `k` of `total` for peak rate `peak`. */
export function learningRateAt(schedule: LearningRateSchedule, peak: number, k: number, total: number): number {
  const warm = schedule.warmupSteps ?? 0;
  check(Number.isInteger(warm) && warm >= 0, "learningRateAt", "schedule.warmupSteps", `must be an integer ≥ 0 (got ${warm})`);
  if (k < warm) return (peak * (k + 1)) / warm;
  if (schedule.kind === "constant") return peak;
  check(schedule.kind === "cosine", "learningRateAt", "schedule.kind", `must be "constant" or "cosine" (got ${String((schedule as { kind: unknown }).kind)})`);
  const minFactor = schedule.minFactor ?? 0;
  check(minFactor >= 0 && minFactor <= 1, "learningRateAt", "schedule.minFactor", `must be in [0, 1] (got ${minFactor})`);
  const span = Math.max(1, total - warm);
  const progress = Math.min(1, (k - warm) / span);
  return peak * (minFactor + 0.5 * (1 - minFactor) * (1 + Math.cos(Math.PI * progress)));
}
