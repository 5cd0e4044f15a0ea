/**
 * Storage of the dense backend: the `[n, m]` kernel plus four work vectors, and the three streaming operations on
 * them. Backed by a WebAssembly memory with the SIMD loops of `denseWasm.ts` when available (and the kernel has at
 * least {@link WASM_MIN_ENTRIES} entries), else by ordinary typed arrays with the loops of `denseKernel.ts`.
 * Both give the same results up to summation order. The WebAssembly store can keep the kernel in float32
 * (precision `"single"`): every entry is computed in float64 and rounded once when stored (relative error ≤ 2⁻²⁴,
 * which the dense backend counts in its error bound), and products are accumulated in float64.
 */
import { buildKernelRows, KERNEL_FLOOR, kernelFloor, kernelPlanRows, kernelTimesVector, kernelTransposeTimesVector, rescaleKernelRows } from "./denseKernel.js";
import { denseWasmAvailable, instantiateDenseWasm } from "./denseWasm.js";

/** Smaller kernels use the JavaScript loops (a wasm memory per solve is not worth it). */
export const WASM_MIN_ENTRIES = 1 << 14;

/**
 * Wasm calls cover blocks of rows with about this many kernel entries. V8 first runs wasm in its baseline tier and
 * swaps in optimized code only at a later call, so one call over the whole kernel would stay 3–4× slower.
 */
const ENTRIES_PER_CALL = 1 << 16;

/**
 * Up to this dimension a build computes dot products and exponentials in one fused wasm pass over a
 * coordinate-major copy of y (`buildSmall`), rather than the pairwise `gram` (whose per-pair set-up dominates when
 * there are only a few coordinates) followed by `expand`.
 */
const SMALL_DIM = 4;

/** How kernel entries are stored: float64, or float32 (WebAssembly store only). */
export type KernelPrecision = "double" | "single";

/** The kernel and work vectors, with the streaming operations the dense backend needs. */
export interface DenseStore {
  /** Which loops run the streaming operations. */
  readonly engine: "wasm" | "js";
  /** How the kernel's entries are stored. */
  readonly precision: KernelPrecision;
  /** Natural log of the kernel floor: entries below `e^{floor}` are stored as 0 (`kernelFloor`). */
  readonly floor: number;
  /** Relative error of a stored entry against its float64 value: 0 (double) or 2⁻²⁴ (single). */
  readonly rounding: number;
  /** Row-major `[n, m]` kernel. */
  readonly kernel: Float64Array | Float32Array;
  /** `[n]` input of {@link transposeTimesVector}, row factors of {@link rescale}. */
  readonly rowVec: Float64Array;
  /** `[m]` input of {@link timesVector}, column factors of {@link rescale}. */
  readonly colVec: Float64Array;
  /** `[n]` output of {@link timesVector}. */
  readonly rowOut: Float64Array;
  /** `[m]` output of {@link transposeTimesVector}. */
  readonly colOut: Float64Array;
  /** `rowOut ← K colVec`. */
  timesVector(): void;
  /** `colOut ← Kᵀ rowVec`. */
  transposeTimesVector(): void;
  /** `K ← diag(rowVec) K diag(colVec)`, squared entrywise when `square` (with the kernel floor flush). */
  rescale(square: boolean): void;
  /**
   * Exact build `K_ij = exp(alpha_i + beta_j + invEps · x_i·y_j)` from the centred points `xs` `[n, d]`, `ys` `[m, d]`
   * (see {@link buildKernelRows}); the wasm store computes dot products and exponentials with SIMD.
   */
  build(xs: Float64Array, ys: Float64Array, alpha: Float64Array, beta: Float64Array, invEps: number): void;
  /**
   * Plan pass of `P_ij = rowScale_i K_ij colScale_j` with the cost read back from the kernel,
   * `c_ij = fTilde_i + gTilde_j − ε log K_ij` (see {@link kernelPlanRows}): sets `rowSums` `[n]` and `colSums` `[m]`,
   * returns `Σ P_ij c_ij`. May overwrite the work vectors.
   */
  plan(rowScale: Float64Array, colScale: Float64Array, fTilde: Float64Array, gTilde: Float64Array, epsilon: number, rowSums: Float64Array, colSums: Float64Array): number;
}

