/**
 * A two-lane (`f64x2`) exponential for the WebAssembly SIMD kernels (`denseWasm.ts`, `onlineWasm.ts`), emitted as
 * instructions. Accurate to a few ulps of `Math.exp` over the normal range.
 */
import { op } from "./wasmAssembler.js";
import { VectorConstants } from "./wasmLoops.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** `c_k = 1/k!`, k = 0 … 13: Taylor coefficients of `e^r`; on `|r| ≤ ln2/2` the truncation is `< 5e-18` relative. */
const EXP_TAYLOR = Array.from({ length: 14 }, (_, k) => {
  let f = 1;
  for (let q = 2; q <= k; q++) f *= q;
  return 1 / f;
});

/** The constants of {@link VectorExp}, in the order of its constant locals. */
function constants(floor: number): number[][] {
  const c = op.f64x2Const;
  return [
    ...EXP_TAYLOR.map((v) => c(v)),
    c(710), c(-700), c(1.4426950408889634), c(6.93147180369123816490e-1), c(1.90821492927058770002e-10),
    c(6755399441055744), op.i64x2Const(1023, 1023), c(floor),
  ];
}

/** How many v128 locals {@link VectorExp} needs for its constants. */
export const VEXP_CONSTANTS = 22;

/**
 * `exp` on both lanes of a local `t` (Cody–Waite reduction `t = k ln2 + r`, degree-13 Taylor polynomial in
 * Estrin's form — five dependent multiply–adds instead of thirteen — and `2^k` built from its bits). Lanes with
 * `t < floor` give 0 (so no subnormal results), `t ≥ 709.4` give `Infinity`, NaN stays NaN.
 *
 * With `constLocals` (the first of {@link VEXP_CONSTANTS} consecutive v128 locals, filled by {@link init} before
 * the loop) the constants are read from locals; V8 otherwise rebuilds every `v128.const` from two 64-bit moves at
 * each use, which cost about a third of the time of a sweep's inner loop.
 */
export class VectorExp extends VectorConstants {
  constructor(floor: number, constLocals?: number) {
    super(constants(floor), constLocals);
  }

  /** Leaves `exp(t)` on the stack; uses the scratch v128 locals u, k, r, r2 (`r²`), r4 (`r⁴`). */
  emit(t: number, u: number, k: number, r: number, r2: number, r4: number): number[][] {
    const [MAX, MIN, LOG2E, LN2HI, LN2LO, SHIFTER, BIAS, FLOOR] = [14, 15, 16, 17, 18, 19, 20, 21];
    const mulAdd = (a: number[], b: number[], x: number[]) => [...a, ...b, ...x, ...op.f64x2Mul, ...op.f64x2Add];
    /** `c_{2q} + c_{2q+1} r`. */
    const pair = (q: number) => mulAdd(this.c(2 * q), this.c(2 * q + 1), get(r));
    const low = mulAdd(mulAdd(pair(0), pair(1), get(r2)), mulAdd(pair(2), pair(3), get(r2)), get(r4));
    const high = mulAdd(mulAdd(pair(4), pair(5), get(r2)), pair(6), get(r4));
    return [
      // Clamp with pmin/pmax (one minpd/maxpd each; NaN in t is kept), not the NaN-canonicalizing min/max.
      get(t), this.c(MAX), op.f64x2Pmin, this.c(MIN), op.f64x2Pmax, set(u),
      get(u), this.c(LOG2E), op.f64x2Mul, op.f64x2Nearest, set(k),
      // r = (u − k·ln2_hi) − k·ln2_lo, with ln2_hi of 32 significant bits so k·ln2_hi is exact (fdlibm's split).
      get(u), get(k), this.c(LN2HI), op.f64x2Mul, op.f64x2Sub, get(k), this.c(LN2LO), op.f64x2Mul, op.f64x2Sub, set(r),
      get(r), get(r), op.f64x2Mul, set(r2), get(r2), get(r2), op.f64x2Mul, set(r4),
      // p = low + r⁸ · high with low = Σ_{k<8} c_k r^k, high = Σ_{k<6} c_{8+k} r^k, each from pairs c_{2q} + c_{2q+1} r.
      mulAdd(low, high, [...get(r4), ...get(r4), ...op.f64x2Mul]),
      // 2^k: k + 1.5·2^52 holds k in its low mantissa bits; adding 1023 and shifting by 52 leaves the biased exponent.
      get(k), this.c(SHIFTER), op.f64x2Add, this.c(BIAS), op.i64x2Add, c32(52), op.i64x2Shl, op.f64x2Mul,
      get(t), this.c(FLOOR), op.f64x2Lt, op.v128AndNot,
    ];
  }
}
