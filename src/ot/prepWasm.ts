/**
 * WebAssembly versions of the O((n + m)·d) set-up loops of a Sinkhorn solve (`workspace.ts`: centring and half
 * squared norms; `problem.ts`: the finiteness check of the points). In a fresh process the JavaScript loops run in
 * V8's interpreter for most of their first call — n = m = 1000, d = 64: ≈ 15–25 ms for the workspace, 4–10 ms for
 * the check — while WebAssembly is compiled before it runs (≈ 0.5 ms here). Scalar float64 code, the same
 * operations in the same order as the JavaScript loops, so the results are bit-identical (IEEE arithmetic is exact
 * to the rounding rule on both sides). Shipped pre-generated in `wasmBinaries.ts` (`npm run gen:wasm`). One instance
 * serves every call, over a memory grown to the largest clouds seen and kept for the process (at most
 * 8·{@link PREP_MAX_VALUES} bytes plus the weight vectors).
 *
 * Functions (i32 byte offsets and counts):
 * - `addSource(x, a, n, d, centre)`: `centre_k += (½ a_i) x_ik` over rows i < n;
 * - `addTarget(y, b, m, d, centre, meanY)`: `v = b_j y_jk`, `centre_k += ½ v`, `meanY_k += v` over rows j < m;
 * - `fillCentred(src, centre, count, d, out, halfSq)`: `out_ik = src_ik − centre_k` (out may be src),
 *   `halfSq_i = ½ Σ_k out_ik²` (summed in k order);
 * - `firstNonFinite(v, count, result)`: writes to `result` (f64) the first index whose value is NaN or ±∞, else −1.
 */
import { base64Bytes, F64, funcBody, I32, moduleBytes, op } from "./wasmAssembler.js";
import { PREP_WASM } from "./wasmBinaries.js";
import { at, bump, locals, rowStart, whileBelow } from "./wasmLoops.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** `centre_k += (½ a_i) x_ik` (source), or with `meanY` the target form `v = b_j y_jk` (see the module notes). */
function addRows(target: boolean): number[] {
  const [X, W, N, D, C, MY] = [0, 1, 2, 3, 4, 5];
  const L = locals(target ? 6 : 5);
  const [I, K, RP] = L.take(I32, 3);
  const [WI, V] = L.take(F64, 2);
  const weight = target ? [at(W, I), op.f64Load()] : [op.f64Const(0.5), at(W, I), op.f64Load(), op.f64Mul];
  const body = target
    ? [
      get(WI), at(RP, K), op.f64Load(), op.f64Mul, set(V),
      at(C, K), at(C, K), op.f64Load(), op.f64Const(0.5), get(V), op.f64Mul, op.f64Add, op.f64Store(),
      at(MY, K), at(MY, K), op.f64Load(), get(V), op.f64Add, op.f64Store(),
    ]
    : [at(C, K), at(C, K), op.f64Load(), get(WI), at(RP, K), op.f64Load(), op.f64Mul, op.f64Add, op.f64Store()];
  return funcBody(L.runs, [
    c32(0), set(I),
    whileBelow(I, N, [rowStart(X, I, D), set(RP), ...weight, set(WI), c32(0), set(K), whileBelow(K, D, [...body, bump(K, 1)]), bump(I, 1)]),
  ]);
}

function fillCentred(): number[] {
  const [SRC, C, COUNT, D, OUT, HALF] = [0, 1, 2, 3, 4, 5];
  const L = locals(6);
  const [I, K, RP, OP] = L.take(I32, 4);
  const [S, V] = L.take(F64, 2);
  return funcBody(L.runs, [
    c32(0), set(I),
    whileBelow(I, COUNT, [
      rowStart(SRC, I, D), set(RP), rowStart(OUT, I, D), set(OP), op.f64Const(0), set(S), c32(0), set(K),
      whileBelow(K, D, [
        at(RP, K), op.f64Load(), at(C, K), op.f64Load(), op.f64Sub, set(V),
        at(OP, K), get(V), op.f64Store(),
        get(S), get(V), get(V), op.f64Mul, op.f64Add, set(S), bump(K, 1),
      ]),
      at(HALF, I), op.f64Const(0.5), get(S), op.f64Mul, op.f64Store(),
      bump(I, 1),
    ]),
  ]);
}

function firstNonFinite(): number[] {
  const [V, COUNT, RESULT] = [0, 1, 2];
  const L = locals(3);
  const [I] = L.take(I32, 1);
  const [X] = L.take(F64, 1);
  return funcBody(L.runs, [
    op.f64Const(-1), set(X), c32(0), set(I),
    whileBelow(I, COUNT, [
      // |v| < ∞ is false exactly for NaN and ±∞; the first such index leaves the loop (br 2: out of if and loop).
      at(V, I), op.f64Load(), op.f64Abs, op.f64Const(Infinity), op.f64Lt, op.i32Eqz,
      op.if, get(I), op.f64ConvertI32U, set(X), op.br(2), op.end,
      bump(I, 1),
    ]),
    get(RESULT), get(X), op.f64Store(),
  ]);
}

/** The module's bytes (shipped pre-generated as `PREP_WASM`; the test of `wasmBinaries.ts` keeps them equal). */
export function prepModuleBytes(): Uint8Array {
  return moduleBytes([
    { name: "addSource", params: [I32, I32, I32, I32, I32], body: addRows(false) },
    { name: "addTarget", params: [I32, I32, I32, I32, I32, I32], body: addRows(true) },
    { name: "fillCentred", params: [I32, I32, I32, I32, I32, I32], body: fillCentred() },
    { name: "firstNonFinite", params: [I32, I32, I32], body: firstNonFinite() },
  ]);
}

