/**
 * Single-precision (`f32x4`) versions of the online log-sum-exp sweeps of `onlineWasm.ts`, for the early, far from
 * converged Sinkhorn iterations (see `SinkhornOptions.precision`): keys and weights `h` stored as float32, the
 * exponent `h_j + invEps · q·k_j − s_i` and its exponential ({@link VectorExp32}) in float32, the sums accumulated
 * in float64. Each term carries a relative error of about `1e-7 · (|h_j| + |q·k_j/ε| + |s_i|)`, so the row
 * log-sums are good to about 1e-5 — far below the marginal errors at which these sweeps are used.
 *
 * `sums2f(k0, k1, h, nk, q, shift, out, r0, r1, invEps)` (d = 2) and
 * `sumsDf(keys, stride, dp, h, nk, q, shift, out, r0, r1, qbuf, d, invEps)` write
 * `out_i = Σ_j exp(h_j + invEps · q_i·k_j − s_i)` like their float64 counterparts; key counts are padded to a
 * multiple of 8, coordinates stored by dimension with a byte `stride`, queries and shifts read as float64.
 */
import { funcBody, I32, op, V128 } from "./wasmAssembler.js";
import { add, bump, laneSum, locals, queryCoordinate1, scaled, whileBelow } from "./wasmLoops.js";
import { VEXP32_CONSTANTS, VectorExp32 } from "./wasmExp32.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** Terms below `e^{FLOOR}` add 0 (and float32 stays normal). */
const FLOOR = -80;
/** Lanes 2, 3 of an f32x4 moved to lanes 0, 1. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

const zero = [...op.f64Const(0), ...op.f64x2Splat];

/** `a += promote(lanes 0,1 of e)`, `b += promote(lanes 2,3 of e)`, for the f32x4 exponential on the stack. */
function accumulate(e: number, a: number, b: number): number[] {
  return [
    ...set(e), ...get(a), ...get(e), ...op.f64x2PromoteLowF32x4, ...op.f64x2Add, ...set(a),
    ...get(b), ...get(e), ...get(e), ...op.i8x16Shuffle(HIGH_HALF), ...op.f64x2PromoteLowF32x4, ...op.f64x2Add, ...set(b),
  ];
}

const finish = (a: number[]) => {
  const [A0, A1, A2, A3] = a;
  return [
    ...get(A0), ...get(A1), ...op.f64x2Add, ...get(A2), ...get(A3), ...op.f64x2Add, ...op.f64x2Add, ...op.localTee(A0),
    ...op.f64x2ExtractLane(0), ...get(A0), ...op.f64x2ExtractLane(1), ...op.f64Add,
  ];
};

