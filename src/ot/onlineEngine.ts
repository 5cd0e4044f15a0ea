/**
 * Host side of the online backend's WebAssembly SIMD sweeps (`onlineWasm.ts`): one instance per thread and
 * workspace, holding both point clouds by coordinate (in float64 and float32; queries are read from the same
 * float64 arrays, so there is no row-major copy; a parallel solve shares one memory, see `shareOnlineEngine` in
 * `onlineLayout.ts`),
 * and the same contract as {@link lseRows} / {@link planRows}
 * (`lseKernel.ts`), which remain the fallback where WebAssembly SIMD is unavailable.
 *
 * Log-sum-exp rows: `L_i = s_i + log Σ_j exp(h_j + x_i·y_j/ε − s_i)` around the previous value `s_i` (on the first
 * sweep, Jensen's lower bound of `L_i`), accepted when the shifted sum lies in `[1e-3, 1e290]` (so terms flushed
 * below `e^{−600}` weigh less than 1e-257 of it); otherwise the row is recomputed around its exact maximum (the sum
 * is then in `[1, m]`).
 * The result equals the exact log-sum-exp to float64 rounding (Schmitzer 2019 §3.1's stabilization, per row).
 * Memory is O((n + m)·d) per thread.
 */
import { fillCommon, layoutOf, memoryBytes, ONLINE_WASM_MIN_PAIRS, pad8, type Layout } from "./onlineLayout.js";
import { allocateOnlineMemory, instantiateOnlineWasm, type OnlineWasmExports } from "./onlineWasm.js";
import { BLOCK_ROWS } from "./onlineWasmSingle.js";
import type { Workspace } from "./workspace.js";

const ACCEPT_MIN = 1e-3;
const ACCEPT_MAX = 1e290;

/**
 * Wasm calls cover blocks of rows with about this many pair-coordinates: V8 first runs wasm in its baseline tier and
 * swaps in optimized code only at a later call, so one long call would stay in the slow tier.
 */
const PAIRS_PER_CALL = 1 << 16;

/**
 * Any-d sweeps over more keys than fit this many bytes (about half a core's L2) run tile by tile: a tile of keys
 * serves a block of {@link TILE_ROWS} query rows before the next is loaded, and the per-tile sums (maxima) are
 * added (maxed) per row on the host. Without tiling every query row streams all keys from L3 or memory
 * (at n = 20000, d = 64: 5 MB of float32 keys per row).
 */
export const TILE_BYTES = 1 << 19;
const TILE_ROWS = 64;


/** Byte offsets of one side's arrays in the instance memory. */
interface Side {
  /** Coordinates by dimension, `[dp, countPad]`, float64. */
  readonly keys: number;
  /** The same as float32. */
  readonly keys32: number;
  readonly count: number;
  readonly countPad: number;
}

const engines = new WeakMap<Workspace, OnlineEngine | null>();

/** The WebAssembly sweeps of one workspace on the calling thread. */
export class OnlineEngine {
  private readonly ws: Workspace;
  private readonly x: OnlineWasmExports;
  private readonly buffer: ArrayBuffer | SharedArrayBuffer;
  private readonly dp: number;
  private readonly source: Side;
  private readonly target: Side;
  private readonly h: number;
  private readonly h32: number;
  private readonly shift: number;
  private readonly out: number;
  private readonly qbuf: number;
  private readonly qbuf32: number;
  private readonly colSums: number;
  private readonly trans: number;
  /** Half squared norms of the target keys (padded with 0) and of the source queries, for the plan pass. */
  private readonly keyNorms: number;
  private readonly queryNorms: number;
  /** Per-row totals of a tiled sweep. */
  private readonly tileTotals: Float64Array;

