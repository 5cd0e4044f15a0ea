/**
 * safetensors encode/decode (the Hugging Face format, https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
 * {string: string}}` (padded with spaces to a multiple of 8), then the raw little-endian tensor bytes.
 * Supports F32 and F64 (read and write) — enough for checkpoints that PyTorch's `safetensors.torch` reads as is.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomicWrite.js";
import { check, SbkitInputError } from "./errors.js";

/** One tensor: float32 or float64 data with a row-major shape. */
export interface SafeTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** Decoded file: tensors by name and the string metadata. */
export interface SafeTensorsFile {
  readonly tensors: Record<string, SafeTensor>;
  readonly metadata: Record<string, string>;
}

const DTYPES = { F32: 4, F64: 8 } as const;

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Encodes tensors (in the order given) and metadata. */
export function encodeSafetensors(tensors: Readonly<Record<string, SafeTensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    check(name !== "__metadata__", "encodeSafetensors", "tensors", `may not contain a tensor named "__metadata__"`);
    const t = tensors[name];
    check(t.data.length === size(t.shape), "encodeSafetensors", `tensors["${name}"]`, `has ${t.data.length} values for shape [${t.shape.join(", ")}]`);
    const dtype = t.data instanceof Float32Array ? "F32" : "F64";
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while (json.length % 8 !== 0) json += " ";
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

/** Decodes a safetensors buffer; `source` names it in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = "<bytes>"): SafeTensorsFile {
  const fail = (msg: string): never => {
    throw new SbkitInputError("decodeSafetensors", source, `is not a valid safetensors file: ${msg}`);
  };
  if (bytes.length < 8) fail("shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) fail(`header length ${n} exceeds the file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch {
    return fail("header is not JSON");
  }
  const dataStart = 8 + n;
  const tensors: Record<string, SafeTensor> = {};
  const metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    const e = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const width = DTYPES[e.dtype as keyof typeof DTYPES];
    if (width === undefined) fail(`tensor "${name}" has dtype ${String(e.dtype)} (only F32 and F64 are supported)`);
    if (!Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) fail(`tensor "${name}" lacks shape or data_offsets`);
    const [b0, b1] = e.data_offsets as [number, number];
    const count = size(e.shape as number[]);
    if (b1 - b0 !== count * width || dataStart + b1 > bytes.length || b0 < 0) fail(`tensor "${name}" has offsets [${b0}, ${b1}] inconsistent with its shape or the file size`);
    const raw = bytes.slice(dataStart + b0, dataStart + b1);
    const data = width === 4 ? new Float32Array(raw.buffer, raw.byteOffset, count) : new Float64Array(raw.buffer, raw.byteOffset, count);
    tensors[name] = { shape: e.shape as number[], data };
  }
  return { tensors, metadata };
}

/** Reads a `.safetensors` file. */
export function readSafetensors(path: string, fn = "readSafetensors", argument = "path"): SafeTensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SbkitInputError(fn, argument, `cannot read "${path}": ${(e as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}

/** Writes a `.safetensors` file atomically. */
export function writeSafetensors(path: string, tensors: Readonly<Record<string, SafeTensor>>, metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata), "writeSafetensors");
}
