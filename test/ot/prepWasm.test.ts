/**
 * The WebAssembly set-up loops (src/ot/prepWasm.ts) against the JavaScript loops they replace: the centring of a
 * workspace is bit-identical, and the finiteness scan finds the same first bad entry (as otProblem's error shows).
 */
import { describe, expect, it } from "vitest";
import { array2d } from "../../src/core/array2d.js";
import { makeKey, normal2d, uniform } from "../../src/core/rng.js";
import { otProblem } from "../../src/ot/problem.js";
import { PREP_MAX_VALUES, PREP_MIN_VALUES, wasmFirstNonFinite } from "../../src/ot/prepWasm.js";
import { centreClouds } from "../../src/ot/workspace.js";

function bitsEqual(p: Float64Array, q: Float64Array): boolean {
  return p.length === q.length && p.every((v, k) => Object.is(v, q[k]));
}

describe("WebAssembly set-up loops", () => {
  it("centre the clouds bit-identically to the JavaScript loops (one reused memory: smaller after larger problems)", () => {
    for (const [n, m, d] of [[300, 500, 7], [1000, 1000, 64], [3000, 2000, 2]]) {
      const x = normal2d(makeKey(n), n, d).data.map((v, k) => 3 * v + (k % d));
      const y = normal2d(makeKey(m + 1), m, d).data.map((v) => 0.5 * v - 1);
      const a = uniform(makeKey(2), n, 0.1, 1);
      const b = uniform(makeKey(3), m, 0.1, 1);
      const sa = a.reduce((s, v) => s + v, 0);
      const sb = b.reduce((s, v) => s + v, 0);
      const aw = a.map((v) => v / sa);
      const bw = b.map((v) => v / sb);
      expect((n + m) * d).toBeGreaterThanOrEqual(PREP_MIN_VALUES);
      const outs = [0, 1].map(() => ({ xs: new Float64Array(n * d), ys: new Float64Array(m * d), halfSqX: new Float64Array(n), halfSqY: new Float64Array(m) }));
      const wasm = centreClouds(x, y, aw, bw, d, outs[0], "auto");
      const js = centreClouds(x, y, aw, bw, d, outs[1], "js");
      expect(bitsEqual(wasm.meanX, js.meanX) && bitsEqual(wasm.meanY, js.meanY)).toBe(true);
      for (const key of ["xs", "ys", "halfSqX", "halfSqY"] as const) expect(bitsEqual(outs[0][key], outs[1][key]), key).toBe(true);
      // and they are a centring: x̄ − ȳ is unchanged, the centred means are ±(x̄ − ȳ)/2
      let mx = 0;
      for (let i = 0; i < n; i++) mx += aw[i] * outs[0].xs[i * d];
      expect(mx).toBeCloseTo((wasm.meanX[0] - wasm.meanY[0]) / 2, 9);
    }
  });

  it("find the first NaN or infinity, −1 when all are finite, and leave other sizes to the caller", () => {
    const v = normal2d(makeKey(5), 2000, 3).data;
    expect(wasmFirstNonFinite(v)).toBe(-1);
    for (const [k, bad] of [[0, NaN], [4321, Infinity], [5999, -Infinity]] as const) {
      const w = Float64Array.from(v);
      w[k] = bad;
      w[5999 - (k === 5999 ? 1 : 0)] = k === 5999 ? 1 : NaN; // a second bad entry after the first, except at the end
      expect(wasmFirstNonFinite(w)).toBe(k);
    }
    // one memory serves every call: a shorter array after one with a NaN near its end must not see that stale NaN
    expect(wasmFirstNonFinite(v.subarray(0, 5000))).toBe(-1);
    expect(wasmFirstNonFinite(new Float64Array(PREP_MIN_VALUES - 1))).toBeUndefined();
    expect(PREP_MAX_VALUES).toBeGreaterThan(PREP_MIN_VALUES);
  });

  it("otProblem names the row and column of a non-finite coordinate in a large cloud", () => {
    const x = normal2d(makeKey(6), 3000, 4);
    x.data[1234 * 4 + 3] = NaN;
    expect(() => otProblem(x, normal2d(makeKey(7), 3000, 4), { epsilon: 1 })).toThrow(/otProblem: source has a non-finite value NaN at \[1234, 3\]/);
    const y = array2d(Float64Array.from(normal2d(makeKey(8), 3000, 4).data), 3000, 4);
    y.data[7] = -Infinity;
    expect(() => otProblem(normal2d(makeKey(9), 3000, 4), y, { epsilon: 1 })).toThrow(/otProblem: target has a non-finite value -Infinity at \[1, 3\]/);
  });
});
