import { describe, expect, it } from "vitest";
import type { Array2D } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { isToyName, sampleToy, TOY_NAMES, type ToyName } from "../../src/data/toys.js";

const N = 20_000;

/** Sample mean and its standard error. */
function meanSe(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  return { mean: m, se: Math.sqrt(v / (n - 1) / n) };
}

/** Asserts a sample mean is within 5 standard errors of `expected`. */
function expectMean(values: ArrayLike<number>, expected: number): void {
  const { mean, se } = meanSe(values);
  expect(Math.abs(mean - expected)).toBeLessThan(5 * se);
}

function column(x: Array2D, j: number, rows?: number[]): Float64Array {
  const idx = rows ?? Array.from({ length: x.rows }, (_, i) => i);
  return Float64Array.from(idx, (i) => x.data[i * x.cols + j]);
}

function norms2(x: Array2D): Float64Array {
  return Float64Array.from({ length: x.rows }, (_, i) => x.data[2 * i] ** 2 + x.data[2 * i + 1] ** 2);
}

const samples = new Map<ToyName, Array2D>(TOY_NAMES.map((name, k) => [name, sampleToy(name, N, makeKey(100 + k))]));
const get = (name: ToyName): Array2D => samples.get(name) as Array2D;

describe("sampleToy: common contract", () => {
  it.each(TOY_NAMES)("%s has shape [n, 2], no NaN, and is keyed", (name) => {
    const x = get(name);
    expect([x.rows, x.cols, x.data.length]).toEqual([N, 2, 2 * N]);
    expect(x.data.every(Number.isFinite)).toBe(true);
    const a = sampleToy(name, 501, makeKey(7));
    const b = sampleToy(name, 501, makeKey(7));
    const c = sampleToy(name, 501, makeKey(8));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it.each(TOY_NAMES)("%s returns exactly n rows for small and odd n", (name) => {
    for (const n of [0, 1, 2, 7, 13]) {
      const x = sampleToy(name, n, makeKey(n));
      expect([x.rows, x.cols, x.data.length]).toEqual([n, 2, 2 * n]);
    }
  });

  it("rejects unknown names and bad n", () => {
    expect(() => sampleToy("spiral" as ToyName, 10, makeKey(0))).toThrow(/sampleToy: name must be one of 8gaussians, moons, circles, rings, swissroll, pinwheel, 2spirals, checkerboard/);
    for (const n of [-1, 1.5, Number.NaN, Infinity]) expect(() => sampleToy("moons", n, makeKey(0))).toThrow(/sampleToy: n must be an integer/);
    expect(isToyName("moons")).toBe(true);
    expect(isToyName("Moons")).toBe(false);
    expect(TOY_NAMES).toHaveLength(8);
  });
});

describe("sampleToy: geometry of each toy", () => {
  it("8gaussians: eight equal clusters at radius 4/1.414 with std 0.5/1.414, mean 0", () => {
    const x = get("8gaussians");
    const rc = 4 / 1.414;
    const sigma = 0.5 / 1.414;
    const centres = Array.from({ length: 8 }, (_, k) => [rc * Math.cos((k * Math.PI) / 4), rc * Math.sin((k * Math.PI) / 4)]);
    const nearest = (i: number): [number, number] => {
      let best = 0;
      let bestD2 = Infinity;
      centres.forEach(([cx, cy], k) => {
        const d2 = (x.data[2 * i] - cx) ** 2 + (x.data[2 * i + 1] - cy) ** 2;
        if (d2 < bestD2) [best, bestD2] = [k, d2];
      });
      return [best, bestD2];
    };
    const counts = new Array<number>(8).fill(0);
    const d2 = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const [k, dist2] = nearest(i);
      counts[k]++;
      d2[i] = dist2;
    }
    // Nearest-centre misassignment is ~0.2% (half spacing ≈ 3σ); counts are balanced by construction.
    for (const c of counts) expect(Math.abs(c / N - 1 / 8)).toBeLessThan(0.005);
    // ‖x − c‖² ~ σ²χ²₂: mean 2σ², standard error 2σ²/√N.
    expect(Math.abs(meanSe(d2).mean - 2 * sigma ** 2)).toBeLessThan((5 * 2 * sigma ** 2) / Math.sqrt(N));
    expectMean(column(x, 0), 0);
    expectMean(column(x, 1), 0);
    // Rows are shuffled: a prefix of 800 of 8000 points has about 100 in every cluster (sd ≈ 9.4).
    const prefix = new Array<number>(8).fill(0);
    for (let i = 0; i < 800; i++) prefix[nearest(i)[0]]++;
    for (const c of prefix) expect(Math.abs(c - 100)).toBeLessThan(45);
  });

  it("moons: two half circles of radius 2 with the closed-form half means", () => {
    const x = get("moons");
    // Distance to the noiseless arcs: outer centre (−1,−0.2) upper half, inner centre (1,0.8) lower half.
    const arcDistance = (px: number, py: number, cx: number, cy: number, upper: boolean): number => {
      const onSide = upper ? py >= cy : py <= cy;
      if (onSide) return Math.abs(Math.hypot(px - cx, py - cy) - 2);
      return Math.min(Math.hypot(px - cx - 2, py - cy), Math.hypot(px - cx + 2, py - cy));
    };
    const outer: number[] = [];
    const inner: number[] = [];
    const residual: number[] = [];
    for (let i = 0; i < N; i++) {
      const [px, py] = [x.data[2 * i], x.data[2 * i + 1]];
      const dOut = arcDistance(px, py, -1, -0.2, true);
      const dIn = arcDistance(px, py, 1, 0.8, false);
      (dOut < dIn ? outer : inner).push(i);
      residual.push(Math.min(dOut, dIn));
    }
    expect(Math.abs(outer.length - N / 2)).toBeLessThan(0.01 * N);
    expectMean(column(x, 0, outer), -1);
    expectMean(column(x, 1, outer), 4 / Math.PI - 0.2);
    expectMean(column(x, 0, inner), 1);
    expectMean(column(x, 1, inner), 0.8 - 4 / Math.PI);
    // Noise is 2·0.1 = 0.2 per axis: distances to the arc are mostly within 3σ.
    expect(residual.filter((r) => r > 0.6).length / N).toBeLessThan(0.01);
  });

  it("circles: radii 3 and 1.5, half each, noise 0.24", () => {
    const x = get("circles");
    const r2 = norms2(x);
    const outer = Array.from(r2).filter((v) => v > 2.25 ** 2);
    const inner = Array.from(r2).filter((v) => v <= 2.25 ** 2);
    expect(Math.abs(outer.length - N / 2)).toBeLessThan(0.005 * N);
    const s2 = (3 * 0.08) ** 2;
    // E‖r u + σz‖² = r² + 2σ².
    expectMean(outer, 9 + 2 * s2);
    expectMean(inner, 2.25 + 2 * s2);
  });

  it("rings: four radii 3, 2.25, 1.5, 0.75 with a quarter each, noise 0.08", () => {
    const x = get("rings");
    const radii = [3, 2.25, 1.5, 0.75];
    const groups: number[][] = radii.map(() => []);
    for (const v of norms2(x)) {
      const r = Math.sqrt(v);
      const k = radii.reduce((best, rk, j) => (Math.abs(r - rk) < Math.abs(r - radii[best]) ? j : best), 0);
      groups[k].push(v);
    }
    groups.forEach((g, k) => {
      expect(Math.abs(g.length - N / 4)).toBeLessThanOrEqual(3);
      expectMean(g, radii[k] ** 2 + 2 * 0.08 ** 2);
    });
  });

  it("swissroll: closed-form mean and mean squared radius", () => {
    const x = get("swissroll");
    // t ~ U[1.5π, 4.5π]: E[t cos t] = 2, E[t sin t] = 2/(3π), E[t²] = 9.75π²; x = ((t cos t, t sin t) + z)/5.
    expectMean(column(x, 0), 2 / 5);
    expectMean(column(x, 1), 2 / (3 * Math.PI) / 5);
    expectMean(norms2(x), (9.75 * Math.PI ** 2 + 2) / 25);
  });

  it("pinwheel: five arms with equal counts and E‖x‖² = 4(1 + 0.3² + 0.1²)", () => {
    const x = get("pinwheel");
    const counts = new Array<number>(5).fill(0);
    let offArm = 0;
    for (let i = 0; i < N; i++) {
      const [px, py] = [x.data[2 * i], x.data[2 * i + 1]];
      // x = 2 R(−θ) f with f ≈ (‖x‖/2, 0): θ ≈ −atan2(y, x), arm k = (θ − 0.25 e^{f₀}) · 5/(2π).
      const f0 = Math.hypot(px, py) / 2;
      const arm = (-Math.atan2(py, px) - 0.25 * Math.exp(f0)) / ((2 * Math.PI) / 5);
      counts[(((Math.round(arm) % 5) + 5) % 5)]++;
      offArm += Math.abs(arm - Math.round(arm)) / N;
    }
    for (const c of counts) expect(Math.abs(c / N - 0.2)).toBeLessThan(0.01);
    // Points sit on the curled arms: mean distance to the nearest arm ≈ 0.07 arm spacings (0.21 if the
    // rotation went the other way, 0.25 for points spread uniformly in angle).
    expect(offArm).toBeLessThan(0.1);
    expectMean(norms2(x), 4 * (1 + 0.09 + 0.01));
  });

  it("2spirals: symmetric under x ↦ −x, with the closed-form E‖x‖²", () => {
    const x = get("2spirals");
    const [c0, c1] = [column(x, 0), column(x, 1)];
    // A single spiral has mean ≈ (0.22, 0.72); the [d; −d] mixture has mean 0 and vanishing odd moments.
    expectMean(c0, 0);
    expectMean(c1, 0);
    expectMean(c0.map((v) => v ** 3), 0);
    expectMean(c0.map((v, i) => v * v * c1[i]), 0);
    // r = 3π√u (density 2s/(9π²) on [0, 3π]): E r² = 4.5π², E r cos r = −4/(3π), E r sin r = 2 − 8/(9π²).
    const ed2 = 4.5 * Math.PI ** 2 + 2 * (0.25 / 3) + 0.5 * (2 - 8 / (9 * Math.PI ** 2) + 4 / (3 * Math.PI));
    expectMean(norms2(x), ed2 / 9 + 2 * 0.01);
  });

  it("checkerboard: every point on a black square of [−4,4]², each of the 8 squares ~1/8", () => {
    const x = get("checkerboard");
    const counts = new Map<string, number>();
    const offBoard: number[] = [];
    for (let i = 0; i < N; i++) {
      const [px, py] = [x.data[2 * i], x.data[2 * i + 1]];
      const [a, b] = [Math.floor(px / 2), Math.floor(py / 2)];
      if (Math.abs(px) > 4 || Math.abs(py) > 4 || (((a + b) % 2) + 2) % 2 !== 0) offBoard.push(i);
      counts.set(`${a},${b}`, (counts.get(`${a},${b}`) ?? 0) + 1);
    }
    expect(offBoard).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(["-1,-1", "-1,1", "-2,-2", "-2,0", "0,-2", "0,0", "1,-1", "1,1"]);
    const sd = Math.sqrt((N * (1 / 8) * (7 / 8)));
    for (const c of counts.values()) expect(Math.abs(c - N / 8)).toBeLessThan(5 * sd);
  });
});
