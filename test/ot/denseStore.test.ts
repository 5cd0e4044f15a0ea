import { describe, expect, it } from "vitest";
import { makeKey, normal2d, uniform } from "../../src/core/rng.js";
import { KERNEL_FLOOR, KERNEL_FLOOR_SINGLE } from "../../src/ot/denseKernel.js";
import { allocateDenseStore, type DenseStore } from "../../src/ot/denseStore.js";
import { moduleBytes, sleb, uleb } from "../../src/ot/wasmAssembler.js";

function maxRelDiff(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < p.length; k++) worst = Math.max(worst, Math.abs(p[k] - q[k]) / Math.max(1e-300, Math.abs(q[k])));
  return worst;
}

describe("dense kernel storage: WebAssembly SIMD loops equal the JavaScript loops", () => {
  // Odd sizes exercise every scalar tail (rows not a multiple of 4, columns not a multiple of 8, d not of 4).
  // d ≤ 4 goes through the fused `buildSmall`, larger d through `gram` + `expand`.
  for (const [n, m, d] of [[133, 157, 2], [129, 131, 3], [130, 161, 7], [131, 128, 64], [131, 129, 9]]) {
    it(`n=${n}, m=${m}, d=${d}`, () => {
      const wasm = allocateDenseStore(n, m, d);
      const js = allocateDenseStore(n, m, d, "js");
      expect(wasm.engine).toBe("wasm");
      expect(js.engine).toBe("js");
      const xs = normal2d(makeKey(n), n, d).data;
      const ys = normal2d(makeKey(m), m, d).data;
      const alpha = uniform(makeKey(1), n, -3, 0);
      const beta = uniform(makeKey(2), m, -3, 0);
      const stores: DenseStore[] = [wasm, js];
      // The store's own row/column vectors as alpha/beta: the wasm store then builds in wasm.
      for (const s of stores) {
        s.rowVec.set(alpha);
        s.colVec.set(beta);
        s.build(xs, ys, s.rowVec, s.colVec, 2.5);
      }
      // Exponents reach |2.5 x·y| ≈ 60 at d = 64; summation order changes them by ≈ |t|·2⁻⁵², relatively.
      expect(maxRelDiff(wasm.kernel, js.kernel)).toBeLessThan(1e-12);
      const rows = uniform(makeKey(3), n, 0, 2);
      const cols = uniform(makeKey(4), m, 0, 2);
      for (const s of stores) {
        s.rowVec.set(rows);
        s.colVec.set(cols);
        s.timesVector();
        s.transposeTimesVector();
      }
      expect(maxRelDiff(wasm.rowOut, js.rowOut)).toBeLessThan(1e-13);
      expect(maxRelDiff(wasm.colOut, js.colOut)).toBeLessThan(1e-13);
      for (const square of [false, true]) {
        for (const s of stores) {
          s.rowVec.set(rows);
          s.colVec.set(cols);
          s.rescale(square);
        }
        expect(maxRelDiff(wasm.kernel, js.kernel)).toBeLessThan(1e-12);
      }
    });
  }

  it("rescaling flushes entries below the kernel floor to 0 on both engines (including the scalar tails)", () => {
    for (const engine of ["auto", "js"] as const) {
      const s = allocateDenseStore(128, 129, 2, engine);
      s.kernel.fill(Math.exp(KERNEL_FLOOR / 2 + 1));
      s.rowVec.fill(1);
      s.colVec.fill(1);
      s.colVec[128] = Math.exp(-3);
      s.colVec[5] = Math.exp(-3);
      s.rescale(true);
      expect(s.kernel[128]).toBe(0);
      expect(s.kernel[5]).toBe(0);
      expect(s.kernel[6] / Math.exp(KERNEL_FLOOR + 2)).toBeCloseTo(1, 12);
    }
  });
});

describe("wasm SIMD exponential of the kernel build", () => {
  it("matches Math.exp to 5e-16 relative (≈ 2 ulp, like fastExp) over [−600, 709], flushes below −600, overflows to Infinity", () => {
    const n = 128, m = 129;
    const s = allocateDenseStore(n, m, 1);
    expect(s.engine).toBe("wasm");
    const alpha = s.rowVec, beta = s.colVec;
    for (let i = 0; i < n; i++) alpha[i] = -650 + (1360 * i) / (n - 1);
    for (let j = 0; j < m; j++) beta[j] = (j - 64) / 37;
    s.build(new Float64Array(n), new Float64Array(m), alpha, beta, 1);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const t = alpha[i] + beta[j];
        const k = s.kernel[i * m + j];
        if (t < KERNEL_FLOOR) expect(k).toBe(0);
        else if (t > 709.8) expect(k).toBe(Infinity);
        else if (t < 709.4) worst = Math.max(worst, Math.abs(k - Math.exp(t)) / Math.exp(t));
      }
    }
    expect(worst).toBeLessThan(5e-16);
  });
});

