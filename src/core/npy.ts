/**
 * NumPy `.npy` files (format spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * Layout: magic `\x93NUMPY`, major and minor version bytes, the header length (little-endian uint16 for
 * version 1.0, uint32 for 2.0 and 3.0), then the header: a Python dict literal such as
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and ending in `\n` so the
 * data starts on a 64-byte boundary (latin-1 for 1.0/2.0, UTF-8 for 3.0). The raw data follows in C order.
 *
 * Reading accepts versions 1.0, 2.0 and 3.0; 1-D and 2-D arrays in C order; dtypes `f4 f8 i1 i2 i4 i8 u1 u2
 * u4 u8 b1` in either byte order. Values are converted to float64 (64-bit integers must be exactly
 * representable, |x| < 2^53). Writing produces version 1.0, `<f8` or `<f4`, byte-identical to `numpy.save`.
 * NaN and infinities pass through: callers decide whether they are allowed.
 */
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import type { Array2D } from "./array2d.js";
import { SbkitInputError, check } from "./errors.js";
import { writeFileAtomic } from "./atomicWrite.js";

/** The element type an `.npy` file was stored with (the values are always returned as float64). */
export type NpyDtype = "float32" | "float64" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool";

/** The element types {@link encodeNpy} can write. */
export type NpyWriteDtype = "float32" | "float64";

