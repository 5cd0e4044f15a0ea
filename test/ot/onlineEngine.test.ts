import { describe, expect, it } from "vitest";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { OnlineEngine, TILE_BYTES } from "../../src/ot/onlineEngine.js";
import { shareOnlineEngine } from "../../src/ot/onlineLayout.js";
import { otProblem } from "../../src/ot/problem.js";
import { makeWorkspace, type Workspace } from "../../src/ot/workspace.js";

/** A workspace over Gaussian clouds with arbitrary key weights (n, m deliberately not multiples of 8). */
function workspace(n: number, m: number, d: number, seed: number): Workspace {
  const x = normal2d(makeKey(seed), n, d);
  const y = normal2d(makeKey(seed + 1), m, d);
  const ws = makeWorkspace(otProblem(x, y, { epsilon: 0.1 }), false);
  for (let i = 0; i < n; i++) ws.hX[i] = -Math.log(n) + 4 * Math.sin(3 * i) - 2 * ws.halfSqX[i];
  for (let j = 0; j < m; j++) ws.hY[j] = -Math.log(m) + 4 * Math.cos(5 * j) - 2 * ws.halfSqY[j];
  return ws;
}

/** Plain two-pass log-sum-exp with Math.exp, straight from the definition `LSE_j(h_j + q_i·k_j / ε)`. */
function reference(queries: Float64Array, keys: Float64Array, h: Float64Array, d: number, invEps: number, row: number): number {
  const terms: number[] = [];
  for (let j = 0; j < h.length; j++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += queries[row * d + k] * keys[j * d + k];
    terms.push(h[j] + dot * invEps);
  }
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

describe("WebAssembly online sweeps", () => {
  for (const d of [2, 3, 17]) {
    it(`log-sum-exp rows match the two-pass definition (d = ${d}), in float64 and float32`, () => {
      const [n, m] = [203, 157];
      const ws = workspace(n, m, d, 10 + d);
      const engine = OnlineEngine.of(ws);
      expect(engine).not.toBeNull();
      const invEps = 1 / 0.3;
      // First sweep: no shifts yet; Jensen's bound (mean term + log m) is accepted as the shift of every row.
      expect(engine?.lse("source", invEps, 0, n)).toBe(0);
      const source = Array.from({ length: n }, (_, i) => reference(ws.xs, ws.ys, ws.hY, d, invEps, i));
      for (let i = 0; i < n; i++) expect(Math.abs(ws.outX[i] - source[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(source[i])));
      // Stale shifts (off by 800, beyond float64's exp range) force the per-row fallback; rows 50..99 only.
      for (let i = 50; i < 100; i++) ws.shiftX[i] -= 800;
      expect(engine?.lse("source", invEps, 50, 100)).toBe(50);
      for (let i = 0; i < n; i++) expect(Math.abs(ws.outX[i] - source[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(source[i])));
      // Shifts close to the answer are accepted without fallback; the float32 sums are good to about 1e-5.
      expect(engine?.lse("source", invEps, 0, n, true)).toBe(0);
      for (let i = 0; i < n; i++) expect(Math.abs(ws.outX[i] - source[i])).toBeLessThan(2e-5 * Math.max(1, Math.abs(source[i])));
      engine?.lse("target", invEps, 0, m);
      for (let j = 0; j < m; j += 7) {
        const want = reference(ws.ys, ws.xs, ws.hX, d, invEps, j);
        expect(Math.abs(ws.outY[j] - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
      }
    });
  }

  it("a shared memory serves several threads' engines: clouds written once, each slot its own scratch", () => {
    const [n, m, d] = [203, 157, 17];
    const ws = shareOnlineEngine(workspace(n, m, d, 61), 2);
    expect(ws.engineMemory?.slots).toBe(2);
    expect(ws.engineMemory?.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const first = OnlineEngine.of(ws);
    const second = OnlineEngine.of({ ...ws, engineSlot: 1 });
    expect(first !== null && second !== null && first !== second).toBe(true);
    const invEps = 1 / 0.3;
    // Both engines read the clouds that shareOnlineEngine wrote once (neither fills them); interleaved calls give
    // the definition's values. (Overlapping slots are caught only by truly concurrent threads: the parallel-driver
    // test in sinkhornPrecision.test.ts fails when every thread gets slot 0's scratch.)
    first?.lse("source", invEps, 0, 100);
    second?.lse("target", invEps, 0, m);
    first?.lse("source", invEps, 100, n);
    for (let i = 0; i < n; i += 5) {
      const want = reference(ws.xs, ws.ys, ws.hY, d, invEps, i);
      expect(Math.abs(ws.outX[i] - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    }
    for (let j = 0; j < m; j += 5) {
      const want = reference(ws.ys, ws.xs, ws.hX, d, invEps, j);
      expect(Math.abs(ws.outY[j] - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    }
    expect(() => OnlineEngine.of({ ...ws, engineSlot: 2 })).toThrow(/slot 2 outside/);
    // Below the engine's size threshold there is nothing to share.
    const small = workspace(20, 30, 2, 71);
    expect(shareOnlineEngine(small, 2)).toBe(small);
  });

  it("sweeps over more keys than one cache tile sum (and max) tile by tile to the same values", () => {
    // d = 17 (dp = 18): float64 tiles of 3640 keys, float32 tiles of 7280, so 8000 keys take 3 and 2 tiles
    const [n, m, d] = [37, 8000, 17];
    const ws = workspace(n, m, d, 41);
    const engine = OnlineEngine.of(ws);
    expect(engine).not.toBeNull();
    expect(8 * 18 * 8000).toBeGreaterThan(2 * TILE_BYTES);
    const invEps = 1 / 0.4;
    expect(engine?.lse("source", invEps, 0, n)).toBe(0);
    const want = Array.from({ length: n }, (_, i) => reference(ws.xs, ws.ys, ws.hY, d, invEps, i));
    for (let i = 0; i < n; i++) expect(Math.abs(ws.outX[i] - want[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i])));
    for (let i = 10; i < 20; i++) ws.shiftX[i] -= 800;
    expect(engine?.lse("source", invEps, 0, n)).toBe(10);
    for (let i = 0; i < n; i++) expect(Math.abs(ws.outX[i] - want[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i])));
    expect(engine?.lse("source", invEps, 0, n, true)).toBe(0);
    for (let i = 0; i < n; i++) expect(Math.abs(ws.outX[i] - want[i])).toBeLessThan(2e-5 * Math.max(1, Math.abs(want[i])));
  });

  it("a first sweep whose terms spread beyond the acceptance window, or with a −∞ weight, falls back to the maximum", () => {
    const [n, m, d] = [64, 301, 7];
    const invEps = 1 / 0.5;
    for (const [spread, weight] of [[800, 0], [0, -Infinity]]) {
      const ws = workspace(n, m, d, 7);
      ws.hY[5] += spread;
      ws.hY[9] += weight;
      const engine = OnlineEngine.of(ws);
      for (const single of [false, true]) {
        ws.shiftX.fill(NaN);
        expect(engine?.lse("source", invEps, 0, n, single)).toBe(n);
        for (let i = 0; i < n; i++) {
          const want = reference(ws.xs, ws.ys, ws.hY, d, invEps, i);
          // Rows that overflow are redone in float64; rows shifted by their maximum keep the float32 sums (≈ 1e-5).
          const tol = single && weight === -Infinity ? 2e-5 : 1e-12;
          expect(Math.abs(ws.outX[i] - want)).toBeLessThan(tol * Math.max(1, Math.abs(want)));
        }
      }
    }
  });

  // The second case spans 3 key tiles (8000 keys at d = 17) and runs over a block of rows only.
  for (const [n, m, d, r0, r1] of [[181, 97, 5, 0, 181], [37, 8000, 17, 5, 30]]) {
    it(`plan pass: row sums, column sums and Σ P c from the definition (${m} keys, d = ${d}, rows ${r0}–${r1})`, () => {
      const ws = workspace(n, m, d, 3);
      const invEps = 1 / 0.7;
      for (let i = 0; i < n; i++) ws.hX[i] = -Math.log(n) + 0.3 * Math.sin(i);
      for (let j = 0; j < m; j++) ws.hY[j] = -Math.log(m) + 0.3 * Math.cos(j);
      const engine = OnlineEngine.of(ws);
      expect(engine).not.toBeNull();
      // Column sums are added to what the buffer holds.
      const cols = new Float64Array(m).fill(0.25);
      const transport = engine?.plan(invEps, r0, r1, cols) ?? NaN;
      const wantRows = new Float64Array(n);
      const wantCols = new Float64Array(m).fill(0.25);
      let want = 0;
      for (let i = r0; i < r1; i++) {
        for (let j = 0; j < m; j++) {
          let c = 0;
          for (let k = 0; k < d; k++) c += 0.5 * (ws.xs[i * d + k] - ws.ys[j * d + k]) ** 2;
          const p = Math.exp(ws.hX[i] + ws.hY[j] - c * invEps);
          wantRows[i] += p;
          wantCols[j] += p;
          want += p * c;
        }
      }
      expect(Math.abs(transport - want) / want).toBeLessThan(1e-12);
      for (let i = r0; i < r1; i++) expect(Math.abs(ws.outX[i] - wantRows[i]) / wantRows[i]).toBeLessThan(1e-12);
      for (let j = 0; j < m; j++) expect(Math.abs(cols[j] - wantCols[j]) / wantCols[j]).toBeLessThan(1e-12);
    });
  }

  it("small problems use the JavaScript loops", () => {
    expect(OnlineEngine.of(workspace(100, 100, 2, 1))).toBeNull();
  });
});