interface PrepExports {
  addSource(x: number, a: number, n: number, d: number, centre: number): void;
  addTarget(y: number, b: number, m: number, d: number, centre: number, meanY: number): void;
  fillCentred(src: number, centre: number, count: number, d: number, out: number, halfSq: number): void;
  firstNonFinite(v: number, count: number, result: number): void;
}

/** The part of the WebAssembly JS API used here (the project's `lib` setting has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
}

/** Below this many values the JavaScript loops are used (cheap enough even interpreted). */
export const PREP_MIN_VALUES = 4096;
/**
 * Above this many values the JavaScript loops are used: their cold cost (≈ 20–40 ms at 10⁶ values) is small against
 * such a solve, and the WebAssembly path copies the clouds into a memory kept for the process (8 bytes per value;
 * at n = 20000, d = 64 the scan's 10 MB raised the solve's peak from 168 to 180 MB).
 */
export const PREP_MAX_VALUES = 1 << 18;

/** The one instance, over a memory grown as needed and kept for the process (≤ 8·PREP_MAX_VALUES bytes + vectors). */
let shared: { memory: { readonly buffer: ArrayBuffer; grow(pages: number): number }; exports: PrepExports } | null | undefined;

/**
 * The module's instance with a memory of at least `bytes` bytes (`null` without WebAssembly). One instance serves
 * every call: a fresh memory and instance per call cost ≈ 0.15–0.3 ms, more than the JavaScript loops once V8 has
 * optimized them (small clouds in a loop, e.g. minibatch couplings).
 */
function instantiate(bytes: number): { buffer: ArrayBuffer; exports: PrepExports } | null {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (shared === undefined) {
    shared = null;
    if (api !== undefined) {
      try {
        const memory = new api.Memory({ initial: 1 });
        const instance = new api.Instance(new api.Module(base64Bytes(PREP_WASM)), { env: { memory } });
        shared = { memory, exports: instance.exports as PrepExports };
      } catch {
        shared = null; // no WebAssembly here (the JavaScript loops give the same numbers)
      }
    }
  }
  if (shared === null) return null;
  const need = Math.ceil((bytes + 8) / 65536) - shared.memory.buffer.byteLength / 65536;
  if (need > 0) shared.memory.grow(need);
  return { buffer: shared.memory.buffer, exports: shared.exports };
}

/**
 * Index of the first NaN or ±∞ in `values`, −1 when all are finite; `undefined` when the WebAssembly path does not
 * apply (size outside [{@link PREP_MIN_VALUES}, {@link PREP_MAX_VALUES}] or no WebAssembly): the caller loops.
 */
export function wasmFirstNonFinite(values: Float64Array): number | undefined {
  const count = values.length;
  if (count < PREP_MIN_VALUES || count > PREP_MAX_VALUES) return undefined;
  const wasm = instantiate(8 * count + 8);
  if (wasm === null) return undefined;
  new Float64Array(wasm.buffer, 0, count).set(values);
  wasm.exports.firstNonFinite(0, count, 8 * count);
  return new Float64Array(wasm.buffer, 8 * count, 1)[0];
}

/** Outputs of the centring (see `workspace.ts`): centred points and their half squared norms. */
export interface CentredClouds {
  xs: Float64Array;
  ys: Float64Array;
  halfSqX: Float64Array;
  halfSqY: Float64Array;
}

/**
 * The centring of `workspace.ts` in WebAssembly, bit-identical to its JavaScript loops: fills `out` and returns the
 * weighted means x̄, ȳ (the centre is their midpoint), or returns `undefined` without touching `out` when the
 * WebAssembly path does not apply (see {@link wasmFirstNonFinite}).
 */
export function wasmCentre(
  x: Float64Array, y: Float64Array, a: Float64Array, b: Float64Array, d: number, out: CentredClouds,
): { meanX: Float64Array; meanY: Float64Array } | undefined {
  const n = a.length;
  const m = b.length;
  const values = (n + m) * d;
  if (values < PREP_MIN_VALUES || values > PREP_MAX_VALUES) return undefined;
  // Layout (bytes): x | y | a | b | centre | meanY | halfSqX | halfSqY, all float64; the points are centred in place.
  const yAt = 8 * n * d;
  const aAt = yAt + 8 * m * d;
  const bAt = aAt + 8 * n;
  const centreAt = bAt + 8 * m;
  const meanYAt = centreAt + 8 * d;
  const halfXAt = meanYAt + 8 * d;
  const halfYAt = halfXAt + 8 * n;
  const wasm = instantiate(halfYAt + 8 * m);
  if (wasm === null) return undefined;
  const { buffer, exports: e } = wasm;
  const view = (at: number, length: number) => new Float64Array(buffer, at, length);
  view(0, n * d).set(x);
  view(yAt, m * d).set(y);
  view(aAt, n).set(a);
  view(bAt, m).set(b);
  view(centreAt, 2 * d).fill(0); // the accumulators (centre, meanY): the memory is reused
  e.addSource(0, aAt, n, d, centreAt);
  const meanX = view(centreAt, d).map((c) => 2 * c);
  e.addTarget(yAt, bAt, m, d, centreAt, meanYAt);
  e.fillCentred(0, centreAt, n, d, 0, halfXAt);
  e.fillCentred(yAt, centreAt, m, d, yAt, halfYAt);
  out.xs.set(view(0, n * d));
  out.ys.set(view(yAt, m * d));
  out.halfSqX.set(view(halfXAt, n));
  out.halfSqY.set(view(halfYAt, m));
  return { meanX, meanY: Float64Array.from(view(meanYAt, d)) };
}