/** Columns of y per cache tile of the wasm Gram build: about 32 KiB of coordinates, an even count. */
export function gramTile(d: number): number {
  return Math.max(2, Math.floor(32768 / (16 * d)) * 2);
}

/** Bytes per kernel entry at a precision. */
export function kernelEntryBytes(precision: KernelPrecision): number {
  return precision === "single" ? 4 : 8;
}

/** Whether {@link allocateDenseStore} can give a float32 kernel here (WebAssembly SIMD available). */
export function singleKernelAvailable(): boolean {
  return denseWasmAvailable();
}

/**
 * Allocates a store for an n×m kernel over points of dimension d: wasm when `engine` is `"auto"` (default) and
 * it is available, JavaScript when asked or as the fallback. `precision` `"single"` is honoured by the wasm store
 * only (the JavaScript store is always float64; check `store.precision`). Throws `RangeError` when even the typed
 * arrays cannot be allocated.
 */
export function allocateDenseStore(n: number, m: number, d: number, engine: "auto" | "js" = "auto", precision: KernelPrecision = "double"): DenseStore {
  if (engine === "auto" && n * m >= WASM_MIN_ENTRIES) {
    const store = wasmStore(n, m, d, precision === "single");
    if (store !== null) return store;
  }
  return jsStore(n, m, d);
}

function jsStore(n: number, m: number, d: number): DenseStore {
  const kernel = new Float64Array(n * m);
  const rowVec = new Float64Array(n);
  const colVec = new Float64Array(m);
  const rowOut = new Float64Array(n);
  const colOut = new Float64Array(m);
  return {
    engine: "js", precision: "double", floor: KERNEL_FLOOR, rounding: 0, kernel, rowVec, colVec, rowOut, colOut,
    timesVector: () => kernelTimesVector(kernel, m, colVec, rowOut, 0, n),
    transposeTimesVector: () => {
      colOut.fill(0);
      kernelTransposeTimesVector(kernel, m, rowVec, colOut, 0, n);
    },
    rescale: (square) => rescaleKernelRows(kernel, m, rowVec, colVec, square, 0, n),
    build: (xs, ys, alpha, beta, invEps) => buildKernelRows(kernel, xs, ys, d, m, alpha, beta, invEps, 0, n),
    plan: (rowScale, colScale, fTilde, gTilde, epsilon, rowSums, colSums) => {
      colSums.fill(0);
      return kernelPlanRows(kernel, m, rowScale, colScale, fTilde, gTilde, epsilon, rowSums, colSums, 0, n);
    },
  };
}

