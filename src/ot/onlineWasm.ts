/**
 * WebAssembly SIMD (`f64x2`) loops of the online backend's log-sum-exp sweeps and plan pass (see `lseKernel.ts` for
 * the formulas and `onlineEngine.ts` for the host side), emitted by `wasmAssembler.ts` (shipped
 * pre-generated in `wasmBinaries.ts`, `npm run gen:wasm`).
 *
 * Keys are stored by coordinate ("structure of arrays"): coordinate k of key j at `keys + k·stride + 8j`, with the
 * key count padded to a multiple of 4 (padding keys have `h = −∞`, so they add exactly 0) and the dimension padded
 * to an even `dp` (zero coordinates). Queries are read by coordinate too (the query side's float64 keys): coordinate
 * k of query i at `q + k·qs + 8i`, `qs` the last i32 parameter. For query row i with shift `s_i`:
 * - `sums(…)`:  `out_i = Σ_j exp(h_j + invEps · q_i·k_j − s_i)` (terms below `e^{−600}` flushed to 0);
 * - `maxes(…)`: `out_i = max_j (h_j + invEps · q_i·k_j)`, the shift of the exact two-pass fallback;
 * - `plan(…)`:  with `c_ij = qn_i + kn_j − q_i·k_j` (= ½‖q_i − k_j‖² for the half squared norms `qn`, `kn`) and
 *   `p_ij = exp(rc_i + h_j + invEps · q_i·k_j)` (0 below `e^{−100}`): `rowSums_i += Σ_j p_ij`, `colSums_j += p_ij`,
 *   `trans_i += Σ_j p_ij c_ij` (accumulated, so the host can split the keys into tiles).
 * `sums2`/`maxes2` are the d = 2 versions with the query in registers; the others loop over coordinates, two at a
 * time into separate accumulators (four independent add chains per step of four keys; {@link dots}).
 */
import { base64Bytes, F64, funcBody, I32, moduleBytes, op, V128 } from "./wasmAssembler.js";
import { ONLINE_SHARED_WASM, ONLINE_WASM } from "./wasmBinaries.js";
import { add, bump, laneSum, locals, queryCoordinate1, scaled, whileBelow } from "./wasmLoops.js";
import { VEXP_CONSTANTS, VectorExp } from "./wasmExp.js";
import { sums2Single, sumsDSingle, sumsDSingleBlock } from "./onlineWasmSingle.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** Kernel entries below `e^{SUM_FLOOR}` add 0 to a shifted sum (they are below 1e-260 of the shift's term). */
const SUM_FLOOR = -600;
/** Plan entries below `e^{PLAN_FLOOR}` are dropped (as in `planRows`). */
const PLAN_FLOOR = -100;

const splatConst = (v: number) => [...op.f64Const(v), ...op.f64x2Splat];

