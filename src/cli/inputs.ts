/** Resolves CLI data arguments: a `.npy`/`.csv` file, or the name of a built-in data set (`8gaussians`, ...). */
import { extname } from "node:path";
import type { Array2D } from "../core/array2d.js";
import { readArray2D } from "../core/arrayFile.js";
import { SbkitInputError } from "../core/errors.js";
import { readNpy1D } from "../core/npy.js";
import type { Key } from "../core/rng.js";
import { BUILTIN_NAMES, loadBuiltin } from "../data/registry.js";

/** Reads points from a file, or samples `n` points of a built-in data set with `key`. */
export function loadPoints(spec: string, n: number, key: Key, fn: string, argument: string): Array2D {
  const ext = extname(spec).toLowerCase();
  if (ext === ".npy" || ext === ".csv") return readArray2D(spec, fn, argument);
  try {
    return loadBuiltin(spec, n, key);
  } catch (error) {
    if (error instanceof SbkitInputError && error.fn === "loadBuiltin" && error.argument === "name") {
      throw new SbkitInputError(fn, argument, `"${spec}" is neither a .npy/.csv file nor a built-in data set (${BUILTIN_NAMES.join(", ")})`);
    }
    throw error;
  }
}

/** Reads a weight vector from a `.npy` file. */
export function loadWeights(path: string, fn: string, argument: string): Float64Array {
  return readNpy1D(path, fn, argument);
}

/** Parses a number-valued option, with a clear error naming the flag. */
export function parseNumber(value: string, fn: string, flag: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) throw new SbkitInputError(fn, flag, `must be a number (got "${value}")`);
  return v;
}

/** Parses an integer-valued option. */
export function parseInteger(value: string, fn: string, flag: string): number {
  const v = parseNumber(value, fn, flag);
  if (!Number.isInteger(v)) throw new SbkitInputError(fn, flag, `must be an integer (got "${value}")`);
  return v;
}
