/**
 * Small instruction builders shared by the WebAssembly SIMD loops of the online sweeps (`onlineWasm.ts`,
 * `onlineWasmSingle.ts`) and the dense backend (`denseWasm.ts`, `denseWasmBuild.ts`): address arithmetic, counted
 * loops and local-index allocation.
 */
import { op } from "./wasmAssembler.js";

const { localGet: get, localSet: set, i32Const: c32 } = op;

/** `a + b` of two i32 locals. */
export const add = (a: number, b: number) => [...get(a), ...get(b), ...op.i32Add];
/** `base + (index << shift)`. */
export const scaled = (base: number, index: number, shift: number) => [...get(base), ...get(index), ...c32(shift), ...op.i32Shl, ...op.i32Add];
/** `base + index·8` (entry `index` of a float64 array). */
export const at = (base: number, index: number) => scaled(base, index, 3);
/** `k + i·m·8`: row i of a row-major float64 matrix with m columns. */
export const rowStart = (k: number, i: number, m: number) => [...get(k), ...get(i), ...get(m), ...op.i32Mul, ...c32(3), ...op.i32Shl, ...op.i32Add];
/** An f64x2 zero on the stack. */
export const zero128 = [...op.f64Const(0), ...op.f64x2Splat];
/** Address of coordinate 1 of float64 query i stored by coordinate with byte stride `qs`: `q + qs + 8i`. */
export const queryCoordinate1 = (q: number, qs: number, i: number) => [...get(q), ...get(qs), ...op.i32Add, ...get(i), ...c32(3), ...op.i32Shl, ...op.i32Add];
/** `lane 0 + lane 1` of an f64x2 local. */
export const laneSum = (v: number) => [...get(v), ...op.f64x2ExtractLane(0), ...get(v), ...op.f64x2ExtractLane(1), ...op.f64Add];
/** `local += by` (a constant or the instructions of a value). */
export const bump = (local: number, by: number | number[]) => [...get(local), ...(typeof by === "number" ? c32(by) : by), ...op.i32Add, ...set(local)];
/** `while (index < bound) { body }` (unsigned compare). */
export const whileBelow = (index: number, bound: number, body: number[][]) => [
  ...op.block, ...op.loop, ...get(index), ...get(bound), ...op.i32GeU, ...op.brIf(1), ...body.flat(), ...op.br(0), ...op.end, ...op.end,
];

/** Allocates local indices after `params` parameters: `take(type, count)` returns consecutive indices. */
export function locals(params: number) {
  const runs: [number, number][] = [];
  let next = params;
  return {
    take(type: number, count: number): number[] {
      runs.push([count, type]);
      const ids = Array.from({ length: count }, (_, k) => next + k);
      next += count;
      return ids;
    },
    runs,
  };
}

/**
 * Constants of an emitted vector function (`VectorExp`, `VectorLog`): with `first` (the first of `values.length`
 * consecutive v128 locals, filled by {@link init} before the loop) they are read from locals; without it they are
 * rebuilt from immediates at each use, which V8 does with two 64-bit moves every time.
 */
export class VectorConstants {
  private readonly values: number[][];
  private readonly first: number | undefined;

  constructor(values: number[][], first?: number) {
    this.values = values;
    this.first = first;
  }

  /** Instructions that fill the constant locals (empty without them). */
  init(): number[][] {
    const first = this.first;
    return first === undefined ? [] : this.values.map((v, k) => [...v, ...set(first + k)]);
  }

  /** Constant k on the stack. */
  protected c(k: number): number[] {
    return this.first === undefined ? this.values[k] : get(this.first + k);
  }
}

/**
 * Addressing and access of a row-major kernel stored as float64 (8 bytes per entry) or float32 (`single`, 4 bytes):
 * entries are read as float64 (pairs into an f64x2) and written back from float64, rounded to float32 when single.
 */
export class KernelEntries {
  /** log2 of the bytes per entry. */
  readonly shift: number;
  readonly single: boolean;

  constructor(single: boolean) {
    this.single = single;
    this.shift = single ? 2 : 3;
  }

  /** `k + i·m·bytes`: the start of row i. */
  rowStart(k: number, i: number, m: number): number[] {
    return [...get(k), ...get(i), ...get(m), ...op.i32Mul, ...c32(this.shift), ...op.i32Shl, ...op.i32Add];
  }

  /** `row + j·bytes`: entry j of the row starting at local `row`. */
  at(row: number, j: number): number[] {
    return scaled(row, j, this.shift);
  }

  /** `p + m·bytes`: the next row after the one at local `p`. */
  nextRow(p: number, m: number): number[] {
    return [...get(p), ...get(m), ...c32(this.shift), ...op.i32Shl, ...op.i32Add];
  }

  /** Entries `entry`, `entry + 1` after the address on the stack, as an f64x2. */
  loadPair(entry = 0): number[] {
    return this.single ? [...op.v128Load64Zero(4 * entry), ...op.f64x2PromoteLowF32x4] : op.v128Load(8 * entry);
  }

  /** Stores the f64x2 on the stack as entries `entry`, `entry + 1` after the address below it. */
  storePair(entry = 0): number[] {
    return this.single ? [...op.f32x4DemoteF64x2Zero, ...op.v128Store64Lane0(4 * entry)] : op.v128Store(8 * entry);
  }

  /** The entry at the address on the stack, as an f64. */
  loadOne(): number[] {
    return this.single ? [...op.f32Load(), ...op.f64PromoteF32] : op.f64Load();
  }

  /** Stores the f64 on the stack as the entry at the address below it. */
  storeOne(): number[] {
    return this.single ? [...op.f32DemoteF64, ...op.f32Store()] : op.f64Store();
  }
}
