/**
 * Built-in data sets by name, for the CLI (`--source 8gaussians`) and quick experiments: the 2-D toys of
 * {@link TOY_NAMES}, `"gaussian"` (standard normal in 2-D) and `"gaussian:D"` (standard normal in D dimensions).
 */
import type { Array2D } from "../core/array2d.js";
import { check, checkInteger, SbkitInputError } from "../core/errors.js";
import { normal2d, type Key } from "../core/rng.js";
import { isToyName, sampleToy, TOY_NAMES } from "./toys.js";

/** Largest dimension accepted by `"gaussian:D"`. */
export const MAX_GAUSSIAN_DIMENSION = 100_000;

/** The names {@link loadBuiltin} accepts, for help text; `"gaussian:D"` stands for any `D` in 1..100000. */
export const BUILTIN_NAMES: readonly string[] = [...TOY_NAMES, "gaussian", "gaussian:D"];

/**
 * `n` points of the named built-in distribution:
 * - a toy name (`8gaussians`, `moons`, …): `[n, 2]` from {@link sampleToy} (FFJORD definitions, Grathwohl et al. 2019);
 * - `"gaussian"`: `[n, 2]` standard normal `N(0, I₂)`;
 * - `"gaussian:D"`: `[n, D]` standard normal `N(0, I_D)`, `D` a positive integer written in decimal.
 * The same key gives the same points.
 *
 * @throws SbkitInputError for an unknown name (the message lists {@link BUILTIN_NAMES}), a bad `D` or a bad `n`.
 */
export function loadBuiltin(name: string, n: number, key: Key): Array2D {
  const fn = "loadBuiltin";
  check(typeof name === "string", fn, "name", `must be a string (got ${typeof name})`);
  checkInteger(n, fn, "n", 0);
  if (isToyName(name)) return sampleToy(name, n, key);
  if (name === "gaussian") return normal2d(key, n, 2);
  const match = /^gaussian:(\d+)$/.exec(name);
  if (match !== null) {
    const dim = Number(match[1]);
    check(dim >= 1 && dim <= MAX_GAUSSIAN_DIMENSION, fn, "name", `"gaussian:D" needs an integer D in [1, ${MAX_GAUSSIAN_DIMENSION}] (got ${JSON.stringify(name)})`);
    return normal2d(key, n, dim);
  }
  throw new SbkitInputError(fn, "name", `must be one of ${BUILTIN_NAMES.join(", ")} (got ${JSON.stringify(name)})`);
}