function wasmStore(n: number, m: number, d: number, single: boolean): DenseStore | null {
  // Layout (bytes): kernel | rowVec | colVec | rowOut | colOut | xs | ys | fTilde | gTilde | trans | scratch, all
  // 8-byte aligned. Loops that read a pair past the end of a row or vector (odd lengths) stay inside: no read array
  // is last (the scratch, read by `expand` for float32 kernels, has one spare entry).
  const step = 4 * Math.max(1, Math.floor(ENTRIES_PER_CALL / (4 * m)));
  const kernelAt = 0;
  const rowVecAt = kernelAt + 8 * Math.ceil((single ? 4 : 8) * n * m / 8);
  const colVecAt = rowVecAt + 8 * n;
  const rowOutAt = colVecAt + 8 * m;
  const colOutAt = rowOutAt + 8 * n;
  const xsAt = colOutAt + 8 * m;
  const ysAt = xsAt + 8 * n * d;
  // ys holds y row-major for `gram`, or coordinate-major with rows of `stride` bytes for `buildSmall`.
  const stride = 16 * Math.ceil((m + 1) / 2);
  const fTildeAt = ysAt + Math.max(8 * m * d, stride * d);
  const gTildeAt = fTildeAt + 8 * n;
  const transAt = gTildeAt + 8 * m;
  // Float32 kernels: the Gram block of one call (float64, `step` rows) goes to a scratch, then `expand` rounds.
  const scratchAt = transAt + 8 * n;
  const wasm = instantiateDenseWasm(scratchAt + (single && d > SMALL_DIM ? 8 * (step * m + 2) : 0));
  if (wasm === null) return null;
  const { buffer, exports: x } = wasm;
  const loops = single ? x.single : x.double;
  const view = (at: number, length: number) => new Float64Array(buffer, at, length);
  const rows = (run: (r0: number, r1: number) => void) => {
    for (let r0 = 0; r0 < n; r0 += step) run(r0, Math.min(n, r0 + step));
  };
  const kernel = single ? new Float32Array(buffer, kernelAt, n * m) : view(kernelAt, n * m);
  const colOut = view(colOutAt, m);
  return {
    engine: "wasm", precision: single ? "single" : "double", floor: kernelFloor(single), rounding: single ? 2 ** -24 : 0,
    kernel, rowVec: view(rowVecAt, n), colVec: view(colVecAt, m), rowOut: view(rowOutAt, n), colOut,
    timesVector: () => rows((r0, r1) => loops.rowDots(kernelAt, m, colVecAt, rowOutAt, r0, r1)),
    transposeTimesVector: () => {
      colOut.fill(0);
      rows((r0, r1) => loops.colSums(kernelAt, m, rowVecAt, colOutAt, r0, r1));
    },
    rescale: (square) => rows((r0, r1) => (square ? loops.rescaleSquare : loops.rescale)(kernelAt, m, rowVecAt, colVecAt, r0, r1)),
    build: (xs, ys, alpha, beta, invEps) => {
      // alpha, beta are usually the store's own rowVec, colVec (see DenseSweeps), already in the wasm memory.
      if (alpha.buffer !== buffer || alpha.byteOffset !== rowVecAt) view(rowVecAt, n).set(alpha);
      if (beta.buffer !== buffer || beta.byteOffset !== colVecAt) view(colVecAt, m).set(beta);
      const [alphaAt, betaAt] = [rowVecAt, colVecAt];
      view(xsAt, n * d).set(xs);
      if (d <= SMALL_DIM) {
        const ysT = view(ysAt, (stride / 8) * d);
        for (let j = 0; j < m; j++) for (let k = 0; k < d; k++) ysT[k * (stride / 8) + j] = ys[j * d + k];
        rows((r0, r1) => loops.buildSmall(kernelAt, m, alphaAt, betaAt, r0, r1, xsAt, ysAt, d, stride, invEps));
        return;
      }
      view(ysAt, m * d).set(ys);
      const tile = gramTile(d);
      rows((r0, r1) => {
        // The Gram block of rows [r0, r1) in place (float64 kernel) or in the scratch (its row r0 at scratchAt; the
        // offset `scratchAt − 8·r0·m` wraps around in i32 arithmetic when negative, which wasm addresses allow).
        const gramAt = single ? scratchAt : kernelAt + 8 * r0 * m;
        const out = (gramAt - 8 * r0 * m) | 0;
        const even = r1 - ((r1 - r0) & 1);
        if (even > r0) x.gramPairs(xsAt, ysAt, d, out, r0, even, m, tile);
        if (even < r1) x.gram(xsAt, ysAt, d, out, even, r1, m);
        loops.expand(kernelAt, m, alphaAt, betaAt, r0, r1, invEps, gramAt);
      });
    },
    plan: (rowScale, colScale, fTilde, gTilde, epsilon, rowSums, colSums) => {
      view(rowVecAt, n).set(rowScale);
      view(colVecAt, m).set(colScale);
      view(fTildeAt, n).set(fTilde);
      view(gTildeAt, m).set(gTilde);
      colOut.fill(0);
      rows((r0, r1) => loops.planLog(kernelAt, m, rowVecAt, colVecAt, fTildeAt, gTildeAt, rowOutAt, colOutAt, transAt, r0, r1, epsilon));
      rowSums.set(view(rowOutAt, n));
      colSums.set(colOut);
      const trans = view(transAt, n);
      let transport = 0;
      for (let i = 0; i < n; i++) transport += trans[i];
      return transport;
    },
  };
}