  private constructor(ws: Workspace, buffer: ArrayBuffer | SharedArrayBuffer, exports: OnlineWasmExports, lay: Layout, slot: number) {
    const { n, m, d } = ws;
    this.ws = ws;
    this.x = exports;
    this.buffer = buffer;
    this.dp = d + (d % 2);
    const [xsKeys, ysKeys, xsKeys32, ysKeys32, keyNorms, queryNorms] = lay.common;
    const [h, h32, shift, out, qbuf, qbuf32, colSums, trans] = lay.slot.map((at) => lay.commonBytes + slot * lay.slotBytes + at);
    this.source = { keys: xsKeys, keys32: xsKeys32, count: n, countPad: pad8(n) };
    this.target = { keys: ysKeys, keys32: ysKeys32, count: m, countPad: pad8(m) };
    this.h = h;
    this.h32 = h32;
    this.qbuf32 = qbuf32;
    this.shift = shift;
    this.out = out;
    this.qbuf = qbuf;
    this.colSums = colSums;
    this.trans = trans;
    this.keyNorms = keyNorms;
    this.queryNorms = queryNorms;
    this.tileTotals = new Float64Array(Math.max(n, m));
  }

  /**
   * The engine of `ws` on this thread, created on first use; `null` for small problems (under
   * {@link ONLINE_WASM_MIN_PAIRS} pairs) or where WebAssembly SIMD or its memory is unavailable. A workspace from
   * `shareOnlineEngine` uses its shared memory (slot `ws.engineSlot`, default 0); otherwise the engine
   * allocates and fills a private one.
   */
  static of(ws: Workspace): OnlineEngine | null {
    const known = engines.get(ws);
    if (known !== undefined) return known;
    const engine = ws.n * ws.m < ONLINE_WASM_MIN_PAIRS ? null : OnlineEngine.create(ws);
    engines.set(ws, engine);
    return engine;
  }

  private static create(ws: Workspace): OnlineEngine | null {
    const lay = layoutOf(ws.n, ws.m, ws.d);
    const shared = ws.engineMemory;
    const slot = shared === undefined ? 0 : (ws.engineSlot ?? 0);
    if (shared !== undefined && !(Number.isInteger(slot) && slot >= 0 && slot < shared.slots)) {
      throw new RangeError(`OnlineEngine: engine slot ${slot} outside the shared memory's ${shared.slots} slots`);
    }
    const memory = shared?.memory ?? allocateOnlineMemory(memoryBytes(lay, 1));
    if (memory === null) return null;
    const exports = instantiateOnlineWasm(memory);
    if (exports === null) return null;
    if (shared === undefined) fillCommon(memory.buffer, ws, lay);
    return new OnlineEngine(ws, memory.buffer, exports, lay, slot);
  }

  private view(at: number, length: number): Float64Array {
    return new Float64Array(this.buffer, at, length);
  }

  /** Copies `h` `[keys.count]` into the key weights (float64, and float32 when `single`), padding with `−∞`. */
  private loadWeights(h: Float64Array, keys: Side, single: boolean): void {
    const dst = this.view(this.h, keys.countPad);
    dst.set(h);
    dst.fill(-Infinity, keys.count);
    if (single) new Float32Array(this.buffer, this.h32, keys.countPad).set(dst);
  }

  /**
   * The calls of a pass over query rows `[r0, r1)` against `keys` (`bytes` per coordinate): `[a, b, t0, count]` =
   * rows `[a, b)` against keys `[t0, t0 + count)`. Keys that fit {@link TILE_BYTES} (and d = 2, whose loops hold the
   * query in registers) are taken whole in blocks of about {@link PAIRS_PER_CALL} pair-coordinates; larger key sets
   * tile by tile, each tile serving {@link TILE_ROWS} rows before the next.
   */
  private *calls(keys: Side, bytes: number, r0: number, r1: number): Generator<[number, number, number, number]> {
    const tile = Math.max(8, Math.floor(TILE_BYTES / (bytes * this.dp * 8)) * 8);
    if (this.ws.d === 2 || keys.countPad <= tile) {
      const step = Math.max(1, Math.floor(PAIRS_PER_CALL / (keys.countPad * this.dp)));
      for (let a = r0; a < r1; a += step) yield [a, Math.min(r1, a + step), 0, keys.countPad];
      return;
    }
    for (let a = r0; a < r1; a += TILE_ROWS) {
      const b = Math.min(r1, a + TILE_ROWS);
      for (let t0 = 0; t0 < keys.countPad; t0 += tile) yield [a, b, t0, Math.min(tile, keys.countPad - t0)];
    }
  }