/** A decoded `.npy` array: C-order values as float64, the shape (`[n]` or `[rows, cols]`) and the stored dtype. */
export interface NpyArray {
  readonly data: Float64Array;
  readonly shape: number[];
  readonly dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;
/** numpy leaves room after the dict so a growing first axis can be rewritten in place (`GROWTH_AXIS_MAX_DIGITS`). */
const GROWTH_AXIS_MAX_DIGITS = 21;
const HOST_LITTLE = endianness() === "LE";

interface Kind {
  readonly dtype: NpyDtype;
  readonly size: number;
  readonly read: (view: DataView, offset: number, little: boolean) => number;
}

const KINDS: Readonly<Record<string, Kind>> = {
  f4: { dtype: "float32", size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f8: { dtype: "float64", size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  i1: { dtype: "int8", size: 1, read: (v, o) => v.getInt8(o) },
  i2: { dtype: "int16", size: 2, read: (v, o, le) => v.getInt16(o, le) },
  i4: { dtype: "int32", size: 4, read: (v, o, le) => v.getInt32(o, le) },
  i8: { dtype: "int64", size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u1: { dtype: "uint8", size: 1, read: (v, o) => v.getUint8(o) },
  u2: { dtype: "uint16", size: 2, read: (v, o, le) => v.getUint16(o, le) },
  u4: { dtype: "uint32", size: 4, read: (v, o, le) => v.getUint32(o, le) },
  u8: { dtype: "uint64", size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  b1: { dtype: "bool", size: 1, read: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0) },
};
const SUPPORTED = "<f8, <f4, <i1..<i8, <u1..<u8, |b1 (or big-endian >)";

/** Python's repr of a shape tuple: `(5,)`, `(2, 3)`, `()`. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function quoted(path: string): string {
  return `"${path}"`;
}

interface Header {
  readonly kind: Kind;
  readonly little: boolean;
  readonly descr: string;
  readonly shape: number[];
}

function parseHeader(text: string, fail: (message: string) => never): Header {
  if (!text.trim().startsWith("{")) fail(`has a malformed .npy header (not a dict): ${JSON.stringify(text.slice(0, 80))}`);
  const descrMatch = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  if (descrMatch === null) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) fail("has a structured dtype, which is not supported (supported: " + SUPPORTED + ")");
    fail("has a malformed .npy header (no 'descr')");
  }
  const descr = descrMatch[2];
  const orderMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (orderMatch === null) fail("has a malformed .npy header (no 'fortran_order')");
  if (orderMatch[1] === "True") fail("is stored in Fortran order (fortran_order: True); only C order is supported — save with np.ascontiguousarray");
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (shapeMatch === null) fail("has a malformed .npy header (no 'shape')");
  const parts = shapeMatch[1].split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((s) => {
    if (!/^\d+L?$/.test(s)) fail(`has a malformed shape (${shapeMatch[1]}) in its .npy header`);
    return Number.parseInt(s, 10);
  });
  if (shape.length !== 1 && shape.length !== 2) {
    fail(`has shape ${shapeRepr(shape)} (${shape.length}-D); only 1-D and 2-D arrays are supported`);
  }
  const dtypeMatch = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const kind = dtypeMatch === null ? undefined : KINDS[dtypeMatch[2]];
  if (dtypeMatch === null || kind === undefined) fail(`has dtype '${descr}', which is not supported (supported: ${SUPPORTED})`);
  const order = dtypeMatch[1];
  if (order === "|" && kind.size > 1) fail(`has dtype '${descr}' with no byte order for a multi-byte type`);
  const little = order === "=" ? HOST_LITTLE : order !== ">";
  return { kind, little, descr, shape };
}

/**
 * Decodes `.npy` bytes. `fn` and `argument` name the public caller in errors; `subject` names the input
 * (e.g. a quoted path) at the start of each message.
 */
function decode(bytes: Uint8Array, fn: string, argument: string, subject: string): NpyArray {
  const fail: (message: string) => never = (message) => {
    throw new SbkitInputError(fn, argument, `${subject} ${message}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail("is not a .npy file (bad magic bytes)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) fail(`has .npy format version ${major}.${minor}; supported: 1.0, 2.0, 3.0`);
  if (major >= 2 && bytes.length < 12) fail("is truncated (incomplete .npy header length)");
  const headerStart = major === 1 ? 10 : 12;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(`is truncated (header needs ${dataStart} bytes, file has ${bytes.length})`);
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(headerStart, dataStart));
  const { kind, little, descr, shape } = parseHeader(text, fail);

  const count = shape.reduce((p, s) => p * s, 1);
  const expected = count * kind.size;
  const actual = bytes.length - dataStart;
  if (actual < expected) fail(`is truncated: shape ${shapeRepr(shape)} of '${descr}' needs ${expected} data bytes, found ${actual}`);
  if (actual > expected) fail(`has ${actual - expected} unexpected bytes after the data for shape ${shapeRepr(shape)} of '${descr}'`);

  const data = new Float64Array(count);
  if (kind.dtype === "float64" && little === HOST_LITTLE) {
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + expected));
  } else {
    const dataView = new DataView(bytes.buffer, bytes.byteOffset + dataStart, expected);
    for (let i = 0; i < count; i++) data[i] = kind.read(dataView, i * kind.size, little);
    if (kind.dtype === "int64" || kind.dtype === "uint64") {
      const bad = data.findIndex((x) => !Number.isSafeInteger(x));
      if (bad >= 0) fail(`has a ${kind.dtype} value at flat index ${bad} too large to convert exactly to float64 (|x| ≥ 2^53)`);
    }
  }
  return { data, shape, dtype: kind.dtype };
}

function readBytes(path: string, fn: string, argument: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const detail = typeof code === "string" ? (e as Error).message.split(", ")[0] : String(e);
    const err = new SbkitInputError(fn, argument, `${quoted(path)} could not be read (${detail})`);
    err.cause = e;
    throw err;
  }
}

function encode(data: Float64Array, shape: readonly number[], dtype: NpyWriteDtype, fn: string): Uint8Array {
  check(shape.length === 1 || shape.length === 2, fn, "shape", `must have 1 or 2 dimensions (got ${shapeRepr(shape)})`);
  check(shape.every((s) => Number.isSafeInteger(s) && s >= 0), fn, "shape", `must be non-negative integers (got [${shape.join(", ")}])`);
  const count = shape.reduce((p, s) => p * s, 1);
  check(data.length === count, fn, "data", `has length ${data.length}, expected ${count} for shape ${shapeRepr(shape)}`);
  check(dtype === "float64" || dtype === "float32", fn, "dtype", `must be "float64" or "float32" (got ${String(dtype)})`);
  const size = dtype === "float64" ? 8 : 4;
  let dict = `{'descr': '<f${size}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  dict += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // numpy: padlen = 64 − ((magic 6 + version 2 + length 2 + dict + "\n") mod 64), which is 1..64, never 0.
  const pad = ALIGN - ((10 + dict.length + 1) % ALIGN);
  const header = dict + " ".repeat(pad) + "\n";
  const out = new Uint8Array(10 + header.length + count * size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  if (size === 8) {
    for (let i = 0; i < count; i++) view.setFloat64(start + 8 * i, data[i], true);
  } else {
    for (let i = 0; i < count; i++) {
      const x = data[i];
      const y = Math.fround(x);
      if (Number.isFinite(x) && !Number.isFinite(y)) {
        const where = shape.length === 2 ? `[${Math.floor(i / shape[1])}, ${i % shape[1]}]` : `[${i}]`;
        check(false, fn, "data", `value ${x} at ${where} overflows float32 (max ≈ 3.4e38); write float64 instead`);
      }
      view.setFloat32(start + 4 * i, y, true);
    }
  }
  return out;
}

/**
 * Decodes the bytes of a `.npy` file (versions 1.0/2.0/3.0; 1-D or 2-D; C order).
 *
 * @param bytes - the whole file.
 * @param source - a name for the bytes used in error messages (e.g. the URL they came from).
 * @returns values as float64 in C order, the shape and the stored dtype.
 * @throws {@link SbkitInputError} on bad magic bytes, truncated data, or an unsupported version, dtype, order
 *   or number of dimensions.
 */
export function parseNpy(bytes: Uint8Array, source = "<bytes>"): NpyArray {
  return decode(bytes, "parseNpy", "bytes", source);
}

/**
 * Encodes a 1-D (`[n]`) or 2-D (`[rows, cols]`, row-major) array as `.npy` version 1.0 bytes, byte-identical
 * to `numpy.save`: header dict padded with spaces and ending in `\n` so the data starts on a 64-byte boundary.
 *
 * @param dtype - `"float64"` (`<f8`, default) or `"float32"` (`<f4`; a finite value beyond float32 range throws).
 */
export function encodeNpy(data: Float64Array, shape: readonly number[], dtype: NpyWriteDtype = "float64"): Uint8Array {
  return encode(data, shape, dtype, "encodeNpy");
}

/** Reads a `.npy` file; see {@link parseNpy}. Errors name `fn` and `argument` (default `readNpy`, `path`). */
export function readNpy(path: string, fn = "readNpy", argument = "path"): NpyArray {
  return decode(readBytes(path, fn, argument), fn, argument, quoted(path));
}

/** Writes a `.npy` file atomically (see {@link encodeNpy} and {@link writeFileAtomic}). */
export function writeNpy(path: string, data: Float64Array, shape: readonly number[], dtype: NpyWriteDtype = "float64"): void {
  writeFileAtomic(path, encode(data, shape, dtype, "writeNpy"), "writeNpy", "path");
}

/**
 * Reads a `.npy` file as an `[n, d]` {@link Array2D}. A 1-D array of length `n` becomes `[n, 1]`.
 * `fn` and `argument` name the caller in errors, e.g. `readNpy2D(file, "fit", "--source")`.
 */
export function readNpy2D(path: string, fn = "readNpy2D", argument = "path"): Array2D {
  const { data, shape } = readNpy(path, fn, argument);
  return shape.length === 1 ? { data, rows: shape[0], cols: 1 } : { data, rows: shape[0], cols: shape[1] };
}

/**
 * Reads a `.npy` vector (e.g. weights): shape `[n]`, or `[n, 1]` / `[1, n]`, returned as a length-`n` array.
 * Any other 2-D shape throws.
 */
export function readNpy1D(path: string, fn = "readNpy1D", argument = "path"): Float64Array {
  const { data, shape } = readNpy(path, fn, argument);
  check(shape.length === 1 || shape[0] === 1 || shape[1] === 1, fn, argument,
    `${quoted(path)} has shape ${shapeRepr(shape)}; expected a vector: (n,), (n, 1) or (1, n)`);
  return data;
}

/** Writes an `[rows, cols]` {@link Array2D} as a 2-D `.npy` file, atomically. */
export function writeNpy2D(path: string, a: Array2D, dtype: NpyWriteDtype = "float64"): void {
  writeFileAtomic(path, encode(a.data, [a.rows, a.cols], dtype, "writeNpy2D"), "writeNpy2D", "path");
}
