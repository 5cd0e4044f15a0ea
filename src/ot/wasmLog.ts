/**
 * A two-lane (`f64x2`) natural logarithm for the WebAssembly SIMD kernels (`denseWasm.ts`), emitted as
 * instructions. For positive normal x: `x = 2^e · m` with `m ∈ [√½, √2)` read from the bits, then
 * `log m = 2 atanh(s) = 2 Σ_k s^{2k+1}/(2k+1)` with `s = (m − 1)/(m + 1)`, `|s| ≤ 0.1716` (Abramowitz & Stegun
 * 4.1.28), twelve terms (truncation below 1e-19 relative), and `log x = e·ln2_hi + (log m + e·ln2_lo)` with fdlibm's
 * split of ln 2 (`e·ln2_hi` exact). Accurate to a few ulps of `Math.log`. Zero, subnormal, infinite and NaN lanes
 * give finite garbage (callers mask them).
 */
import { op } from "./wasmAssembler.js";
import { VectorConstants } from "./wasmLoops.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** `2/(2k+1)`, k = 0 … 11: the series of `log m = s · Σ_k c_k s^{2k}`. */
const ATANH_SERIES = Array.from({ length: 12 }, (_, k) => 2 / (2 * k + 1));

/** ln 2 split so that `e · LN2_HI` is exact for |e| < 2^20: the high part has 32 significant bits (fdlibm). */
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;

/** The constants of {@link VectorLog}, in the order of its constant locals. */
function constants(): number[][] {
  const c = op.f64x2Const;
  return [
    ...ATANH_SERIES.map((v) => c(v)),
    // Exponent: (bits >> 52) | bits(2^52) read as a double is 2^52 + biased exponent.
    op.i64x2Const(0x4330000000000000n, 0x4330000000000000n), c(2 ** 52 + 1023),
    // Mantissa bits, and the bits of 1.0 that make them m ∈ [1, 2).
    op.i64x2Const(0x000fffffffffffffn, 0x000fffffffffffffn), op.i64x2Const(0x3ff0000000000000n, 0x3ff0000000000000n),
    c(Math.SQRT2), c(0.5), c(1), c(LN2_HI), c(LN2_LO),
  ];
}

/** How many v128 locals {@link VectorLog} needs for its constants. */
export const VLOG_CONSTANTS = 21;

/**
 * `log` on both lanes of a local `x`. With `constLocals` (the first of {@link VLOG_CONSTANTS} consecutive v128
 * locals, filled by {@link init} before the loop) the constants are read from locals rather than rebuilt at each
 * use (see `VectorExp`).
 */
export class VectorLog extends VectorConstants {
  constructor(constLocals?: number) {
    super(constants(), constLocals);
  }

  /** Leaves `log(x)` on the stack; uses the scratch v128 locals e (exponent), m (mantissa, then s), z (`s²`). */
  emit(x: number, e: number, m: number, z: number): number[][] {
    const [EXP_BITS, EXP_OFFSET, MANT_MASK, ONE_BITS, SQRT2, HALF, ONE, LN2HI, LN2LO] = [12, 13, 14, 15, 16, 17, 18, 19, 20];
    // Σ_{k<12} c_k z^k in Estrin's form (pairs c_{2q} + c_{2q+1} z, then z², z⁴, z⁸): four dependent multiply–adds
    // instead of eleven. (Of the plan pass's ≈ 8 ns per entry in Node 20, the bit steps take ≈ 1.7, the √2 fold and
    // division ≈ 1.4, the series ≈ 4.5 ns; Estrin shortened the chain but hardly the time.)
    const mulAdd = (a: number[], b: number[], x: number[]) => [...a, ...b, ...x, ...op.f64x2Mul, ...op.f64x2Add];
    const pair = (q: number) => mulAdd(this.c(2 * q), this.c(2 * q + 1), get(z));
    const z2 = [...get(z), ...get(z), ...op.f64x2Mul];
    const z4 = [...z2, ...z2, ...op.f64x2Mul];
    const z8 = [...z4, ...z4, ...op.f64x2Mul];
    const series = mulAdd(mulAdd(mulAdd(pair(0), pair(1), z2), mulAdd(pair(2), pair(3), z2), z4), mulAdd(pair(4), pair(5), z2), z8);
    return [
      get(x), c32(52), op.i64x2ShrU, this.c(EXP_BITS), op.v128Or, this.c(EXP_OFFSET), op.f64x2Sub, set(e),
      get(x), this.c(MANT_MASK), op.v128And, this.c(ONE_BITS), op.v128Or, set(m),
      // m ≥ √2: halve it and count one more in the exponent (the comparison's all-ones lanes select 1.0).
      get(m), this.c(SQRT2), op.f64x2Ge, set(z),
      get(m), this.c(HALF), op.f64x2Mul, get(m), get(z), op.v128Bitselect, set(m),
      get(e), get(z), this.c(ONE), op.v128And, op.f64x2Add, set(e),
      // s = (m − 1)/(m + 1), exact numerator (Sterbenz).
      get(m), this.c(ONE), op.f64x2Sub, get(m), this.c(ONE), op.f64x2Add, op.f64x2Div, set(m),
      get(m), get(m), op.f64x2Mul, set(z),
      get(e), this.c(LN2HI), op.f64x2Mul,
      get(m), series, op.f64x2Mul, get(e), this.c(LN2LO), op.f64x2Mul, op.f64x2Add,
      op.f64x2Add,
    ];
  }
}
