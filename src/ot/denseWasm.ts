/**
 * WebAssembly SIMD (`f64x2`) versions of the dense backend's streaming loops — `K w`, `Kᵀ w`, the in-place
 * rank-one rescaling, and the dot products `x_i·y_j` and exponentials of a kernel build — over a kernel stored in a
 * wasm memory. Same arithmetic as `denseKernel.ts` (two lanes per instruction, different summation order); measured
 * about 2.5× faster than the scalar JavaScript loops in Node 20 on a 5000×5000 kernel, where they are memory-bound.
 * The kernel loops come twice: for a float64 kernel and for a float32 one (names ending in `32`; entries read into
 * float64, results rounded to float32 when stored, flushed below `KERNEL_FLOOR_SINGLE`), which halves the memory and
 * the bytes each sweep streams. The module is written by `wasmAssembler.ts`; it ships pre-generated in
 * `wasmBinaries.ts` (`npm run gen:wasm`).
 *
 * All functions take i32 byte offsets into the memory: `rowDots(k, m, w, out, r0, r1)` sets
 * `out_i = Σ_j K_ij w_j`; `colSums(k, m, w, out, r0, r1)` adds `Σ_i K_ij w_i` into `out_j` (four rows at a time);
 * `rescale`/`rescaleSquare(k, m, rowF, colF, r0, r1)` set `K_ij ← K_ij rowF_i colF_j` (squared), flushing results
 * below the kernel floor to 0 exactly as {@link rescaleKernelRows}; `gram(x, y, d, out, r0, r1, m)` writes the float64
 * dot products of rows `[r0, r1)` of x with all m rows of y into `out` (row-major, row length m), `gramPairs` the
 * same for an even number of rows in 2×2 register blocks; `expand(k, m, alpha, beta, r0, r1, invEps, g)` turns
 * them into `exp(alpha_i + beta_j + invEps · x_i·y_j)`.
 */
import { kernelFloor } from "./denseKernel.js";
import { buildSmall, expand, gram, gramPairs } from "./denseWasmBuild.js";
import { base64Bytes, F64, funcBody, I32, moduleBytes, op, V128 } from "./wasmAssembler.js";
import { DENSE_WASM } from "./wasmBinaries.js";
import { VectorLog, VLOG_CONSTANTS } from "./wasmLog.js";
import { at, bump, KernelEntries, laneSum, locals, whileBelow, zero128 } from "./wasmLoops.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;