  /** `mode` `"sums32"`: the float32 sums of `onlineWasmSingle.ts`. */
  private run(mode: "sums" | "sums32" | "maxes", keys: Side, queries: Side, r0: number, r1: number, invEps: number): void {
    const { d } = this.ws;
    const x = this.x;
    const single = mode === "sums32";
    const bytes = single ? 4 : 8;
    const [base, h, qbuf, stride] = single ? [keys.keys32, this.h32, this.qbuf32, 4 * keys.countPad] : [keys.keys, this.h, this.qbuf, 8 * keys.countPad];
    const qs = 8 * queries.countPad;
    if (d === 2) {
      const f = single ? x.sums2f : mode === "sums" ? x.sums2 : x.maxes2;
      for (const [a, b] of this.calls(keys, bytes, r0, r1)) f(base, base + stride, h, keys.countPad, queries.keys, this.shift, this.out, a, b, qs, invEps);
      return;
    }
    const f = single ? x.sumsDf : mode === "sums" ? x.sumsD : x.maxesD;
    const out = this.view(this.out, queries.count);
    const totals = this.tileTotals;
    for (const [a, b, t0, count] of this.calls(keys, bytes, r0, r1)) {
      // float32 sums: blocks of BLOCK_ROWS rows by the register-blocked loop, the rest row by row.
      const mid = single ? a + Math.floor((b - a) / BLOCK_ROWS) * BLOCK_ROWS : a;
      if (mid > a) x.sumsDf4(base + bytes * t0, stride, h + bytes * t0, count, queries.keys, this.shift, this.out, a, mid, qbuf, d, qs, invEps);
      if (b > mid) f(base + bytes * t0, stride, this.dp, h + bytes * t0, count, queries.keys, this.shift, this.out, mid, b, qbuf, d, qs, invEps);
      if (count === keys.countPad) continue;
      // Tiles: per-row sums (maxima) combined here.
      if (t0 === 0) for (let i = a; i < b; i++) totals[i] = out[i];
      else if (mode === "maxes") for (let i = a; i < b; i++) totals[i] = Math.max(totals[i], out[i]);
      else for (let i = a; i < b; i++) totals[i] += out[i];
      if (t0 + count === keys.countPad) for (let i = a; i < b; i++) out[i] = totals[i];
    }
  }

  /**
   * Replaces non-finite shifts of rows `[r0, r1)` by Jensen's bound `LSE_j(t_j) ≥ mean_j t_j + log m` with
   * `t_j = h_j + q_i·k_j ε⁻¹`, i.e. `mean(h) + q_i·k̄ ε⁻¹ + log m` (k̄ the mean key): O((m + rows)·d) instead of a
   * max pass over all pairs. The shifted sum is then ≥ 1; rows whose terms spread so far that it overflows the
   * acceptance window fall back to the exact two-pass recomputation like any other row.
   */
  private jensenShifts(side: "source" | "target", h: Float64Array, invEps: number, shift: Float64Array, r0: number, r1: number): void {
    let i0 = r0;
    while (i0 < r1 && Number.isFinite(shift[i0])) i0++;
    if (i0 === r1) return;
    const { d } = this.ws;
    const [queries, keys] = side === "source" ? [this.ws.xs, this.ws.ys] : [this.ws.ys, this.ws.xs];
    const count = h.length;
    let hMean = 0;
    for (let j = 0; j < count; j++) hMean += h[j];
    hMean /= count;
    if (!Number.isFinite(hMean)) return;
    const mean = new Float64Array(d);
    for (let j = 0; j < count; j++) for (let k = 0; k < d; k++) mean[k] += keys[j * d + k];
    for (let k = 0; k < d; k++) mean[k] *= invEps / count;
    const base = hMean + Math.log(count);
    for (let i = i0; i < r1; i++) {
      if (Number.isFinite(shift[i])) continue;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += queries[i * d + k] * mean[k];
      shift[i] = base + dot;
    }
  }

