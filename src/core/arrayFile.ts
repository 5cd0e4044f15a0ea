/**
 * Reads and writes `[rows, cols]` arrays by file extension: `.npy` (NumPy, see `npy.ts`) or `.csv`
 * (numeric CSV with an optional header line, see `csv.ts`). The extension is matched case-insensitively.
 */
import { extname } from "node:path";
import type { Array2D } from "./array2d.js";
import { SbkitInputError } from "./errors.js";
import { readCsv, writeCsv } from "./csv.js";
import { readNpy2D, writeNpy2D, type NpyWriteDtype } from "./npy.js";

/** The file extensions {@link readArray2D} and {@link writeArray2D} understand. */
export const ARRAY_FILE_EXTENSIONS: readonly string[] = [".npy", ".csv"];

/** Options for {@link writeArray2D}; each applies to one format only. */
export interface WriteArray2DOptions {
  /** `.npy` element type (default `"float64"`). */
  readonly dtype?: NpyWriteDtype;
  /** `.csv` column names (one per column). */
  readonly header?: readonly string[];
}

function extensionOf(path: string, fn: string, argument: string): ".npy" | ".csv" {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy" || ext === ".csv") return ext;
  const got = ext === "" ? "no extension" : `extension "${ext}"`;
  throw new SbkitInputError(fn, argument, `"${path}" has ${got}; supported: ${ARRAY_FILE_EXTENSIONS.join(", ")}`);
}

/**
 * Reads an `[n, d]` array from a `.npy` file (1-D `[n]` becomes `[n, 1]`) or a `.csv` file (header line
 * detected automatically). Values are not checked for NaN; use `checkAllFinite` where needed.
 *
 * @param fn - the public caller named in errors, e.g. `"fit"`.
 * @param argument - the argument named in errors, e.g. `"--source"`.
 * @throws {@link SbkitInputError} for an unsupported extension, an unreadable file or malformed content.
 */
export function readArray2D(path: string, fn = "readArray2D", argument = "path"): Array2D {
  return extensionOf(path, fn, argument) === ".npy" ? readNpy2D(path, fn, argument) : readCsv(path, {}, fn, argument).data;
}

/**
 * Writes an `[rows, cols]` array atomically as `.npy` (2-D, `<f8` unless `options.dtype` says `"float32"`)
 * or `.csv` (full round-trip precision, optional `options.header`), chosen by the extension of `path`.
 *
 * @throws {@link SbkitInputError} for an unsupported extension or when the file cannot be written.
 */
export function writeArray2D(path: string, a: Array2D, options: WriteArray2DOptions = {}): void {
  if (extensionOf(path, "writeArray2D", "path") === ".npy") writeNpy2D(path, a, options.dtype ?? "float64");
  else writeCsv(path, a, options.header);
}
