/**
 * A minimal WebAssembly binary writer: just enough of the format (WebAssembly Core Specification 2.0, §5 "Binary
 * Format", with the fixed-width SIMD proposal's `v128` instructions) to emit the few SIMD loops of
 * `denseWasm.ts` without a build-time toolchain. Instructions are plain byte arrays built from named opcodes, so a
 * function body reads like its text-format listing.
 */

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A length-prefixed vector of already-encoded items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A UTF-8 name. */
export function name(text: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...uleb(bytes.length), ...bytes];
}

/** A section with its id and byte size. */
export function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Memory immediate `{align = 2^3, offset}` (8-byte alignment hint, valid for f64 and v128 accesses). */
function memarg(offset: number): number[] {
  return [3, ...uleb(offset)];
}

const SIMD = 0xfd;

/** The instructions used by the dense kernels (each returns its encoding). */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32And: [0x71],
  i32GeU: [0x4f],
  i32Eqz: [0x45],
  i32GtU: [0x4b],
  i32LtU: [0x49],
  block: [0x02, 0x40],
  /** `if` with no result (closed by `end`). */
  if: [0x04, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
  f64Load: (offset = 0) => [0x2b, ...memarg(offset)],
  f64Store: (offset = 0) => [0x39, ...memarg(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f64PromoteF32: [0xbb],
  f32DemoteF64: [0xb6],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Max: [0xa5],
  f64Abs: [0x99],
  f64ConvertI32U: [0xb8],
  f64Lt: [0x63],
  select: [0x1b],
  f64Const: (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)],
  v128Load: (offset = 0) => [SIMD, 0x00, ...memarg(offset)],
  v128Store: (offset = 0) => [SIMD, 0x0b, ...memarg(offset)],
  /** `v128.load32_splat`: one f32 from memory into all four lanes. */
  v128Load32Splat: (offset = 0) => [SIMD, 0x09, 2, ...uleb(offset)],
  /** `v128.load64_splat`: one f64 from memory into both lanes. */
  v128Load64Splat: (offset = 0) => [SIMD, 0x0a, ...memarg(offset)],
  v128And: [SIMD, 0x4e],
  v128AndNot: [SIMD, 0x4f],
  /** `v128.bitselect(a, b, mask)`: bits of a where mask is 1, of b elsewhere. */
  v128Bitselect: [SIMD, 0x52],
  f64x2Splat: [SIMD, 0x14],
  f64x2ExtractLane: (lane: number) => [SIMD, 0x21, lane],
  f64x2Lt: [SIMD, 0x49],
  f64x2Add: [SIMD, 0xf0, 0x01],
  f64x2Mul: [SIMD, 0xf2, 0x01],
  f64x2Sub: [SIMD, 0xf1, 0x01],
  f64x2Min: [SIMD, 0xf4, 0x01],
  f64x2Max: [SIMD, 0xf5, 0x01],
  /** `f64x2.pmin`: `b < a ? b : a` per lane (one `minpd`; NaN in `a` is kept). */
  f64x2Pmin: [SIMD, 0xf6, 0x01],
  /** `f64x2.pmax`: `a < b ? b : a` per lane (one `maxpd`; NaN in `a` is kept). */
  f64x2Pmax: [SIMD, 0xf7, 0x01],
  f64x2Gt: [SIMD, 0x4a],
  f64x2Ge: [SIMD, 0x4c],
  f64x2Div: [SIMD, 0xf3, 0x01],
  f64x2Nearest: [SIMD, 0x94, 0x01],
  i64x2Add: [SIMD, 0xce, 0x01],
  i64x2Shl: [SIMD, 0xcb, 0x01],
  i64x2ShrU: [SIMD, 0xcd, 0x01],
  v128Or: [SIMD, 0x50],
  f32x4Splat: [SIMD, 0x13],
  f32x4Lt: [SIMD, 0x43],
  f32x4Nearest: [SIMD, 0x6a],
  f32x4Add: [SIMD, 0xe4, 0x01],
  f32x4Sub: [SIMD, 0xe5, 0x01],
  f32x4Mul: [SIMD, 0xe6, 0x01],
  f32x4Pmin: [SIMD, 0xea, 0x01],
  f32x4Pmax: [SIMD, 0xeb, 0x01],
  i32x4Add: [SIMD, 0xae, 0x01],
  i32x4Shl: [SIMD, 0xab, 0x01],
  /** `v128.load64_zero`: 8 bytes into lanes 0–1 of an f32x4 (zeros above). */
  v128Load64Zero: (offset = 0) => [SIMD, 0x5d, ...memarg(offset)],
  /** `v128.store64_lane 0`: the low 8 bytes (two f32 lanes). */
  v128Store64Lane0: (offset = 0) => [SIMD, 0x5b, ...memarg(offset), 0],
  /** `f32x4.demote_f64x2_zero`: an f64x2 rounded into lanes 0 and 1 of an f32x4 (zeros above). */
  f32x4DemoteF64x2Zero: [SIMD, 0x5e],
  /** `f64x2.promote_low_f32x4`: lanes 0 and 1 of an f32x4 as an f64x2. */
  f64x2PromoteLowF32x4: [SIMD, 0x5f],
  /** `i8x16.shuffle` with the given 16 lane indices. */
  i8x16Shuffle: (lanes: number[]) => [SIMD, 0x0d, ...lanes],
  /** `v128.const` with the same f32 in all four lanes. */
  f32x4Const: (v: number) => [SIMD, 0x0c, ...new Uint8Array(new Float32Array([v, v, v, v]).buffer)],
  /** `v128.const` with four i32 lanes. */
  i32x4Const: (v: number) => [SIMD, 0x0c, ...new Uint8Array(new Int32Array([v, v, v, v]).buffer)],
  /** `v128.const` with the same f64 in both lanes. */
  f64x2Const: (v: number) => [SIMD, 0x0c, ...new Uint8Array(new Float64Array([v, v]).buffer)],
  /** `v128.const` with two i64 lanes. */
  i64x2Const: (lo: number | bigint, hi: number | bigint) => [SIMD, 0x0c, ...new Uint8Array(new BigInt64Array([BigInt(lo), BigInt(hi)]).buffer)],
};

/** A function body: local declarations (runs of one type) and instructions, with its size prefix. */
export function funcBody(locals: [count: number, type: number][], code: number[][]): number[] {
  const body = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...code.flat(), ...op.end];
  return [...uleb(body.length), ...body];
}

