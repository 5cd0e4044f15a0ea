/**
 * Seeded randomness through explicit keys (the JAX model): a {@link Key} is an immutable value, every sampler
 * takes one, and the same key always gives the same numbers. Use {@link split} to get independent keys; never
 * reuse a key for two different draws. Bits come from Threefry-2x32-20 in counter mode.
 */
import { array2d, type Array2D } from "./array2d.js";
import { check, checkInteger } from "./errors.js";
import { threefry2x32 } from "./threefry.js";

/** An immutable PRNG key: 64 bits as two uint32 words. */
export interface Key {
  readonly k0: number;
  readonly k1: number;
}

/** Domain tags keep the counters of bit streams, splits and fold-ins apart. */
const STREAM = 0;
const SPLIT = 1;
const FOLD = 2;

/** A key from an integer seed (any safe integer; the high and low 32 bits become the two words). */
export function makeKey(seed: number): Key {
  checkInteger(seed, "makeKey", "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const hi = Math.floor(seed / 2 ** 32);
  return { k0: hi >>> 0, k1: (seed - hi * 2 ** 32) >>> 0 };
}

/** `count` new independent keys derived from `key`: key_i = Threefry(key, (i, SPLIT)). */
export function split(key: Key, count = 2): Key[] {
  checkInteger(count, "split", "count", 1);
  const out = new Uint32Array(2);
  const keys: Key[] = [];
  for (let i = 0; i < count; i++) {
    threefry2x32(key.k0, key.k1, i, SPLIT, out);
    keys.push({ k0: out[0], k1: out[1] });
  }
  return keys;
}

/** A key derived from `key` and an integer `data` (a step number, a worker index). */
export function foldIn(key: Key, data: number): Key {
  checkInteger(data, "foldIn", "data", 0, 0xffffffff);
  const out = new Uint32Array(2);
  threefry2x32(key.k0, key.k1, data, FOLD, out);
  return { k0: out[0], k1: out[1] };
}

/**
 * A sequential stream of numbers from one key (for samplers that draw an unknown number of values).
 * Block `j` of the stream is Threefry(key, (j, STREAM)).
 */
export class KeyStream {
  private readonly k0: number;
  private readonly k1: number;
  private counter = 0;
  private readonly block = new Uint32Array(2);
  private used = 2;
  private spareNormal = NaN;

  constructor(key: Key) {
    this.k0 = key.k0;
    this.k1 = key.k1;
  }

  /** The next uint32 word. */
  nextUint32(): number {
    if (this.used === 2) {
      threefry2x32(this.k0, this.k1, this.counter++, STREAM, this.block);
      this.used = 0;
    }
    return this.block[this.used++];
  }

  /** A uniform float64 in [0, 1) with 53 random bits. */
  nextUniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A standard normal by the Box–Muller transform (pairs are cached). */
  nextNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    const u1 = 1 - this.nextUniform(); // (0, 1]: log is finite
    const u2 = this.nextUniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [0, n), without modulo bias (n ≤ 2^32). */
  nextInt(n: number): number {
    if (n <= 1) return 0;
    const limit = Math.floor(0x100000000 / n) * n;
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }
}

/** `count` uniform values in `[low, high)`. */
export function uniform(key: Key, count: number, low = 0, high = 1): Float64Array {
  checkInteger(count, "uniform", "count");
  check(Number.isFinite(low) && Number.isFinite(high) && high > low, "uniform", "high", `must be finite and > low (got low=${low}, high=${high})`);
  const s = new KeyStream(key);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = low + (high - low) * s.nextUniform();
  return out;
}

/** `count` standard normal values. */
export function normal(key: Key, count: number): Float64Array {
  checkInteger(count, "normal", "count");
  const s = new KeyStream(key);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = s.nextNormal();
  return out;
}

/** A `[rows, cols]` array of standard normal values. */
export function normal2d(key: Key, rows: number, cols: number): Array2D {
  checkInteger(rows, "normal2d", "rows");
  checkInteger(cols, "normal2d", "cols");
  return array2d(normal(key, rows * cols), rows, cols);
}

/**
 * `count` draws from the categorical distribution with (unnormalized, non-negative) `weights`:
 * P(i) = w_i / Σ w. Inverse-CDF sampling by binary search on the cumulative sums.
 */
export function categorical(key: Key, weights: ArrayLike<number>, count: number): Int32Array {
  checkInteger(count, "categorical", "count");
  const n = weights.length;
  check(n > 0, "categorical", "weights", "must not be empty");
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    check(Number.isFinite(w) && w >= 0, "categorical", "weights", `must be finite and >= 0 (got ${w} at [${i}])`);
    total += w;
    cdf[i] = total;
  }
  check(total > 0, "categorical", "weights", "must have a positive sum");
  const s = new KeyStream(key);
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const u = s.nextUniform() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[k] = lo;
  }
  return out;
}

/** A uniformly random permutation of `0..n-1` (Fisher–Yates). */
export function permutation(key: Key, n: number): Int32Array {
  checkInteger(n, "permutation", "n");
  const s = new KeyStream(key);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = s.nextInt(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