describe("plan pass with the cost read back from the kernel (large d)", () => {
  it("wasm SIMD log: each entry's −K log K matches Math.log to 4e-16 relative over [e^−99, e^600] (scalar tail too)", () => {
    const [n, m] = [400, 131];
    const s = allocateDenseStore(n, m, 1);
    expect(s.engine).toBe("wasm");
    s.kernel.fill(0);
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      // Log-uniform values, plus 1 and the m = √2 switch of the reduction (2^e·√2 and its neighbours).
      let k = Math.exp(-99 + (699 * i) / (n - 1));
      if (i % 10 === 1) k = 1;
      if (i % 10 === 2) k = 2 ** ((i % 200) - 100) * Math.SQRT2;
      if (i % 10 === 3) k = 2 ** ((i % 200) - 100) * Math.SQRT2 * (1 - 2 ** -52);
      values.push(k);
      s.kernel[i * m + ((7 * i) % m)] = k; // column m − 1 (the odd tail) included
    }
    const ones = [new Float64Array(n).fill(1), new Float64Array(m).fill(1)] as const;
    const rowSums = new Float64Array(n);
    const colSums = new Float64Array(m);
    const transport = s.plan(ones[0], ones[1], new Float64Array(n), new Float64Array(m), 1, rowSums, colSums);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += -values[i] * Math.log(values[i]);
      expect(rowSums[i]).toBe(values[i]);
    }
    expect(Math.abs(transport - sum)).toBeLessThan(1e-13 * Math.abs(sum));
    // Each entry alone (the total is dominated by the largest): the plan's cost is then that entry's −K log K.
    let worst = 0;
    for (let i = 0; i < n; i++) {
      s.kernel.fill(0);
      s.kernel[i * m + ((7 * i) % m)] = values[i];
      const one = s.plan(ones[0], ones[1], new Float64Array(n), new Float64Array(m), 1, rowSums, colSums);
      const want = -values[i] * Math.log(values[i]);
      if (values[i] === 1) expect(one).toBe(0);
      else worst = Math.max(worst, Math.abs(one - want) / Math.abs(want));
      expect(colSums[(7 * i) % m]).toBe(values[i]);
    }
    expect(worst).toBeLessThan(4e-16);
  });

  it("wasm and JavaScript plan passes agree on a built kernel (odd sizes); entries below e^−100 are dropped", () => {
    const [n, m, d] = [131, 129, 64];
    const wasm = allocateDenseStore(n, m, d);
    const js = allocateDenseStore(n, m, d, "js");
    const xs = normal2d(makeKey(5), n, d).data;
    const ys = normal2d(makeKey(6), m, d).data;
    const alpha = uniform(makeKey(7), n, -30, 0);
    const beta = uniform(makeKey(8), m, -30, 0);
    const rowScale = uniform(makeKey(9), n, 0.5, 2);
    const colScale = uniform(makeKey(10), m, 0.5, 2);
    rowScale[3] = Math.exp(-200); // row 3 entirely below the plan floor
    const fTilde = uniform(makeKey(11), n, -1, 1);
    const gTilde = uniform(makeKey(12), m, -1, 1);
    const results = [wasm, js].map((s) => {
      s.rowVec.set(alpha);
      s.colVec.set(beta);
      s.build(xs, ys, s.rowVec, s.colVec, 0.3);
      const rowSums = new Float64Array(n);
      const colSums = new Float64Array(m);
      const transport = s.plan(rowScale, colScale, fTilde, gTilde, 1 / 0.3, rowSums, colSums);
      return { rowSums, colSums, transport };
    });
    expect(results[0].rowSums[3]).toBe(0);
    expect(maxRelDiff(results[0].rowSums, results[1].rowSums)).toBeLessThan(1e-13);
    expect(maxRelDiff(results[0].colSums, results[1].colSums)).toBeLessThan(1e-13);
    expect(Math.abs(results[0].transport - results[1].transport)).toBeLessThan(1e-12 * Math.abs(results[1].transport));
  });
});

describe("wasm assembler", () => {
  it("encodes LEB128 integers and a valid empty module", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    const api = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    expect(api.validate(moduleBytes([]))).toBe(true);
  });
});