/** d = 2: params (k0, k1, h, nk, q, shift, out, r0, r1, qs: i32; invEps: f64); queries by coordinate (onlineWasm.ts). */
export function sums2Single(): number[] {
  const [K0, K1, H, NK, Q, SH, OUT, R0, R1, QS, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const L = locals(11);
  const [I, JB, END] = L.take(I32, 3);
  const [Q0, Q1, S, A0, A1, A2, A3, T0, T1, E, U, KK, R, R2] = L.take(V128, 14);
  const exp = new VectorExp32(FLOOR, L.take(V128, VEXP32_CONSTANTS)[0]);
  const load = (base: number, offset: number) => [...add(base, JB), ...op.v128Load(offset)];
  const term = (t: number, offset: number) => [
    ...load(H, offset), ...get(Q0), ...load(K0, offset), ...op.f32x4Mul, ...op.f32x4Add,
    ...get(Q1), ...load(K1, offset), ...op.f32x4Mul, ...op.f32x4Add, ...get(S), ...op.f32x4Sub, ...set(t),
  ];
  const splatScaled = (address: number[]) => [...address, ...op.f64Load(0), ...get(INV), ...op.f64Mul, ...op.f32DemoteF64, ...op.f32x4Splat];
  return funcBody(L.runs, [
    ...exp.init(), get(NK), c32(2), op.i32Shl, set(END), get(R0), set(I),
    whileBelow(I, R1, [
      splatScaled(scaled(Q, I, 3)), set(Q0), splatScaled(queryCoordinate1(Q, QS, I)), set(Q1),
      scaled(SH, I, 3), op.f64Load(0), op.f32DemoteF64, op.f32x4Splat, set(S),
      zero, set(A0), zero, set(A1), zero, set(A2), zero, set(A3), c32(0), set(JB),
      whileBelow(JB, END, [
        term(T0, 0), ...exp.emit(T0, U, KK, R, R2), accumulate(E, A0, A1),
        term(T1, 16), ...exp.emit(T1, U, KK, R, R2), accumulate(E, A2, A3),
        bump(JB, 32),
      ]),
      scaled(OUT, I, 3), finish([A0, A1, A2, A3]), op.f64Store(), bump(I, 1),
    ]),
  ]);
}

/** Any d: params (keys, stride, dp, h, nk, q, shift, out, r0, r1, qbuf, d, qs: i32; invEps: f64). */
export function sumsDSingle(): number[] {
  const [KEYS, STRIDE, DP, H, NK, Q, SH, OUT, R0, R1, QBUF, D, QS, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const L = locals(14);
  const [I, JB, END, KB, KEND, P, P2, QI] = L.take(I32, 8);
  const [S, A0, A1, A2, A3, T0, T1, T2, T3, QA, QB, E, U, KK, R, R2] = L.take(V128, 16);
  const exp = new VectorExp32(FLOOR, L.take(V128, VEXP32_CONSTANTS)[0]);
  const madd = (t: number, q: number, p: number, offset: number) => [...get(t), ...get(q), ...get(p), ...op.v128Load(offset), ...op.f32x4Mul, ...op.f32x4Add, ...set(t)];
  const combine = (t: number, u: number) => [...get(t), ...get(u), ...op.f32x4Add, ...get(S), ...op.f32x4Sub, ...set(t)];
  return funcBody(L.runs, [
    ...exp.init(), get(NK), c32(2), op.i32Shl, set(END), get(R0), set(I),
    whileBelow(I, R1, [
      // qbuf_k = float32(q_ik · invEps) for k < d (entries d … dp − 1 stay 0).
      scaled(Q, I, 3), set(QI),
      get(QBUF), set(KB), get(QBUF), get(D), c32(2), op.i32Shl, op.i32Add, set(KEND),
      whileBelow(KB, KEND, [get(KB), get(QI), op.f64Load(0), get(INV), op.f64Mul, op.f32DemoteF64, op.f32Store(0), bump(QI, get(QS)), bump(KB, 4)]),
      get(QBUF), get(DP), c32(2), op.i32Shl, op.i32Add, set(KEND),
      scaled(SH, I, 3), op.f64Load(0), op.f32DemoteF64, op.f32x4Splat, set(S),
      zero, set(A0), zero, set(A1), zero, set(A2), zero, set(A3), c32(0), set(JB),
      whileBelow(JB, END, [
        add(H, JB), op.v128Load(0), set(T0), add(H, JB), op.v128Load(16), set(T1),
        zero, set(T2), zero, set(T3), add(KEYS, JB), set(P), get(QBUF), set(KB),
        whileBelow(KB, KEND, [
          get(KB), op.v128Load32Splat(0), set(QA), get(KB), op.v128Load32Splat(4), set(QB), add(P, STRIDE), set(P2),
          madd(T0, QA, P, 0), madd(T1, QA, P, 16), madd(T2, QB, P2, 0), madd(T3, QB, P2, 16),
          add(P2, STRIDE), set(P), bump(KB, 8),
        ]),
        combine(T0, T2), combine(T1, T3),
        ...exp.emit(T0, U, KK, R, R2), accumulate(E, A0, A1), ...exp.emit(T1, U, KK, R, R2), accumulate(E, A2, A3),
        bump(JB, 32),
      ]),
      scaled(OUT, I, 3), finish([A0, A1, A2, A3]), op.f64Store(), bump(I, 1),
    ]),
  ]);
}

/** Query rows per call of {@link sumsDSingleBlock}. */
export const BLOCK_ROWS = 4;

/**
 * Any d, four query rows at a time (register blocking: each pair of key vectors loaded serves four rows, so a
 * coordinate step is 2 loads, 4 broadcasts and 8 multiply–adds for 32 pair-coordinates): params
 * (keys, stride, h, nk, q, shift, out, r0, r1, qbuf, d, qs: i32; invEps: f64), `r1 − r0` a multiple of
 * {@link BLOCK_ROWS}. Same output as {@link sumsDSingle}; the two exponentials of a row's 8 keys are added in
 * float32 before they join the row's float64 sum. `qbuf` holds the 4 scaled queries interleaved by coordinate
 * (`16·d` bytes).
 */
export function sumsDSingleBlock(): number[] {
  const [KEYS, STRIDE, H, NK, Q, SH, OUT, R0, R1, QBUF, D, QS, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const L = locals(13);
  const [I, JB, END, KB, KEND, P, QI] = L.take(I32, 7);
  const S = L.take(V128, BLOCK_ROWS);
  const A = L.take(V128, BLOCK_ROWS);
  const T = L.take(V128, 2 * BLOCK_ROWS);
  const [K0, K1, QV, E, U, KK, R, R2] = L.take(V128, 8);
  const exp = new VectorExp32(FLOOR, L.take(V128, VEXP32_CONSTANTS)[0]);
  const rows = Array.from({ length: BLOCK_ROWS }, (_, r) => r);
  const madd = (t: number, k: number) => [...get(t), ...get(QV), ...get(k), ...op.f32x4Mul, ...op.f32x4Add, ...set(t)];
  const shifted = (t: number, r: number) => [...get(t), ...get(S[r]), ...op.f32x4Sub, ...set(t)];
  return funcBody(L.runs, [
    ...exp.init(), get(NK), c32(2), op.i32Shl, set(END), get(R0), set(I),
    whileBelow(I, R1, [
      // qbuf[4k + r] = float32(q_{i+r, k} · invEps) for k < d.
      scaled(Q, I, 3), set(QI), get(QBUF), set(KB), get(QBUF), get(D), c32(4), op.i32Shl, op.i32Add, set(KEND),
      whileBelow(KB, KEND, [
        ...rows.map((r) => [...get(KB), ...get(QI), ...op.f64Load(8 * r), ...get(INV), ...op.f64Mul, ...op.f32DemoteF64, ...op.f32Store(4 * r)]),
        bump(QI, get(QS)), bump(KB, 16),
      ]),
      ...rows.map((r) => [...scaled(SH, I, 3), ...op.f64Load(8 * r), ...op.f32DemoteF64, ...op.f32x4Splat, ...set(S[r]), ...zero, ...set(A[r])]),
      c32(0), set(JB),
      whileBelow(JB, END, [
        add(H, JB), op.v128Load(0), set(K0), add(H, JB), op.v128Load(16), set(K1),
        ...rows.map((r) => [...get(K0), ...set(T[2 * r]), ...get(K1), ...set(T[2 * r + 1])]),
        add(KEYS, JB), set(P), get(QBUF), set(KB),
        whileBelow(KB, KEND, [
          get(P), op.v128Load(0), set(K0), get(P), op.v128Load(16), set(K1),
          ...rows.map((r) => [...get(KB), ...op.v128Load32Splat(4 * r), ...set(QV), ...madd(T[2 * r], K0), ...madd(T[2 * r + 1], K1)]),
          bump(P, get(STRIDE)), bump(KB, 16),
        ]),
        ...rows.map((r) => [
          ...shifted(T[2 * r], r), ...shifted(T[2 * r + 1], r),
          ...exp.emit(T[2 * r], U, KK, R, R2).flat(), ...set(E), ...exp.emit(T[2 * r + 1], U, KK, R, R2).flat(), ...get(E), ...op.f32x4Add, ...set(E),
          ...get(A[r]), ...get(E), ...op.f64x2PromoteLowF32x4, ...op.f64x2Add,
          ...get(E), ...get(E), ...op.i8x16Shuffle(HIGH_HALF), ...op.f64x2PromoteLowF32x4, ...op.f64x2Add, ...set(A[r]),
        ]),
        bump(JB, 32),
      ]),
      ...rows.map((r) => [...scaled(OUT, I, 3), ...laneSum(A[r]), ...op.f64Store(8 * r)]),
      bump(I, BLOCK_ROWS),
    ]),
  ]);
}
