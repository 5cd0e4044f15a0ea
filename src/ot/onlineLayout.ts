/**
 * Memory layout of the online backend's WebAssembly engines (`onlineEngine.ts`): the part every thread reads (both
 * clouds by coordinate in float64 and float32, keys padded to a multiple of 8 with zero coordinates; their half
 * squared norms), then one slot of scratch arrays per thread. A parallel solve puts the engines of all its threads
 * in one shared memory ({@link shareOnlineEngine}), so the clouds are stored once.
 */
import { allocateOnlineMemory, type WasmMemory } from "./onlineWasm.js";
import { BLOCK_ROWS } from "./onlineWasmSingle.js";
import type { Workspace } from "./workspace.js";

/** Below this many pairs the JavaScript loops are used (a wasm memory is not worth it). */
export const ONLINE_WASM_MIN_PAIRS = 1 << 14;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
/** `count` rounded up to a multiple of 8 (the padded key count). */
export const pad8 = (count: number) => Math.ceil(count / 8) * 8;

/**
 * Where an engine's arrays live in its memory: the read-only part every thread shares (both clouds by coordinate in
 * float64 and float32, their half squared norms), then one slot of scratch arrays per thread.
 */
export interface Layout {
  /** `[xsKeys, ysKeys, xsKeys32, ysKeys32, keyNorms, queryNorms]`. */
  readonly common: number[];
  /** Offsets within a slot: `[h, h32, shift, out, qbuf, qbuf32, colSums, trans]`. */
  readonly slot: number[];
  readonly commonBytes: number;
  readonly slotBytes: number;
}

function offsetsOf(sizes: number[]): { offsets: number[]; bytes: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes.map(align)) {
    offsets.push(at);
    at += size;
  }
  return { offsets, bytes: at };
}

export function layoutOf(n: number, m: number, d: number): Layout {
  const dp = d + (d % 2);
  const rows = Math.max(n, m);
  const common = offsetsOf([8 * dp * pad8(n), 8 * dp * pad8(m), 4 * dp * pad8(n), 4 * dp * pad8(m), 8 * pad8(m), 8 * n]);
  const slot = offsetsOf([8 * pad8(rows), 4 * pad8(rows), 8 * rows, 8 * rows, 8 * dp, 4 * BLOCK_ROWS * dp, 8 * pad8(m), 8 * n]);
  return { common: common.offsets, slot: slot.offsets, commonBytes: common.bytes, slotBytes: slot.bytes };
}

/** Slack after the last array, so no SIMD read near the end can leave the memory. */
const TAIL_BYTES = 64;

/** Memory bytes of an engine with `slots` threads. */
export function memoryBytes(lay: Layout, slots: number): number {
  return lay.commonBytes + slots * lay.slotBytes + TAIL_BYTES;
}

/** Writes the shared part of the layout (clouds by coordinate, float64 and float32; half squared norms). */
export function fillCommon(buffer: ArrayBuffer | SharedArrayBuffer, ws: Workspace, lay: Layout): void {
  const { n, m, d } = ws;
  const dp = d + (d % 2);
  const [xsKeys, ysKeys, xsKeys32, ysKeys32, keyNorms, queryNorms] = lay.common;
  new Float64Array(buffer, keyNorms, m).set(ws.halfSqY);
  new Float64Array(buffer, queryNorms, n).set(ws.halfSqX);
  for (const [points, count, at, at32] of [[ws.xs, n, xsKeys, xsKeys32], [ws.ys, m, ysKeys, ysKeys32]] as const) {
    const countPad = pad8(count);
    const keys = new Float64Array(buffer, at, dp * countPad);
    const keys32 = new Float32Array(buffer, at32, dp * countPad);
    for (let j = 0; j < count; j++) {
      for (let k = 0; k < d; k++) {
        keys[k * countPad + j] = points[j * d + k];
        keys32[k * countPad + j] = points[j * d + k];
      }
    }
  }
}

/** The online engine's memory shared by the threads of a parallel solve, and how many thread slots it has. */
export interface SharedEngineMemory {
  readonly memory: WasmMemory;
  readonly slots: number;
}

/**
 * `ws` with one shared WebAssembly memory for the engines of `slots` threads (slot 0 the calling thread; a worker
 * sets `engineSlot` on its copy of the workspace): the clouds are written once, here, and each thread adds only its
 * scratch slot — at n = m = 20000, d = 64 one copy of the clouds (31 MB) instead of one per thread. Returns `ws`
 * itself where the engine would not run (small problems, no WebAssembly SIMD, no shared memory).
 */
export function shareOnlineEngine(ws: Workspace, slots: number): Workspace {
  if (ws.n * ws.m < ONLINE_WASM_MIN_PAIRS) return ws;
  const lay = layoutOf(ws.n, ws.m, ws.d);
  const memory = allocateOnlineMemory(memoryBytes(lay, slots), true);
  if (memory === null) return ws;
  fillCommon(memory.buffer, ws, lay);
  return { ...ws, engineMemory: { memory, slots } };
}