  /**
   * Log-sum-exp sweep over rows `[r0, r1)` of `side` (`"source"`: `outX_i = LSE_j(hY_j + x_i·y_j ε⁻¹)`, `"target"`:
   * `outY_j = LSE_i(hX_i + x_i·y_j ε⁻¹)`), updating the shifts; returns how many rows needed the two-pass fallback.
   * `single`: the shifted sums in float32 (log-sums good to about 1e-5; the fallback is always float64).
   */
  lse(side: "source" | "target", invEps: number, r0: number, r1: number, single = false): number {
    const ws = this.ws;
    const [queries, keys] = side === "source" ? [this.source, this.target] : [this.target, this.source];
    const [h, shifts, outs] = side === "source" ? [ws.hY, ws.shiftX, ws.outX] : [ws.hX, ws.shiftY, ws.outY];
    this.loadWeights(h, keys, single);
    const rows = queries.count;
    const shift = this.view(this.shift, rows);
    const out = this.view(this.out, rows);
    shift.set(shifts.subarray(r0, r1), r0);
    // Rows without a finite previous value (the first sweep) start from the Jensen lower bound of their log-sum-exp,
    // or, where it is not finite, from their maximum.
    this.jensenShifts(side, h, invEps, shift, r0, r1);
    let fallbacks = 0;
    for (let i = r0; i < r1; ) {
      if (Number.isFinite(shift[i])) {
        i++;
        continue;
      }
      let e = i + 1;
      while (e < r1 && !Number.isFinite(shift[e])) e++;
      this.run("maxes", keys, queries, i, e, invEps);
      for (let k = i; k < e; k++) shift[k] = out[k];
      fallbacks += e - i;
      i = e;
    }
    this.run(single ? "sums32" : "sums", keys, queries, r0, r1, invEps);
    for (let i = r0; i < r1; i++) {
      let s = shift[i];
      let acc = out[i];
      if (!(acc >= ACCEPT_MIN && acc <= ACCEPT_MAX) && Number.isFinite(s)) {
        this.run("maxes", keys, queries, i, i + 1, invEps);
        s = out[i];
        shift[i] = s;
        fallbacks++;
        if (Number.isFinite(s)) this.run("sums", keys, queries, i, i + 1, invEps);
        acc = out[i];
      }
      // A maximum of −∞ (every weight −∞) gives −∞; NaN/+∞ propagate to the caller's finiteness check.
      const value = Number.isFinite(s) ? s + Math.log(acc) : s;
      outs[i] = value;
      shifts[i] = value;
    }
    return fallbacks;
  }

  /**
   * Plan pass over source rows `[r0, r1)` (the contract of {@link planRows}): row sums into `ws.outX`, column sums
   * added into `colSums` `[m]`; returns this block's `Σ P_ij c_ij`. Runs tile by tile like the sweeps, with the
   * cost in dot-product form (`c_ij = ½‖x_i‖² + ½‖y_j‖² − x_i·y_j` of the centred points).
   */
  plan(invEps: number, r0: number, r1: number, colSums: Float64Array): number {
    const ws = this.ws;
    const { n, m, d } = ws;
    const keys = this.target;
    const h = this.view(this.h, keys.countPad);
    for (let j = 0; j < m; j++) h[j] = ws.hY[j] - ws.halfSqY[j] * invEps;
    h.fill(-Infinity, m);
    const rowConst = this.view(this.shift, n);
    for (let i = r0; i < r1; i++) rowConst[i] = ws.hX[i] - ws.halfSqX[i] * invEps;
    const rowSums = this.view(this.out, n);
    const trans = this.view(this.trans, n);
    rowSums.fill(0, r0, r1);
    trans.fill(0, r0, r1);
    const cols = this.view(this.colSums, keys.countPad);
    cols.fill(0);
    const stride = 8 * keys.countPad;
    const qs = 8 * this.source.countPad;
    for (const [a, b, t0, count] of this.calls(keys, 8, r0, r1)) {
      const at = 8 * t0;
      this.x.plan(keys.keys + at, stride, this.dp, this.h + at, count, this.source.keys, this.shift, this.out, a, b, this.qbuf, d, qs, this.colSums + at, this.trans, this.keyNorms + at, this.queryNorms, invEps);
    }
    let transport = 0;
    for (let i = r0; i < r1; i++) {
      ws.outX[i] = rowSums[i];
      transport += trans[i];
    }
    for (let j = 0; j < m; j++) colSums[j] += cols[j];
    return transport;
  }
}
