/**
 * Row-major `[rows, cols]` float64 arrays: the one array type of the public API.
 * Element `(i, j)` lives at `data[i * cols + j]`. Point clouds are `[n, d]`.
 */
import { check, SbkitInputError } from "./errors.js";

/** A row-major `[rows, cols]` array of float64 values. */
export interface Array2D {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Anything the API accepts as a 2-D array: an {@link Array2D} or nested number arrays `number[][]`. */
export type Array2DLike = Array2D | readonly (readonly number[])[];

/** Wraps `data` (length `rows * cols`) as an {@link Array2D} without copying. */
export function array2d(data: Float64Array, rows: number, cols: number): Array2D {
  check(Number.isInteger(rows) && rows >= 0 && Number.isInteger(cols) && cols >= 0, "array2d", "shape", `must be non-negative integers (got [${rows}, ${cols}])`);
  check(data.length === rows * cols, "array2d", "data", `has length ${data.length}, expected rows*cols = ${rows * cols}`);
  return { data, rows, cols };
}

/** A zero-filled `[rows, cols]` array. */
export function zeros2d(rows: number, cols: number): Array2D {
  return array2d(new Float64Array(rows * cols), rows, cols);
}

/** True when `x` is an {@link Array2D} (not a nested array). */
export function isArray2D(x: unknown): x is Array2D {
  return typeof x === "object" && x !== null && (x as Array2D).data instanceof Float64Array && typeof (x as Array2D).rows === "number";
}

/**
 * Converts nested arrays (or returns an {@link Array2D} as is) and checks it is rectangular and finite.
 * `fn` and `argument` name the caller in the error.
 */
export function toArray2D(x: Array2DLike, fn: string, argument: string): Array2D {
  if (isArray2D(x)) {
    check(x.data.length === x.rows * x.cols, fn, argument, `has data length ${x.data.length}, expected ${x.rows * x.cols}`);
    return x;
  }
  check(Array.isArray(x), fn, argument, "must be an Array2D or an array of rows");
  const rows = x.length;
  const cols = rows > 0 ? x[0].length : 0;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    check(Array.isArray(row) && row.length === cols, fn, argument, `row ${i} has length ${Array.isArray(row) ? row.length : "?"}, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  }
  return { data, rows, cols };
}

/** Converts an {@link Array2D} to nested arrays (for JSON output and small examples). */
export function toNested(x: Array2D): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.rows; i++) out.push(Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols)));
  return out;
}

/** Row `i` of `x` as a view (no copy). */
export function row(x: Array2D, i: number): Float64Array {
  return x.data.subarray(i * x.cols, (i + 1) * x.cols);
}

/** Throws unless every entry is finite; reports the first bad index. */
export function checkAllFinite(values: ArrayLike<number>, fn: string, argument: string, cols = 1): void {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) throwNonFinite(values, k, fn, argument, cols);
}

/** The error of {@link checkAllFinite} for the non-finite entry `k` (`[row, col]` when `cols > 1`). */
export function throwNonFinite(values: ArrayLike<number>, k: number, fn: string, argument: string, cols = 1): never {
  const where = cols > 1 ? `[${Math.floor(k / cols)}, ${k % cols}]` : `[${k}]`;
  throw new SbkitInputError(fn, argument, `has a non-finite value ${values[k]} at ${where}`);
}

/** Column means of `[n, d]` data: a length-`d` vector. */
export function columnMeans(x: Array2D): Float64Array {
  const { rows: n, cols: d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= n;
  return mean;
}

/** Sample covariance `Σ = 1/(n−1) Σ_i (x_i − x̄)(x_i − x̄)ᵀ` of `[n, d]` data, as a `[d, d]` array. */
export function covariance(x: Array2D): Array2D {
  const { rows: n, cols: d, data } = x;
  check(n >= 2, "covariance", "x", `needs at least 2 rows (got ${n})`);
  const mean = columnMeans(x);
  const cov = new Float64Array(d * d);
  const centered = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) centered[k] = data[i * d + k] - mean[k];
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b] += centered[a] * centered[b];
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) { cov[a * d + b] /= n - 1; cov[b * d + a] = cov[a * d + b]; }
  return { data: cov, rows: d, cols: d };
}