/**
 * A module importing one memory `env.memory` of at least one 64 KiB page (with `sharedMemory`, a shared memory of at
 * most 65536 pages, which threads can import together) and exporting functions with the given parameter types
 * (`I32`, `F64`) and no result.
 */
export function moduleBytes(exports: { name: string; params: number[]; body: number[] }[], sharedMemory = false): Uint8Array {
  const signatures = [...new Set(exports.map((e) => e.params.join(",")))];
  const types = signatures.map((sig) => [0x60, ...vec(sig === "" ? [] : sig.split(",").map((t) => [Number(t)])), 0]);
  // Memory limits (§5.3.8): 0x00 min; a shared memory (threads proposal) 0x03 min max, here 1 to 65536 pages (4 GiB).
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vec(exports.map((e) => uleb(signatures.indexOf(e.params.join(",")))))),
    ...section(7, vec(exports.map((e, k) => [...name(e.name), 0x00, ...uleb(k)]))),
    ...section(10, vec(exports.map((e) => e.body))),
  ]);
}

/**
 * Bytes of a base64 text (the generated module binaries of `wasmBinaries.ts`): Node's `Buffer` where there is one
 * (native decoding; the loop below costs ≈ 2 ms cold for the 7.5 KB module), else `atob` (browsers).
 */
export function base64Bytes(text: string): Uint8Array {
  const node = (globalThis as { Buffer?: { from(text: string, encoding: "base64"): Uint8Array } }).Buffer;
  if (node !== undefined) return new Uint8Array(node.from(text, "base64"));
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let k = 0; k < raw.length; k++) out[k] = raw.charCodeAt(k);
  return out;
}

/** Base64 text of bytes (for the generator of `wasmBinaries.ts`). */
export function bytesBase64(bytes: Uint8Array): string {
  let raw = "";
  for (const b of bytes) raw += String.fromCharCode(b);
  return btoa(raw);
}