function rowDots(ke: KernelEntries): number[] {
  const [K, M, W, OUT, R0, R1, I, J, RP, M8, A0, A1, A2, A3, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const acc = (a: number, entry: number) => [
    ...get(a), ...ke.at(RP, J), ...ke.loadPair(entry), ...at(W, J), ...op.v128Load(8 * entry), ...op.f64x2Mul, ...op.f64x2Add, ...set(a),
  ];
  return funcBody([[4, I32], [4, V128], [1, F64]], [
    get(M), c32(-8), op.i32And, set(M8), get(R0), set(I),
    whileBelow(I, R1, [
      ke.rowStart(K, I, M), set(RP), zero128, set(A0), zero128, set(A1), zero128, set(A2), zero128, set(A3), c32(0), set(J),
      // Four independent accumulators (eight entries per step) keep the adds from waiting on each other.
      whileBelow(J, M8, [acc(A0, 0), acc(A1, 2), acc(A2, 4), acc(A3, 6), bump(J, 8)]),
      get(A0), get(A1), op.f64x2Add, get(A2), get(A3), op.f64x2Add, op.f64x2Add, op.localTee(A0),
      op.f64x2ExtractLane(0), get(A0), op.f64x2ExtractLane(1), op.f64Add, set(S),
      whileBelow(J, M, [get(S), ke.at(RP, J), ke.loadOne(), at(W, J), op.f64Load(), op.f64Mul, op.f64Add, set(S), bump(J, 1)]),
      at(OUT, I), get(S), op.f64Store(), bump(I, 1),
    ]),
  ]);
}

function colSums(ke: KernelEntries): number[] {
  const [K, M, W, OUT, R0, R1, I, J, P0, P1, P2, P3, M2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [W0, W1, W2, W3] = [13, 14, 15, 16];
  const next = (p: number) => ke.nextRow(p, M);
  const term = (p: number, w: number) => [...ke.at(p, J), ...ke.loadPair(), ...get(w), ...op.f64x2Mul];
  const scalarTerm = (p: number, w: number) => [...ke.at(p, J), ...ke.loadOne(), ...get(w), ...op.f64x2ExtractLane(0), ...op.f64Mul];
  return funcBody([[7, I32], [4, V128]], [
    get(M), c32(-2), op.i32And, set(M2), get(R0), set(I),
    // Blocks of four rows: out_j += (K0j w0 + K1j w1) + (K2j w2 + K3j w3).
    op.block, op.loop, get(I), c32(4), op.i32Add, get(R1), op.i32GtU, op.brIf(1),
    ke.rowStart(K, I, M), set(P0), next(P0), set(P1), next(P1), set(P2), next(P2), set(P3),
    at(W, I), op.f64Load(0), op.f64x2Splat, set(W0), at(W, I), op.f64Load(8), op.f64x2Splat, set(W1),
    at(W, I), op.f64Load(16), op.f64x2Splat, set(W2), at(W, I), op.f64Load(24), op.f64x2Splat, set(W3),
    c32(0), set(J),
    whileBelow(J, M2, [
      at(OUT, J), at(OUT, J), op.v128Load(),
      term(P0, W0), term(P1, W1), op.f64x2Add, term(P2, W2), term(P3, W3), op.f64x2Add, op.f64x2Add, op.f64x2Add,
      op.v128Store(), bump(J, 2),
    ]),
    whileBelow(J, M, [
      at(OUT, J), at(OUT, J), op.f64Load(),
      scalarTerm(P0, W0), scalarTerm(P1, W1), op.f64Add, scalarTerm(P2, W2), scalarTerm(P3, W3), op.f64Add, op.f64Add, op.f64Add,
      op.f64Store(), bump(J, 1),
    ]),
    bump(I, 4), op.br(0), op.end, op.end,
    // Remaining rows one at a time.
    whileBelow(I, R1, [
      ke.rowStart(K, I, M), set(P0), at(W, I), op.f64Load(), op.f64x2Splat, set(W0), c32(0), set(J),
      whileBelow(J, M2, [at(OUT, J), at(OUT, J), op.v128Load(), term(P0, W0), op.f64x2Add, op.v128Store(), bump(J, 2)]),
      whileBelow(J, M, [at(OUT, J), at(OUT, J), op.f64Load(), scalarTerm(P0, W0), op.f64Add, op.f64Store(), bump(J, 1)]),
      bump(I, 1),
    ]),
  ]);
}

function rescale(ke: KernelEntries, square: boolean): number[] {
  const [K, M, RF, CF, R0, R1, I, J, RP, M2, RI, V, FL, RS, VS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const lowest = kernelFloor(ke.single);
  const floor = Math.exp(square ? lowest / 2 : lowest);
  // v < floor ? 0 : (square ? v² : v), as v & ~(v < floor) on both lanes.
  const finish = square ? [...get(V), ...get(V), ...op.f64x2Mul] : get(V);
  const finishScalar = square ? [...get(VS), ...get(VS), ...op.f64Mul] : get(VS);
  return funcBody([[4, I32], [3, V128], [2, F64]], [
    get(M), c32(-2), op.i32And, set(M2), op.f64Const(floor), op.f64x2Splat, set(FL), get(R0), set(I),
    whileBelow(I, R1, [
      ke.rowStart(K, I, M), set(RP), at(RF, I), op.f64Load(), op.localTee(RS), op.f64x2Splat, set(RI), c32(0), set(J),
      whileBelow(J, M2, [
        ke.at(RP, J), ke.at(RP, J), ke.loadPair(), get(RI), op.f64x2Mul, at(CF, J), op.v128Load(), op.f64x2Mul, set(V),
        finish, get(V), get(FL), op.f64x2Lt, op.v128AndNot, ke.storePair(), bump(J, 2),
      ]),
      whileBelow(J, M, [
        ke.at(RP, J), ke.at(RP, J), ke.loadOne(), get(RS), op.f64Mul, at(CF, J), op.f64Load(), op.f64Mul, set(VS),
        op.f64Const(0), finishScalar, get(VS), op.f64Const(floor), op.f64Lt, op.select, ke.storeOne(), bump(J, 1),
      ]),
      bump(I, 1),
    ]),
  ]);
}

/** Plan entries below this are dropped (as `kernelPlanRows`' `PLAN_SKIP`). */
const PLAN_SKIP = Math.exp(-100);

/**
 * Plan pass with the cost read back from the kernel (`kernelPlanRows`, for large d): params
 * (k, m, rowScale, colScale, fTilde, gTilde, rowSums, colSums, trans, r0, r1: i32; eps: f64). For rows `[r0, r1)`,
 * `p_ij = rowScale_i · K_ij · colScale_j` where `p_ij ≥ e^{−100}` (else 0): `rowSums_i = Σ_j p_ij`,
 * `colSums_j += p_ij`, `trans_i = Σ_j p_ij (fTilde_i + gTilde_j − ε log K_ij)`, with the two-lane log of `wasmLog.ts`.
 * An odd last column is computed on a pair whose second lane (read past the row, inside the memory) is masked off.
 */
function planLog(ke: KernelEntries): number[] {
  const [K, M, RS, CS, FT, GT, ROWS, COLS, TRANS, R0, R1, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const L = locals(12);
  const [I, J, RP, M2, JB] = L.take(I32, 5);
  const [RI, FI, EV, SK, AS, AC, KV, P, MK, C, LANE0, E, MM, Z] = L.take(V128, 14);
  const log = new VectorLog(L.take(V128, VLOG_CONSTANTS)[0]);
  const ptr = (base: number) => [...get(base), ...get(JB), ...op.i32Add];
  const entry = (tail: boolean) => [
    ...ke.at(RP, J), ...ke.loadPair(), ...set(KV),
    ...get(RI), ...get(KV), ...op.f64x2Mul, ...ptr(CS), ...op.v128Load(), ...op.f64x2Mul, ...set(P),
    ...get(P), ...get(SK), ...op.f64x2Ge, ...(tail ? [...get(LANE0), ...op.v128And] : []), ...set(MK),
    ...get(P), ...get(MK), ...op.v128And, ...set(P),
    ...get(AS), ...get(P), ...op.f64x2Add, ...set(AS),
    ...(tail
      ? [...ptr(COLS), ...ptr(COLS), ...op.f64Load(), ...get(P), ...op.f64x2ExtractLane(0), ...op.f64Add, ...op.f64Store()]
      : [...ptr(COLS), ...ptr(COLS), ...op.v128Load(), ...get(P), ...op.f64x2Add, ...op.v128Store()]),
    ...get(FI), ...ptr(GT), ...op.v128Load(), ...op.f64x2Add, ...get(EV), ...log.emit(KV, E, MM, Z).flat(), ...op.f64x2Mul, ...op.f64x2Sub, ...set(C),
    ...get(AC), ...get(P), ...get(C), ...op.f64x2Mul, ...get(MK), ...op.v128And, ...op.f64x2Add, ...set(AC),
  ];
  return funcBody(L.runs, [
    ...log.init(), get(EPS), op.f64x2Splat, set(EV), op.f64Const(PLAN_SKIP), op.f64x2Splat, set(SK), op.i64x2Const(-1, 0), set(LANE0),
    get(M), c32(-2), op.i32And, set(M2), get(R0), set(I),
    whileBelow(I, R1, [
      ke.rowStart(K, I, M), set(RP), at(RS, I), op.f64Load(), op.f64x2Splat, set(RI), at(FT, I), op.f64Load(), op.f64x2Splat, set(FI),
      zero128, set(AS), zero128, set(AC), c32(0), set(J), c32(0), set(JB),
      whileBelow(J, M2, [entry(false), bump(J, 2), bump(JB, 16)]),
      op.block, get(J), get(M), op.i32GeU, op.brIf(0), entry(true), op.end,
      at(ROWS, I), laneSum(AS), op.f64Store(), at(TRANS, I), laneSum(AC), op.f64Store(),
      bump(I, 1),
    ]),
  ]);
}

/** One precision's kernel loops (see the module notes; float32 kernels are read and written through float64). */
export interface DenseKernelLoops {
  rowDots(k: number, m: number, w: number, out: number, r0: number, r1: number): void;
  colSums(k: number, m: number, w: number, out: number, r0: number, r1: number): void;
  rescale(k: number, m: number, rowF: number, colF: number, r0: number, r1: number): void;
  rescaleSquare(k: number, m: number, rowF: number, colF: number, r0: number, r1: number): void;
  /** Plan pass with the cost read back from the kernel (see `planLog`). */
  planLog(k: number, m: number, rowScale: number, colScale: number, fTilde: number, gTilde: number, rowSums: number, colSums: number, trans: number, r0: number, r1: number, eps: number): void;
  /** `K_ij ← exp(alpha_i + beta_j + invEps · G_ij)` for rows `[r0, r1)`, `G` from row r0 at `g` (see `expand`). */
  expand(k: number, m: number, alpha: number, beta: number, r0: number, r1: number, invEps: number, g: number): void;
  /** Fused dot products and exponentials for small d (see `buildSmall`). */
  buildSmall(k: number, m: number, alpha: number, beta: number, r0: number, r1: number, xs: number, ysT: number, d: number, stride: number, invEps: number): void;
}

/** The exported functions: the kernel loops for float64 (`double`) and float32 (`single`) kernels, and the Gram loops. */
export interface DenseWasmExports {
  double: DenseKernelLoops;
  single: DenseKernelLoops;
  /** `out_{i·m + j} = x_i · y_j` for rows `[r0, r1)` of `x` `[·, d]` against all `m` rows of `y` (float64). */
  gram(x: number, y: number, d: number, out: number, r0: number, r1: number, m: number): void;
  /** {@link gram} for an even number of rows `r1 − r0`, two rows and two columns at a time, `tile` (even) columns per cache tile. */
  gramPairs(x: number, y: number, d: number, out: number, r0: number, r1: number, m: number, tile: number): void;
}

const LOOP_NAMES = ["rowDots", "colSums", "rescale", "rescaleSquare", "planLog", "expand", "buildSmall"] as const;

/** The part of the WebAssembly JS API used here (the project's `lib` setting has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

/**
 * The module's bytes, written by the assembler (`wasmAssembler.ts`). At run time the copy in `wasmBinaries.ts`
 * (generated from this function by `npm run gen:wasm`, checked equal by a test) is used instead: assembling costs
 * ≈ 25 ms of not-yet-optimized JavaScript in a fresh process, compiling the 7.5 KB module ≈ 1 ms.
 */
export function denseModuleBytes(): Uint8Array {
  const six = new Array(6).fill(I32);
  const loops = (single: boolean) => {
    const ke = new KernelEntries(single);
    const suffix = single ? "32" : "";
    return [
      { name: `rowDots${suffix}`, params: six, body: rowDots(ke) },
      { name: `colSums${suffix}`, params: six, body: colSums(ke) },
      { name: `rescale${suffix}`, params: six, body: rescale(ke, false) },
      { name: `rescaleSquare${suffix}`, params: six, body: rescale(ke, true) },
      { name: `planLog${suffix}`, params: [...six, ...six.slice(0, 5), F64], body: planLog(ke) },
      { name: `expand${suffix}`, params: [...six, F64, I32], body: expand(ke) },
      { name: `buildSmall${suffix}`, params: [...six, I32, I32, I32, I32, F64], body: buildSmall(ke) },
    ];
  };
  return moduleBytes([
    ...loops(false),
    ...loops(true),
    { name: "gram", params: [...six, I32], body: gram() },
    { name: "gramPairs", params: [...six, I32, I32], body: gramPairs() },
  ]);
}

let compiled: object | null | undefined;

/** The compiled module, or `null` where WebAssembly SIMD is unavailable (then the JavaScript loops are used). */
function denseModule(api: WasmApi | undefined): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (api === undefined) return compiled;
  // Compiling validates; a separate `WebAssembly.validate` pass cost ≈ 1–4 ms in a fresh process.
  try {
    compiled = new api.Module(base64Bytes(DENSE_WASM));
  } catch (error) {
    if (!(error instanceof Error && error.name === "CompileError")) throw error;
  }
  return compiled;
}

/** Whether the kernels can run here (WebAssembly with SIMD). */
export function denseWasmAvailable(): boolean {
  return denseModule((globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly) !== null;
}

/**
 * Instantiates the kernels over a fresh memory of at least `bytes` bytes. Returns `null` when WebAssembly SIMD is
 * unavailable or the memory cannot be allocated (a wasm memory is limited to 4 GiB).
 */
export function instantiateDenseWasm(bytes: number): { buffer: ArrayBuffer; exports: DenseWasmExports } | null {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  const mod = denseModule(api);
  const pages = Math.ceil(bytes / 65536);
  if (api === undefined || mod === null || pages > 65536) return null;
  let memory: { readonly buffer: ArrayBuffer };
  try {
    memory = new api.Memory({ initial: pages });
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
  const e = new api.Instance(mod, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
  const loops = (suffix: string) => Object.fromEntries(LOOP_NAMES.map((name) => [name, e[name + suffix]])) as unknown as DenseKernelLoops;
  return { buffer: memory.buffer, exports: { double: loops(""), single: loops("32"), gram: e.gram, gramPairs: e.gramPairs } };
}
