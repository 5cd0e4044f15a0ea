/**
 * Typed errors. Every error names the function and the argument that was wrong, so a user reading
 * `sinkhorn: epsilon must be > 0 (got -1)` knows where to look without a stack trace.
 */

/** Bad input: a wrong shape, a NaN, a negative weight, an unreadable file. */
export class SbkitInputError extends Error {
  /** The public function that rejected the input, e.g. `"sinkhorn"`. */
  readonly fn: string;
  /** The argument that was wrong, e.g. `"epsilon"`. */
  readonly argument: string;

  constructor(fn: string, argument: string, message: string) {
    super(`${fn}: ${argument} ${message}`);
    this.name = "SbkitInputError";
    this.fn = fn;
    this.argument = argument;
  }
}

/** A numerical failure detected at run time (non-finite potentials, a singular matrix, ...). */
export class SbkitNumericalError extends Error {
  readonly fn: string;

  constructor(fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.name = "SbkitNumericalError";
    this.fn = fn;
  }
}

/** Throws {@link SbkitInputError} unless `condition` holds. */
export function check(condition: boolean, fn: string, argument: string, message: string): asserts condition {
  if (!condition) throw new SbkitInputError(fn, argument, message);
}

/** Throws unless `value` is a finite number; returns it. */
export function checkFinite(value: number, fn: string, argument: string): number {
  check(typeof value === "number" && Number.isFinite(value), fn, argument, `must be a finite number (got ${value})`);
  return value;
}

/** Throws unless `value` is a finite number `> 0`; returns it. */
export function checkPositive(value: number, fn: string, argument: string): number {
  check(typeof value === "number" && Number.isFinite(value) && value > 0, fn, argument, `must be a finite number > 0 (got ${value})`);
  return value;
}

/** Throws unless `value` is an integer in `[min, max]`; returns it. */
export function checkInteger(value: number, fn: string, argument: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  check(Number.isInteger(value) && value >= min && value <= max, fn, argument, `must be an integer in [${min}, ${max}] (got ${value})`);
  return value;
}
