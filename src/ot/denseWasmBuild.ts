/**
 * WebAssembly SIMD (`f64x2`) loops of the dense backend's exact kernel build `K_ij = exp(alpha_i + beta_j +
 * invEps · x_i·y_j)` (see `denseKernel.ts` `buildKernelRows` for the JavaScript version): `gram`/`gramPairs` write the
 * float64 dot products into the kernel's place (float64 kernels) or a scratch block (float32 kernels), `expand` turns
 * them into the exponentials; `buildSmall` fuses both for small d. Part of the module of `denseWasm.ts` (arguments
 * as documented there); `expand` and `buildSmall` come in a float64 and a float32 version ({@link KernelEntries}).
 */
import { kernelFloor } from "./denseKernel.js";
import { F64, funcBody, I32, op, V128 } from "./wasmAssembler.js";
import { VEXP_CONSTANTS, VectorExp } from "./wasmExp.js";
import { at, bump, type KernelEntries, laneSum, locals, rowStart, whileBelow, zero128 } from "./wasmLoops.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

export function gram(): number[] {
  const [X, Y, D, OUT, R0, R1, M, I, J, XI, YJ, K, D4, O] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [A0, A1, S] = [14, 15, 16];
  return funcBody([[7, I32], [2, V128], [1, F64]], [
    get(D), c32(-4), op.i32And, set(D4), get(R0), set(I),
    whileBelow(I, R1, [
      rowStart(X, I, D), set(XI), rowStart(OUT, I, M), set(O), c32(0), set(J),
      whileBelow(J, M, [
        rowStart(Y, J, D), set(YJ), zero128, set(A0), zero128, set(A1), c32(0), set(K),
        whileBelow(K, D4, [
          get(A0), at(XI, K), op.v128Load(), at(YJ, K), op.v128Load(), op.f64x2Mul, op.f64x2Add, set(A0),
          get(A1), at(XI, K), op.v128Load(16), at(YJ, K), op.v128Load(16), op.f64x2Mul, op.f64x2Add, set(A1),
          bump(K, 4),
        ]),
        get(A0), get(A1), op.f64x2Add, op.localTee(A0), op.f64x2ExtractLane(0), get(A0), op.f64x2ExtractLane(1), op.f64Add, set(S),
        whileBelow(K, D, [get(S), at(XI, K), op.f64Load(), at(YJ, K), op.f64Load(), op.f64Mul, op.f64Add, set(S), bump(K, 1)]),
        at(O, J), get(S), op.f64Store(), bump(J, 1),
      ]),
      bump(I, 1),
    ]),
  ]);
}

/**
 * `gram` for pairs of rows, cache-blocked: for each tile of `tile` columns of y (about 32 KiB, so it stays in L1
 * while every row pair of the call passes over it), rows i, i + 1 of x against columns j, j + 1 share each load
 * (2×2 register block). Coordinates go four per step into two sets of accumulators, so eight independent add
 * chains keep the adder busy (one set would wait on the add latency). `R1 − R0` must be even; an odd last column is
 * done against both rows.
 */
