/**
 * A four-lane (`f32x4`) exponential for the single-precision sweeps of `onlineWasmSingle.ts`, emitted as
 * instructions: Cody–Waite reduction `t = k ln2 + r` (`|r| ≤ ln2/2`), degree-6 Taylor polynomial of `e^r` in
 * Estrin's form (truncation `|r|⁷/7! < 1.3e-7` relative, about two float32 ulps) and `2^k` built from its bits.
 * Lanes with `t < floor` give 0, `t > 88.8` give `Infinity` (float32 overflow), NaN stays NaN.
 */
import { op } from "./wasmAssembler.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** How many v128 locals {@link VectorExp32} needs for its constants. */
export const VEXP32_CONSTANTS = 14;

/** Emits `exp` of an f32x4 local, with its constants held in consecutive v128 locals (see {@link VectorExp}). */
export class VectorExp32 {
  private readonly values: number[][];
  private readonly first: number;

  /** `floor` must be ≥ −87 so that results are normal floats. */
  constructor(floor: number, constLocals: number) {
    const c = op.f32x4Const;
    const taylor = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720];
    // ln2 split for float32: the high part has 9 significant bits, so k·ln2_hi is exact for |k| ≤ 2^15.
    this.values = [
      ...taylor.map((v) => c(v)),
      c(89), c(-87), c(Math.LOG2E), c(0.693359375), c(-2.12194440e-4), c(12582912), c(floor),
    ];
    this.first = constLocals;
  }

  /** Instructions that fill the constant locals (once, before the loops). */
  init(): number[][] {
    return this.values.map((v, k) => [...v, ...set(this.first + k)]);
  }

  private c(k: number): number[] {
    return get(this.first + k);
  }

  /** Leaves `exp(t)` (f32x4) on the stack; uses the scratch v128 locals u, k, r, r2. */
  emit(t: number, u: number, k: number, r: number, r2: number): number[][] {
    const [MAX, MIN, LOG2E, LN2HI, LN2LO, SHIFTER, FLOOR] = [7, 8, 9, 10, 11, 12, 13];
    const mulAdd = (a: number[], b: number[], x: number[]) => [...a, ...b, ...x, ...op.f32x4Mul, ...op.f32x4Add];
    const pair = (q: number) => mulAdd(this.c(2 * q), this.c(2 * q + 1), get(r));
    // p = (c0 + c1 r) + r²(c2 + c3 r) + r⁴((c4 + c5 r) + r² c6)
    const r4 = [...get(r2), ...get(r2), ...op.f32x4Mul];
    const poly = [
      ...mulAdd(pair(0), pair(1), get(r2)),
      ...pair(2), ...get(r2), ...this.c(6), ...op.f32x4Mul, ...op.f32x4Add, ...r4, ...op.f32x4Mul, ...op.f32x4Add,
    ];
    return [
      get(t), this.c(MAX), op.f32x4Pmin, this.c(MIN), op.f32x4Pmax, set(u),
      get(u), this.c(LOG2E), op.f32x4Mul, op.f32x4Nearest, set(k),
      get(u), get(k), this.c(LN2HI), op.f32x4Mul, op.f32x4Sub, get(k), this.c(LN2LO), op.f32x4Mul, op.f32x4Sub, set(r),
      get(r), get(r), op.f32x4Mul, set(r2),
      poly,
      // 2^k: k + 1.5·2^23 holds k in its low mantissa bits; adding 127 and shifting by 23 leaves the biased exponent.
      get(k), this.c(SHIFTER), op.f32x4Add, op.i32x4Const(127), op.i32x4Add, c32(23), op.i32x4Shl, op.f32x4Mul,
      get(t), this.c(FLOOR), op.f32x4Lt, op.v128AndNot,
    ];
  }
}
