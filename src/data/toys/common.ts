/**
 * Shared pieces of the 2-D toy samplers: argument checks, the even split of `n` over the parts of a mixture,
 * and the keyed row shuffle that makes any prefix of a sample a fair sample.
 */
import { array2d, type Array2D } from "../../core/array2d.js";
import { checkInteger } from "../../core/errors.js";
import { permutation, type Key } from "../../core/rng.js";

/** Throws unless `n` is a non-negative integer; returns it. `fn` names the public sampler in the error. */
export function checkToyCount(n: number, fn: string): number {
  return checkInteger(n, fn, "n", 0);
}

/**
 * Splits `n` over `parts` as evenly as possible: every part gets `⌊n/parts⌋` and the first `n mod parts`
 * parts get one more, so the counts sum to exactly `n` and differ by at most one.
 */
export function evenCounts(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  return Array.from({ length: parts }, (_, p) => base + (p < extra ? 1 : 0));
}

/**
 * The part index of each of the `n` rows under {@link evenCounts}: `[0,…,0, 1,…,1, …]` in blocks.
 * The caller shuffles the finished rows with {@link shuffleRows}.
 */
export function evenLabels(n: number, parts: number): Int32Array {
  const labels = new Int32Array(n);
  let i = 0;
  evenCounts(n, parts).forEach((count, p) => {
    labels.fill(p, i, i + count);
    i += count;
  });
  return labels;
}

/** A new `[n, d]` array whose row `i` is row `perm[i]` of `x`, with `perm` = {@link permutation}(key, n). */
export function shuffleRows(x: Array2D, key: Key): Array2D {
  const { rows: n, cols: d, data } = x;
  const perm = permutation(key, n);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) out.set(data.subarray(perm[i] * d, perm[i] * d + d), i * d);
  return array2d(out, n, d);
}