export function gramPairs(): number[] {
  const [X, Y, D, OUT, R0, R1, M, TILE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const L = locals(8);
  const [I, J, JT, JEND, M2, XA, XB, YC, YD, P, DB, DB4, DB2, OA, OB] = L.take(I32, 15);
  const [A00, A01, A10, A11, B00, B01, B10, B11, VA, VB, VC, VD] = L.take(V128, 12);
  const [S00, S01, S10, S11] = L.take(F64, 4);
  const ptr = (base: number) => [...get(base), ...get(P), ...op.i32Add];
  const step = (acc: number[], offset: number) => [
    ...ptr(XA), ...op.v128Load(offset), ...set(VA), ...ptr(XB), ...op.v128Load(offset), ...set(VB),
    ...ptr(YC), ...op.v128Load(offset), ...set(VC), ...ptr(YD), ...op.v128Load(offset), ...set(VD),
    ...[[VA, VC], [VA, VD], [VB, VC], [VB, VD]].flatMap(([u, v], q) => [...get(acc[q]), ...get(u), ...get(v), ...op.f64x2Mul, ...op.f64x2Add, ...set(acc[q])]),
  ];
  const scalar = (sum: number, u: number, v: number) => [
    ...get(sum), ...ptr(u), ...op.f64Load(), ...ptr(v), ...op.f64Load(), ...op.f64Mul, ...op.f64Add, ...set(sum),
  ];
  const A = [A00, A01, A10, A11];
  const B = [B00, B01, B10, B11];
  const S = [S00, S01, S10, S11];
  /** Dot products of rows XA, XB with columns YC, YD into S00 … S11. */
  const block = [
    ...[...A, ...B].flatMap((a) => [...zero128, ...set(a)]), ...c32(0), ...set(P),
    ...whileBelow(P, DB4, [step(A, 0), step(B, 16), bump(P, 32)]),
    ...A.flatMap((a, q) => [...get(a), ...get(B[q]), ...op.f64x2Add, ...set(a)]),
    ...whileBelow(P, DB2, [step(A, 0), bump(P, 16)]),
    ...A.flatMap((a, q) => [...laneSum(a), ...set(S[q])]),
    ...whileBelow(P, DB, [scalar(S00, XA, YC), scalar(S01, XA, YD), scalar(S10, XB, YC), scalar(S11, XB, YD), bump(P, 8)]),
  ];
  const rowPointers = [
    ...get(X), ...get(I), ...get(DB), ...op.i32Mul, ...op.i32Add, ...set(XA), ...get(XA), ...get(DB), ...op.i32Add, ...set(XB),
    ...get(OUT), ...get(I), ...get(M), ...op.i32Mul, ...c32(3), ...op.i32Shl, ...op.i32Add, ...set(OA),
    ...get(OA), ...get(M), ...c32(3), ...op.i32Shl, ...op.i32Add, ...set(OB),
  ];
  const colPointers = (yd: number[]) => [...get(Y), ...get(J), ...get(DB), ...op.i32Mul, ...op.i32Add, ...set(YC), ...yd, ...set(YD)];
  const out = (o: number, sum: number, offset: number) => [...get(o), ...get(J), ...c32(3), ...op.i32Shl, ...op.i32Add, ...get(sum), ...op.f64Store(offset)];
  return funcBody(L.runs, [
    get(D), c32(3), op.i32Shl, set(DB), get(D), c32(-4), op.i32And, c32(3), op.i32Shl, set(DB4),
    get(D), c32(-2), op.i32And, c32(3), op.i32Shl, set(DB2), get(M), c32(-2), op.i32And, set(M2), c32(0), set(JT),
    whileBelow(JT, M2, [
      get(JT), get(TILE), op.i32Add, get(M2), get(JT), get(TILE), op.i32Add, get(M2), op.i32LtU, op.select, set(JEND),
      get(R0), set(I),
      whileBelow(I, R1, [
        rowPointers, get(JT), set(J),
        whileBelow(J, JEND, [
          colPointers([...get(YC), ...get(DB), ...op.i32Add]), block,
          out(OA, S00, 0), out(OA, S01, 8), out(OB, S10, 0), out(OB, S11, 8), bump(J, 2),
        ]),
        bump(I, 2),
      ]),
      get(JT), get(TILE), op.i32Add, set(JT),
    ]),
    // Odd m: the last column against both rows of each pair (as column YD too; those sums are not stored).
    op.block, get(M2), get(M), op.i32GeU, op.brIf(0),
    get(M2), set(J), get(R0), set(I),
    whileBelow(I, R1, [rowPointers, colPointers(get(YC)), block, out(OA, S00, 0), out(OB, S10, 0), bump(I, 2)]),
    op.end,
  ]);
}

/**
 * `K_ij ← exp(alpha_i + beta_j + invEps · G_ij)` for rows `[r0, r1)`, flushed below the floor, with the dot products
 * `G` (float64, row-major, m per row) of row `r0` onwards at `g`: in place (`g` = row r0 of a float64 kernel) or
 * from a scratch block (float32 kernels). Params (k, m, alpha, beta, r0, r1: i32; invEps: f64; g: i32).
 */
export function expand(ke: KernelEntries): number[] {
  const [K, M, ALPHA, BETA, R0, R1, INV, G] = [0, 1, 2, 3, 4, 5, 6, 7];
  const L = locals(8);
  const [I, J, RP, GP, M2] = L.take(I32, 5);
  const [A, IE, T, U, KK, R, R2, R4] = L.take(V128, 8);
  const exponent = [
    get(A), at(BETA, J), op.v128Load(), op.f64x2Add, get(IE), at(GP, J), op.v128Load(), op.f64x2Mul, op.f64x2Add, set(T),
  ];
  // The exponential's constants in locals: rebuilt from immediates at every use they cost about a third.
  const EXP = new VectorExp(kernelFloor(ke.single), L.take(V128, VEXP_CONSTANTS)[0]);
  return funcBody(L.runs, [
    ...EXP.init(), get(M), c32(-2), op.i32And, set(M2), get(INV), op.f64x2Splat, set(IE), get(R0), set(I), get(G), set(GP),
    whileBelow(I, R1, [
      ke.rowStart(K, I, M), set(RP), at(ALPHA, I), op.f64Load(), op.f64x2Splat, set(A), c32(0), set(J),
      whileBelow(J, M2, [ke.at(RP, J), ...exponent, ...EXP.emit(T, U, KK, R, R2, R4), ke.storePair(), bump(J, 2)]),
      // Odd m: the last entry, computed on a pair whose second lane (read past the row, inside the memory) is dropped.
      op.block, get(J), get(M), op.i32GeU, op.brIf(0),
      ke.at(RP, J), ...exponent, ...EXP.emit(T, U, KK, R, R2, R4), op.f64x2ExtractLane(0), ke.storeOne(), op.end,
      bump(I, 1), get(GP), get(M), c32(3), op.i32Shl, op.i32Add, set(GP),
    ]),
  ]);
}

/**
 * Fused build for small d: `K_ij ← exp(alpha_i + beta_j + invEps · x_i·y_j)` from the row-major `xs` and the
 * coordinate-major `ysT` (coordinate k of point j at `ysT + k·stride + 8j`, `stride` ≥ 8·(m + 1) rounded to 16).
 */
export function buildSmall(ke: KernelEntries): number[] {
  const [K, M, ALPHA, BETA, R0, R1, XS, YST, D, STRIDE, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [I, J, RP, M2, XI, KB, KEND, P] = [11, 12, 13, 14, 15, 16, 17, 18];
  const [A, IE, T, S, U, KK, R, R2, R4] = [19, 20, 21, 22, 23, 24, 25, 26, 27];
  const exponent = [
    zero128, set(S), get(YST), get(J), c32(3), op.i32Shl, op.i32Add, set(P), get(XI), set(KB),
    whileBelow(KB, KEND, [
      get(S), get(KB), op.v128Load64Splat(0), get(P), op.v128Load(0), op.f64x2Mul, op.f64x2Add, set(S),
      bump(KB, 8), get(P), get(STRIDE), op.i32Add, set(P),
    ]),
    get(A), at(BETA, J), op.v128Load(), op.f64x2Add, get(IE), get(S), op.f64x2Mul, op.f64x2Add, set(T),
  ].flat();
  const EXP = new VectorExp(kernelFloor(ke.single), R4 + 1);
  return funcBody([[8, I32], [9 + VEXP_CONSTANTS, V128]], [
    ...EXP.init(), get(M), c32(-2), op.i32And, set(M2), get(INV), op.f64x2Splat, set(IE), get(R0), set(I),
    whileBelow(I, R1, [
      ke.rowStart(K, I, M), set(RP), at(ALPHA, I), op.f64Load(), op.f64x2Splat, set(A), c32(0), set(J),
      rowStart(XS, I, D), set(XI), get(XI), get(D), c32(3), op.i32Shl, op.i32Add, set(KEND),
      whileBelow(J, M2, [ke.at(RP, J), exponent, ...EXP.emit(T, U, KK, R, R2, R4), ke.storePair(), bump(J, 2)]),
      op.block, get(J), get(M), op.i32GeU, op.brIf(0),
      ke.at(RP, J), exponent, ...EXP.emit(T, U, KK, R, R2, R4), op.f64x2ExtractLane(0), ke.storeOne(), op.end,
      bump(I, 1),
    ]),
  ]);
}
