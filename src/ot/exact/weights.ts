/**
 * Validation of the weights of a discrete measure for the exact solvers. Weights are relative: they must be
 * finite, non-negative and have a positive sum, and are divided by that sum (so `a ∈ Δ_n`).
 */
import { check } from "../../core/errors.js";

/**
 * The normalized weights `w / Σw` as a new array, or uniform `1/n` weights when `weights` is omitted.
 * @throws SbkitInputError naming `fn` and `argument` for a wrong length, a non-finite or negative value, or a
 * zero sum.
 */
export function normalizedWeights(weights: ArrayLike<number> | undefined, n: number, fn: string, argument: string): Float64Array {
  const out = new Float64Array(n);
  if (weights === undefined) return out.fill(1 / n);
  check(typeof weights === "object" && weights !== null && typeof weights.length === "number", fn, argument, "must be an array of numbers");
  check(weights.length === n, fn, argument, `has length ${weights.length}, expected ${n} (one weight per point)`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    check(typeof w === "number" && Number.isFinite(w), fn, argument, `has a non-finite value ${w} at [${i}]`);
    check(w >= 0, fn, argument, `must be non-negative (got ${w} at [${i}])`);
    total += w;
  }
  check(total > 0 && Number.isFinite(total), fn, argument, `must have a finite positive sum (got ${total})`);
  for (let i = 0; i < n; i++) out[i] = weights[i] / total;
  return out;
}

/** True when all entries are exactly equal (uniform weights). */
export function isUniform(weights: Float64Array): boolean {
  for (let i = 1; i < weights.length; i++) if (weights[i] !== weights[0]) return false;
  return true;
}