/** d = 2 sums or maxes: params (k0, k1, h, nk, q, shift, out, r0, r1, qs: i32; invEps: f64). */
function rows2(mode: "sums" | "maxes"): number[] {
  const [K0, K1, H, NK, Q, SH, OUT, R0, R1, QS, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const L = locals(11);
  const [I, JB, END] = L.take(I32, 3);
  const [Q0, Q1, S, A0, A1, T0, T1, U, KK, R, R2, R4] = L.take(V128, 12);
  const exp = new VectorExp(SUM_FLOOR, L.take(V128, VEXP_CONSTANTS)[0]);
  const load = (base: number, offset: number) => [...add(base, JB), ...op.v128Load(offset)];
  const term = (t: number, offset: number) => [
    ...load(H, offset), ...get(Q0), ...load(K0, offset), ...op.f64x2Mul, ...op.f64x2Add,
    ...get(Q1), ...load(K1, offset), ...op.f64x2Mul, ...op.f64x2Add,
    ...(mode === "sums" ? [...get(S), ...op.f64x2Sub] : []), ...set(t),
  ];
  const fold = (a: number, t: number) => mode === "sums"
    ? [...get(a), ...exp.emit(t, U, KK, R, R2, R4).flat(), ...op.f64x2Add, ...set(a)]
    : [...get(a), ...get(t), ...op.f64x2Max, ...set(a)];
  const start = mode === "sums" ? splatConst(0) : splatConst(-Infinity);
  const finish = mode === "sums"
    ? [...get(A0), ...get(A1), ...op.f64x2Add, ...set(A0), ...laneSum(A0)]
    : [...get(A0), ...get(A1), ...op.f64x2Max, ...op.localTee(A0), ...op.f64x2ExtractLane(0), ...get(A0), ...op.f64x2ExtractLane(1), ...op.f64Max];
  return funcBody(L.runs, [
    ...exp.init(), get(NK), c32(3), op.i32Shl, set(END), get(R0), set(I),
    whileBelow(I, R1, [
      scaled(Q, I, 3), op.f64Load(0), get(INV), op.f64Mul, op.f64x2Splat, set(Q0),
      queryCoordinate1(Q, QS, I), op.f64Load(0), get(INV), op.f64Mul, op.f64x2Splat, set(Q1),
      scaled(SH, I, 3), op.f64Load(0), op.f64x2Splat, set(S),
      start, set(A0), start, set(A1), c32(0), set(JB),
      whileBelow(JB, END, [term(T0, 0), fold(A0, T0), term(T1, 16), fold(A1, T1), bump(JB, 32)]),
      scaled(OUT, I, 3), finish, op.f64Store(), bump(I, 1),
    ]),
  ]);
}

/**
 * Writes the scaled query row `qbuf_k = q_{i,k} · scale` (k < d; `q_{i,k}` at `q + k·qs + 8i`) and sets
 * `kend = qbuf + 8·d`. Uses locals qi, kb.
 */
function loadQuery(Q: number, QS: number, D: number, QBUF: number, I: number, QI: number, KB: number, KEND: number, scale: number[]): number[][] {
  return [
    scaled(Q, I, 3), set(QI),
    get(QBUF), set(KB), get(QBUF), get(D), c32(3), op.i32Shl, op.i32Add, set(KEND),
    whileBelow(KB, KEND, [get(KB), get(QI), op.f64Load(0), scale, op.f64Mul, op.f64Store(), bump(QI, get(QS)), bump(KB, 8)]),
  ];
}

/**
 * The dot products `q·k_j` of the query row in `qbuf` (`dp` entries; scaled by ε⁻¹ in the sweeps, unscaled in the
 * plan pass) with keys `j0 … j0 + 3` (byte offset `JB`) into `t0` (keys j0, j0 + 1) and `t1` (j0 + 2, j0 + 3), on
 * top of their values; two coordinates per step, into separate accumulators `t2`, `t3` that are added at the end.
 * Uses the i32 locals p, p2, kb and v128 locals qa, qb.
 */
function dots(
  [KEYS, STRIDE, QBUF, KEND, JB]: number[],
  [P, P2, KB]: number[],
  [T0, T1, T2, T3, QA, QB]: number[],
): number[][] {
  const madd = (t: number, q: number, p: number, offset: number) => [...get(t), ...get(q), ...get(p), ...op.v128Load(offset), ...op.f64x2Mul, ...op.f64x2Add, ...set(t)];
  return [
    splatConst(0), set(T2), splatConst(0), set(T3), add(KEYS, JB), set(P), get(QBUF), set(KB),
    whileBelow(KB, KEND, [
      get(KB), op.v128Load64Splat(0), set(QA), get(KB), op.v128Load64Splat(8), set(QB), add(P, STRIDE), set(P2),
      madd(T0, QA, P, 0), madd(T1, QA, P, 16), madd(T2, QB, P2, 0), madd(T3, QB, P2, 16),
      add(P2, STRIDE), set(P), bump(KB, 16),
    ]),
    get(T0), get(T2), op.f64x2Add, set(T0), get(T1), get(T3), op.f64x2Add, set(T1),
  ];
}

/** Any-d sums or maxes: params (keys, stride, dp, h, nk, q, shift, out, r0, r1, qbuf, d, qs: i32; invEps: f64). */
function rowsD(mode: "sums" | "maxes"): number[] {
  const [KEYS, STRIDE, DP, H, NK, Q, SH, OUT, R0, R1, QBUF, D, QS, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const L = locals(14);
  const [I, JB, END, KB, KEND, P, P2, QI] = L.take(I32, 8);
  const [S, A0, A1, T0, T1, T2, T3, QA, QB, U, KK, R, R2, R4] = L.take(V128, 14);
  const exp = new VectorExp(SUM_FLOOR, L.take(V128, VEXP_CONSTANTS)[0]);
  const shifted = (t: number) => (mode === "sums" ? [...get(t), ...get(S), ...op.f64x2Sub, ...set(t)] : []);
  const fold = (a: number, t: number) => mode === "sums"
    ? [...get(a), ...exp.emit(t, U, KK, R, R2, R4).flat(), ...op.f64x2Add, ...set(a)]
    : [...get(a), ...get(t), ...op.f64x2Max, ...set(a)];
  const start = mode === "sums" ? splatConst(0) : splatConst(-Infinity);
  const finish = mode === "sums"
    ? [...get(A0), ...get(A1), ...op.f64x2Add, ...set(A0), ...laneSum(A0)]
    : [...get(A0), ...get(A1), ...op.f64x2Max, ...op.localTee(A0), ...op.f64x2ExtractLane(0), ...get(A0), ...op.f64x2ExtractLane(1), ...op.f64Max];
  return funcBody(L.runs, [
    ...exp.init(), get(NK), c32(3), op.i32Shl, set(END), get(R0), set(I),
    whileBelow(I, R1, [
      ...loadQuery(Q, QS, D, QBUF, I, QI, KB, KEND, get(INV)),
      get(QBUF), get(DP), c32(3), op.i32Shl, op.i32Add, set(KEND),
      scaled(SH, I, 3), op.f64Load(0), op.f64x2Splat, set(S),
      start, set(A0), start, set(A1), c32(0), set(JB),
      whileBelow(JB, END, [
        add(H, JB), op.v128Load(0), set(T0), add(H, JB), op.v128Load(16), set(T1),
        ...dots([KEYS, STRIDE, QBUF, KEND, JB], [P, P2, KB], [T0, T1, T2, T3, QA, QB]),
        shifted(T0), shifted(T1), fold(A0, T0), fold(A1, T1), bump(JB, 32),
      ]),
      scaled(OUT, I, 3), finish, op.f64Store(), bump(I, 1),
    ]),
  ]);
}

/**
 * Plan pass: params (keys, stride, dp, h, nk, q, rc, rowSums, r0, r1, qbuf, d, qs, colSums, trans, kn, qn: i32;
 * invEps: f64). In the dot-product form of the cost, `c_ij = qn_i + kn_j − q_i·k_j` (`qn`, `kn` the half squared
 * norms) and `p_ij = exp(rc_i + h_j + invEps · q_i·k_j)` with the norms folded into `rc`, `h`; adds
 * `Σ_j p_ij` to `rowSums_i`, `Σ_j p_ij c_ij` to `trans_i` and `p_ij` to `colSums_j`, so the host can run it over
 * tiles of keys.
 */
function plan(): number[] {
  const [KEYS, STRIDE, DP, H, NK, Q, RC, ROWS, R0, R1, QBUF, D, QS, COLS, TRANS, KN, QN, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const L = locals(18);
  const [I, JB, END, KB, KEND, P, P2, QI] = L.take(I32, 8);
  const [RI, NQ, IE, A, AC, T0, T1, T2, T3, QA, QB, E, U, KK, R, R2, R4] = L.take(V128, 17);
  const exp = new VectorExp(PLAN_FLOOR, L.take(V128, VEXP_CONSTANTS)[0]);
  /** Entries of keys `JB + offset` from their dot products in `t`. */
  const entries = (t: number, offset: number) => [
    ...get(RI), ...add(H, JB), ...op.v128Load(offset), ...op.f64x2Add, ...get(t), ...get(IE), ...op.f64x2Mul, ...op.f64x2Add, ...set(E),
    ...exp.emit(E, U, KK, R, R2, R4).flat(), ...set(E),
    ...get(A), ...get(E), ...op.f64x2Add, ...set(A),
    ...get(AC), ...get(E), ...get(NQ), ...add(KN, JB), ...op.v128Load(offset), ...op.f64x2Add, ...get(t), ...op.f64x2Sub, ...op.f64x2Mul, ...op.f64x2Add, ...set(AC),
    ...add(COLS, JB), ...add(COLS, JB), ...op.v128Load(offset), ...get(E), ...op.f64x2Add, ...op.v128Store(offset),
  ];
  const accumulate = (base: number, v: number) => [...scaled(base, I, 3), ...scaled(base, I, 3), ...op.f64Load(0), ...laneSum(v), ...op.f64Add, ...op.f64Store()];
  return funcBody(L.runs, [
    ...exp.init(), get(NK), c32(3), op.i32Shl, set(END), get(INV), op.f64x2Splat, set(IE), get(R0), set(I),
    whileBelow(I, R1, [
      ...loadQuery(Q, QS, D, QBUF, I, QI, KB, KEND, op.f64Const(1)),
      get(QBUF), get(DP), c32(3), op.i32Shl, op.i32Add, set(KEND),
      scaled(RC, I, 3), op.f64Load(0), op.f64x2Splat, set(RI), scaled(QN, I, 3), op.f64Load(0), op.f64x2Splat, set(NQ),
      splatConst(0), set(A), splatConst(0), set(AC), c32(0), set(JB),
      whileBelow(JB, END, [
        splatConst(0), set(T0), splatConst(0), set(T1),
        ...dots([KEYS, STRIDE, QBUF, KEND, JB], [P, P2, KB], [T0, T1, T2, T3, QA, QB]),
        entries(T0, 0), entries(T1, 16), bump(JB, 32),
      ]),
      accumulate(ROWS, A), accumulate(TRANS, AC), bump(I, 1),
    ]),
  ]);
}

/** The exported functions; offsets are byte offsets into the instance's memory (see the module doc). */
export interface OnlineWasmExports {
  sums2(k0: number, k1: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qs: number, invEps: number): void;
  maxes2(k0: number, k1: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qs: number, invEps: number): void;
  sumsD(keys: number, stride: number, dp: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qbuf: number, d: number, qs: number, invEps: number): void;
  maxesD(keys: number, stride: number, dp: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qbuf: number, d: number, qs: number, invEps: number): void;
  plan(keys: number, stride: number, dp: number, h: number, nk: number, q: number, rc: number, rowSums: number, r0: number, r1: number, qbuf: number, d: number, qs: number, colSums: number, trans: number, kn: number, qn: number, invEps: number): void;
  /** {@link sums2} over float32 keys and weights (`onlineWasmSingle.ts`). */
  sums2f(k0: number, k1: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qs: number, invEps: number): void;
  /** {@link sumsD} over float32 keys, weights and scaled query (`onlineWasmSingle.ts`). */
  sumsDf(keys: number, stride: number, dp: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qbuf: number, d: number, qs: number, invEps: number): void;
  /** {@link sumsDf} four rows at a time (`onlineWasmSingle.ts`; `r1 − r0` a multiple of 4, `qbuf` of 16·d bytes). */
  sumsDf4(keys: number, stride: number, h: number, nk: number, q: number, shift: number, out: number, r0: number, r1: number, qbuf: number, d: number, qs: number, invEps: number): void;
}

/** A WebAssembly memory (the part of the JS API used here). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The part of the WebAssembly JS API used here. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The compiled module, for a private memory (`[0]`) and for a shared one (`[1]`); `null` where SIMD is unavailable. */
const compiled: [object | null | undefined, object | null | undefined] = [undefined, undefined];

/**
 * The module's bytes, importing a private or (`shared`) a shared memory, written by the assembler. At run time the
 * copies in `wasmBinaries.ts` (generated from this function by `npm run gen:wasm`, checked equal by a test) are
 * used instead: assembling costs ≈ 25 ms of not-yet-optimized JavaScript in a fresh process.
 */
export function onlineModuleBytes(shared: boolean): Uint8Array {
  const i32 = (count: number) => new Array(count).fill(I32);
  return moduleBytes([
    { name: "sums2", params: [...i32(10), F64], body: rows2("sums") },
    { name: "maxes2", params: [...i32(10), F64], body: rows2("maxes") },
    { name: "sumsD", params: [...i32(13), F64], body: rowsD("sums") },
    { name: "maxesD", params: [...i32(13), F64], body: rowsD("maxes") },
    { name: "plan", params: [...i32(17), F64], body: plan() },
    { name: "sums2f", params: [...i32(10), F64], body: sums2Single() },
    { name: "sumsDf", params: [...i32(13), F64], body: sumsDSingle() },
    { name: "sumsDf4", params: [...i32(12), F64], body: sumsDSingleBlock() },
  ], shared);
}

function onlineModule(api: WasmApi | undefined, shared: boolean): object | null {
  const known = compiled[shared ? 1 : 0];
  if (known !== undefined) return known;
  let mod: object | null = null;
  if (api !== undefined) {
    const bytes = base64Bytes(shared ? ONLINE_SHARED_WASM : ONLINE_WASM);
    if (api.validate(bytes)) mod = new api.Module(bytes);
  }
  compiled[shared ? 1 : 0] = mod;
  return mod;
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * A memory of at least `bytes` bytes — private, or with `shared` a fixed-size shared one (`SharedArrayBuffer`-backed,
 * so that `worker_threads` instantiate the loops over the same memory; see {@link instantiateOnlineWasm}) — or `null`
 * when WebAssembly SIMD is unavailable or the memory cannot be had (a wasm memory is limited to 4 GiB; browsers
 * without cross-origin isolation refuse shared memories).
 */
export function allocateOnlineMemory(bytes: number, shared = false): WasmMemory | null {
  const api = wasmApi();
  const pages = Math.ceil(Math.max(1, bytes) / 65536);
  if (api === undefined || onlineModule(api, shared) === null || pages > 65536) return null;
  try {
    return new api.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) return null;
    throw error;
  }
}

/**
 * Instantiates the loops over `memory` (from {@link allocateOnlineMemory}, possibly received from another thread),
 * or returns `null` when WebAssembly SIMD is unavailable.
 */
export function instantiateOnlineWasm(memory: WasmMemory): OnlineWasmExports | null {
  const api = wasmApi();
  const mod = onlineModule(api, typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer);
  if (api === undefined || mod === null) return null;
  return new api.Instance(mod, { env: { memory } }).exports as OnlineWasmExports;
}