describe("float32 kernel (precision \"single\"): every entry is the float64 value rounded once", () => {
  const U = 2 ** -24;
  /** Largest relative difference over entries the float32 kernel can hold (≥ e^−79, ≤ e^88); 0 below its floor. */
  function singleGap(single: ArrayLike<number>, double: ArrayLike<number>): number {
    let worst = 0;
    for (let k = 0; k < double.length; k++) {
      const v = double[k];
      if (v < Math.exp(KERNEL_FLOOR_SINGLE)) expect(single[k]).toBe(0);
      else if (v > Math.exp(-79) && v < Math.exp(88)) worst = Math.max(worst, Math.abs(single[k] - v) / v);
    }
    return worst;
  }

  for (const [n, m, d] of [[133, 157, 2], [130, 161, 7], [131, 129, 64]]) {
    it(`n=${n}, m=${m}, d=${d}: build, K w, Kᵀ w, rescale, square and plan against the float64 JavaScript store`, () => {
      const single = allocateDenseStore(n, m, d, "auto", "single");
      const js = allocateDenseStore(n, m, d, "js");
      expect(single).toMatchObject({ engine: "wasm", precision: "single", floor: KERNEL_FLOOR_SINGLE, rounding: U });
      expect(single.kernel).toBeInstanceOf(Float32Array);
      expect(js.precision).toBe("double");
      const xs = normal2d(makeKey(n), n, d).data;
      const ys = normal2d(makeKey(m), m, d).data;
      const alpha = uniform(makeKey(1), n, -3, 0);
      const beta = uniform(makeKey(2), m, -3, 0);
      for (const s of [single, js]) {
        s.rowVec.set(alpha);
        s.colVec.set(beta);
        s.build(xs, ys, s.rowVec, s.colVec, 2.5);
      }
      // float64 exponent (≈ 1e-14 relative apart) then one rounding
      expect(singleGap(single.kernel, js.kernel)).toBeLessThan(U * (1 + 1e-6));
      const rows = uniform(makeKey(3), n, 0, 2);
      const cols = uniform(makeKey(4), m, 0, 2);
      for (const s of [single, js]) {
        s.rowVec.set(rows);
        s.colVec.set(cols);
        s.timesVector();
        s.transposeTimesVector();
      }
      expect(maxRelDiff(single.rowOut, js.rowOut)).toBeLessThan(U);
      expect(maxRelDiff(single.colOut, js.colOut)).toBeLessThan(U);
      // each in-place update rounds once more; squaring doubles the relative error it starts from
      for (const [square, bound] of [[false, 2], [true, 5]] as const) {
        for (const s of [single, js]) {
          s.rowVec.set(rows);
          s.colVec.set(cols);
          s.rescale(square);
        }
        expect(singleGap(single.kernel, js.kernel), `square ${square}`).toBeLessThan(bound * U * (1 + 1e-6));
      }
      const fTilde = uniform(makeKey(11), n, -1, 1);
      const gTilde = uniform(makeKey(12), m, -1, 1);
      const [a, b] = [uniform(makeKey(9), n, 0.5, 2), uniform(makeKey(10), m, 0.5, 2)];
      const [p, q] = [single, js].map((s) => {
        // rebuilt first: squaring took some entries at d = 64 past float32's range (e^88.7; the backend rebuilds then)
        s.rowVec.set(alpha);
        s.colVec.set(beta);
        s.build(xs, ys, s.rowVec, s.colVec, 2.5);
        const rowSums = new Float64Array(n);
        const colSums = new Float64Array(m);
        return { transport: s.plan(a, b, fTilde, gTilde, 0.4, rowSums, colSums), rowSums, colSums };
      });
      expect(maxRelDiff(p.rowSums, q.rowSums)).toBeLessThan(5 * U);
      expect(maxRelDiff(p.colSums, q.colSums)).toBeLessThan(5 * U);
      expect(Math.abs(p.transport - q.transport)).toBeLessThan(1e-6 * Math.abs(q.transport));
    });
  }

  it("flushes below e^−80, rounds large entries to float32, and stays float64 where asked or in the JavaScript store", () => {
    const [n, m] = [128, 129];
    const s = allocateDenseStore(n, m, 1, "auto", "single");
    for (let i = 0; i < n; i++) s.rowVec[i] = -100 + (180 * i) / (n - 1);
    s.colVec.fill(0);
    s.build(new Float64Array(n), new Float64Array(m), s.rowVec, s.colVec, 1);
    for (let i = 0; i < n; i++) {
      const t = -100 + (180 * i) / (n - 1);
      const k = s.kernel[i * m + 128];
      if (t < KERNEL_FLOOR_SINGLE) expect(k).toBe(0);
      else expect(Math.abs(k - Math.exp(t)) / Math.exp(t)).toBeLessThan(U * (1 + 1e-6));
    }
    expect(allocateDenseStore(n, m, 1, "auto", "double").precision).toBe("double");
    expect(allocateDenseStore(n, m, 1, "js", "single").precision).toBe("double");
  });
});
