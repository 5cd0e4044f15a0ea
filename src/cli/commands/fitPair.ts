/**
 * Inputs shared by the `sbkit fit` branches that learn a bridge between two sample sets (dsb, dsbm, fbsde,
 * lightsb): the required `--epsilon` (ε = σ² of the reference `σ dW`), the source/target clouds drawn with the keys
 * of `--seed`, and Ctrl-C turned into a stop request so the run can checkpoint before exiting.
 */
import { check, SbkitInputError } from "../../core/errors.js";
import type { Array2D } from "../../core/array2d.js";
import { makeKey, split } from "../../core/rng.js";
import { loadPoints, parseNumber } from "../inputs.js";

/** `--epsilon` parsed, required and > 0 for `--method <method>`. */
export function requiredEpsilon(value: string | undefined, method: string): number {
  const fn = "fit";
  if (value === undefined) throw new SbkitInputError(fn, "--epsilon", `is required for --method ${method} (ε = σ² of the reference σ dW)`);
  const epsilon = parseNumber(value, fn, "--epsilon");
  check(epsilon > 0, fn, "--epsilon", `must be > 0 (got ${epsilon})`);
  return epsilon;
}

/** The source and target clouds (files or built-in sets of `n` points), drawn with keys from `seed + 7919`. */
export function loadFitPair(source: string, target: string, seed: number, n: number): { source: Array2D; target: Array2D } {
  const [ks, kt] = split(makeKey(seed + 7919), 2);
  return { source: loadPoints(source, n, ks, "fit", "--source"), target: loadPoints(target, n, kt, "fit", "--target") };
}

/** Listens for one SIGINT: `stopped()` is true once it came; `release()` removes the listener. */
export function watchSigint(): { stopped: () => boolean; release: () => void } {
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.once("SIGINT", onSigint);
  return { stopped: () => stop, release: () => process.removeListener("SIGINT", onSigint) };
}
