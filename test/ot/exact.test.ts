import { describe, expect, it } from "vitest";
import { SbkitInputError } from "../../src/core/errors.js";
import { array2d, type Array2D } from "../../src/core/array2d.js";
import { makeKey, normal2d, split, uniform } from "../../src/core/rng.js";
import { linearAssignment } from "../../src/ot/exact/assignment.js";
import { networkSimplex } from "../../src/ot/exact/networkSimplex.js";
import { exactOt } from "../../src/ot/exact/exactOt.js";
import { denseCostMatrix } from "../../src/ot/exact/denseCost.js";
import { sparsePlanMarginals, sparsePlanToDense, type SparsePlan } from "../../src/ot/exact/sparsePlan.js";

/** A random `[n, m]` cost matrix: uniform, integer (many ties) or ½‖x−y‖² between Gaussian clouds. */
function randomCosts(seed: number, n: number, m: number, kind: "uniform" | "integer" | "points"): Float64Array {
  const [k1, k2] = split(makeKey(seed));
  if (kind === "points") {
    const x = normal2d(k1, n, 2);
    const y = normal2d(k2, m, 2);
    for (let j = 0; j < m; j++) y.data[2 * j] += 1;
    return denseCostMatrix(x, y, "sqeuclidean");
  }
  const u = uniform(k1, n * m, -1, 1);
  return kind === "integer" ? u.map((v) => Math.floor(4 * v)) : u;
}

function bruteForceAssignment(c: Float64Array, n: number): number {
  let best = Infinity;
  const perm = Array.from({ length: n }, (_, i) => i);
  const visit = (k: number, acc: number): void => {
    if (k === n) {
      best = Math.min(best, acc);
      return;
    }
    for (let t = k; t < n; t++) {
      [perm[k], perm[t]] = [perm[t], perm[k]];
      visit(k + 1, acc + c[k * n + perm[k]]);
      [perm[k], perm[t]] = [perm[t], perm[k]];
    }
  };
  visit(0, 0);
  return best;
}

function normalized(w: Float64Array): Float64Array {
  const s = w.reduce((p, v) => p + v, 0);
  return w.map((v) => v / s);
}

/**
 * LP optimality certificate, independent of the solver: primal feasibility (P ≥ 0, marginals a and b), dual
 * feasibility (f_i + g_j ≤ C_ij) and equal objectives. Returns the worst violations.
 */
function certificate(c: Float64Array, a: Float64Array, b: Float64Array, plan: SparsePlan, f: Float64Array, g: Float64Array) {
  const n = a.length;
  const m = b.length;
  const { source, target } = sparsePlanMarginals(plan);
  let marginal = 0;
  for (let i = 0; i < n; i++) marginal = Math.max(marginal, Math.abs(source[i] - a[i]));
  for (let j = 0; j < m; j++) marginal = Math.max(marginal, Math.abs(target[j] - b[j]));
  let minMass = Infinity;
  let primal = 0;
  let slackOnSupport = 0;
  for (let k = 0; k < plan.mass.length; k++) {
    const i = plan.sourceIndex[k];
    const j = plan.targetIndex[k];
    minMass = Math.min(minMass, plan.mass[k]);
    primal += plan.mass[k] * c[i * m + j];
    slackOnSupport = Math.max(slackOnSupport, Math.abs(c[i * m + j] - f[i] - g[j]));
  }
  let dualViolation = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) dualViolation = Math.max(dualViolation, f[i] + g[j] - c[i * m + j]);
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i] * f[i];
  for (let j = 0; j < m; j++) dual += b[j] * g[j];
  return { marginal, minMass, primal, dual, gap: Math.abs(primal - dual), dualViolation, slackOnSupport };
}

describe("linearAssignment", () => {
  it("matches brute force over all permutations for n ≤ 7, with a dual certificate", () => {
    let seed = 0;
    for (let n = 1; n <= 7; n++) {
      for (const kind of ["uniform", "integer", "points"] as const) {
        const c = randomCosts(++seed, n, n, kind);
        const result = linearAssignment(array2d(c, n, n));
        expect(result.cost).toBeCloseTo(bruteForceAssignment(c, n), 12);
        expect(new Set(result.assignment).size).toBe(n);
        let dualSum = 0;
        for (let i = 0; i < n; i++) {
          dualSum += result.dualRow[i] + result.dualCol[i];
          const j = result.assignment[i];
          expect(Math.abs(c[i * n + j] - result.dualRow[i] - result.dualCol[j])).toBeLessThan(1e-12);
          for (let k = 0; k < n; k++) expect(result.dualRow[i] + result.dualCol[k]).toBeLessThanOrEqual(c[i * n + k] + 1e-12);
        }
        expect(dualSum).toBeCloseTo(result.cost, 12);
      }
    }
  });

  it("accepts nested arrays, handles ties and an empty matrix", () => {
    const result = linearAssignment([
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ]);
    expect(result.cost).toBe(5);
    expect(Array.from(result.assignment)).toEqual([1, 0, 2]);
    expect(linearAssignment([[1, 1], [1, 1]]).cost).toBe(2);
    expect(linearAssignment([]).cost).toBe(0);
  });

  it("stays exact on clusters of nearly coincident points (the refined-price path) and agrees with the network simplex", () => {
    // Two clusters of 100 points each, jittered by 1e-9: reduced costs tie to within the auction's first ε, which
    // exhausts the first exact run's budget and sends the solver through the price refinement.
    const n = 200;
    const centers = normal2d(makeKey(2), 2, 2);
    const jitter = normal2d(makeKey(52), n, 2);
    const x = array2d(jitter.data.map((z, t) => centers.data[2 * (Math.floor(t / 2) % 2) + (t % 2)] + 1e-9 * z), n, 2);
    const c = denseCostMatrix(x, normal2d(makeKey(99), n, 2), "sqeuclidean");
    const lap = linearAssignment(array2d(c, n, n));
    expect(new Set(lap.assignment).size).toBe(n);
    const w = new Float64Array(n).fill(1 / n);
    const plan = exactOt(x, normal2d(makeKey(99), n, 2)).plan;
    const cert = certificate(c, w, w, plan, lap.dualRow, lap.dualCol);
    expect(cert.dualViolation).toBeLessThan(1e-12);
    expect(cert.gap).toBeLessThan(1e-12);
    // The network simplex is optimal to its documented tolerance 1e-11·(max C − min C) (about 1e-10 here); the
    // near-ties of this problem sit below that level.
    const ns = networkSimplex(w, w, array2d(c, n, n));
    expect(Math.abs(ns.cost - lap.cost / n)).toBeLessThan(1e-10);
    expect(ns.cost).toBeGreaterThanOrEqual(lap.cost / n - 1e-13);
  });

  it("rejects non-square and non-finite matrices", () => {
    expect(() => linearAssignment([[1, 2, 3], [4, 5, 6]])).toThrow(/linearAssignment: costs must be square/);
    expect(() => linearAssignment([[1, NaN], [0, 1]])).toThrow(/linearAssignment: costs has a non-finite value NaN at \[0, 1\]/);
  });
});

describe("networkSimplex", () => {
  it("is optimal on small unequal problems by the LP certificate (including zero weights)", () => {
    let seed = 100;
    for (const [n, m] of [[1, 1], [1, 4], [3, 1], [2, 3], [7, 5], [13, 29], [40, 17]]) {
      for (const kind of ["uniform", "integer", "points"] as const) {
        const c = randomCosts(++seed, n, m, kind);
        const a = normalized(uniform(makeKey(++seed), n, 0, 1).map((v) => (v < 0.15 && n > 1 ? 0 : v)));
        const b = normalized(uniform(makeKey(++seed), m, 0, 1).map((v) => (v < 0.15 && m > 1 ? 0 : v)));
        const result = networkSimplex(a, b, array2d(c, n, m));
        expect(result.converged).toBe(true);
        const cert = certificate(c, a, b, result.plan, result.f, result.g);
        expect(cert.marginal).toBeLessThan(1e-14);
        expect(cert.minMass).toBeGreaterThan(0);
        expect(cert.dualViolation).toBeLessThan(1e-12);
        expect(cert.slackOnSupport).toBeLessThan(1e-12);
        expect(cert.gap).toBeLessThan(1e-12);
        expect(result.cost).toBeCloseTo(cert.primal, 14);
        expect(result.plan.mass.length).toBeLessThanOrEqual(n + m - 1);
      }
    }
  });

  it("agrees with the assignment on uniform equal-size problems (n = 50..200) and returns a permutation", () => {
    for (const n of [50, 120, 200]) {
      const c = randomCosts(n, n, n, "points");
      const lap = linearAssignment(array2d(c, n, n));
      const w = new Float64Array(n).fill(1);
      const ns = networkSimplex(w, w, array2d(c, n, n));
      expect(ns.converged).toBe(true);
      expect(ns.cost).toBeCloseTo(lap.cost / n, 12);
      expect(ns.plan.mass.length).toBe(n);
      for (const mass of ns.plan.mass) expect(mass).toBe(1 / n);
    }
  });

  it("finds the same optimum for any pricing block size", () => {
    const [n, m] = [40, 17];
    const c = array2d(randomCosts(55, n, m, "points"), n, m);
    const a = uniform(makeKey(56), n, 0.1, 1);
    const b = uniform(makeKey(57), m, 0.1, 1);
    const reference = networkSimplex(a, b, c).cost;
    for (const blockSize of [1, 7, 10_000]) expect(networkSimplex(a, b, c, { blockSize }).cost).toBeCloseTo(reference, 13);
  });

  it("splits uniform masses exactly for unequal sizes", () => {
    const result = networkSimplex([1, 1, 1], [1, 1], [
      [0, 1],
      [1, 0],
      [0.5, 0.5],
    ]);
    expect(result.cost).toBeCloseTo(1 / 6, 15);
    expect(sparsePlanToDense(result.plan).data).toEqual(Float64Array.from([1 / 3, 0, 0, 1 / 3, 1 / 6, 1 / 6]));
  });

  it("handles fully degenerate problems (all costs equal, duplicate points)", () => {
    const n = 30;
    const c = new Float64Array(n * n).fill(2);
    const result = networkSimplex(new Float64Array(n).fill(1), new Float64Array(n).fill(1), array2d(c, n, n));
    expect(result.converged).toBe(true);
    expect(result.cost).toBeCloseTo(2, 14);
    const x = array2d(new Float64Array(2 * 40).fill(1), 40, 2);
    const y = normal2d(makeKey(9), 25, 2);
    const a = uniform(makeKey(10), 40, 0.5, 1);
    const ot = networkSimplex(a, new Float64Array(25).fill(1), array2d(denseCostMatrix(x, y, "sqeuclidean"), 40, 25));
    let expected = 0;
    for (let j = 0; j < 25; j++) expected += (0.5 * ((y.data[2 * j] - 1) ** 2 + (y.data[2 * j + 1] - 1) ** 2)) / 25;
    expect(ot.cost).toBeCloseTo(expected, 13);
  });

  it("reports converged: false at maxIterations with a feasible plan, and no exception", () => {
    const [n, m] = [60, 45];
    const c = randomCosts(77, n, m, "points");
    const a = normalized(uniform(makeKey(78), n, 0.1, 1));
    const b = normalized(uniform(makeKey(79), m, 0.1, 1));
    const optimal = networkSimplex(a, b, array2d(c, n, m));
    const stopped = networkSimplex(a, b, array2d(c, n, m), { maxIterations: 5 });
    expect(stopped.converged).toBe(false);
    expect(stopped.iterations).toBe(5);
    const cert = certificate(c, a, b, stopped.plan, stopped.f, stopped.g);
    expect(cert.marginal).toBeLessThan(1e-14);
    expect(stopped.cost).toBeGreaterThan(optimal.cost);
    expect(optimal.iterations).toBeGreaterThan(5);
  });

  it("rejects bad weights, shapes and options", () => {
    const c = [[0, 1], [1, 0]];
    expect(() => networkSimplex([1, -1], [1, 1], c)).toThrow(/networkSimplex: sourceWeights must be non-negative/);
    expect(() => networkSimplex([1, 1], [0, 0], c)).toThrow(/networkSimplex: targetWeights must have a finite positive sum/);
    expect(() => networkSimplex([], [1, 1], c)).toThrow(/networkSimplex: sourceWeights must be a non-empty array/);
    expect(() => networkSimplex([1, 1, 1], [1, 1], c)).toThrow(/networkSimplex: costs has shape \[2, 2\], expected \[3, 2\]/);
    expect(() => networkSimplex([1, 1], [1, 1], [[0, Infinity], [1, 0]])).toThrow(/networkSimplex: costs has a non-finite value/);
    expect(() => networkSimplex([1, 1], [1, 1], c, { maxIterations: -1 })).toThrow(/networkSimplex: maxIterations/);
  });
});

describe("exactOt", () => {
  function cloud(seed: number, n: number, shift: number): Array2D {
    const x = normal2d(makeKey(seed), n, 2);
    for (let i = 0; i < n; i++) x.data[2 * i] += shift;
    return x;
  }

  it("at n = 2000 in d = 2 returns a permutation certified optimal by its duals", () => {
    const n = 2000;
    const x = cloud(1, n, 0);
    const y = cloud(2, n, 1);
    const result = exactOt(x, y);
    expect(result.method).toBe("assignment");
    expect(result.converged).toBe(true);
    const c = denseCostMatrix(x, y, "sqeuclidean");
    const w = new Float64Array(n).fill(1 / n);
    const cert = certificate(c, w, w, result.plan, result.f, result.g);
    expect(result.plan.mass.length).toBe(n);
    expect(cert.marginal).toBeLessThan(1e-15);
    expect(cert.dualViolation).toBeLessThan(1e-11);
    expect(cert.slackOnSupport).toBeLessThan(1e-11);
    expect(cert.gap).toBeLessThan(1e-11);
    expect(result.cost).toBeCloseTo(cert.primal, 12);
  });

  it("uses the network simplex for unequal sizes or weights, and the two solvers agree", () => {
    const x = cloud(3, 80, 0);
    const y = cloud(4, 80, 0.5);
    const lap = exactOt(x, y, { cost: "euclidean" });
    const ns = exactOt(x, y, { cost: "euclidean", sourceWeights: new Float64Array(80).fill(1).map((v, i) => (i === 0 ? 1 + 1e-9 : v)) });
    expect(lap.method).toBe("assignment");
    expect(ns.method).toBe("networkSimplex");
    expect(ns.cost).toBeCloseTo(lap.cost, 8);
    expect(exactOt(x, y, { sourceWeights: new Float64Array(80).fill(3), targetWeights: new Float64Array(80).fill(0.5) }).method).toBe("assignment");
    const unequal = exactOt(x, cloud(5, 50, 0.5));
    expect(unequal.method).toBe("networkSimplex");
    expect(unequal.plan.rows).toBe(80);
    expect(unequal.plan.cols).toBe(50);
  });

  it("rejects bad input with errors naming exactOt and the argument", () => {
    const x = [[0, 0], [1, 1]];
    const cases: [() => unknown, RegExp][] = [
      [() => exactOt([], x), /exactOt: source must not be empty/],
      [() => exactOt(x, []), /exactOt: target must not be empty/],
      [() => exactOt(x, [[0, 0, 0]]), /exactOt: target has dimension 3, but source has dimension 2/],
      [() => exactOt([[0, NaN], [1, 1]], x), /exactOt: source has a non-finite value NaN at \[0, 1\]/],
      [() => exactOt(x, [[0, 0], [Infinity, 1]]), /exactOt: target has a non-finite value Infinity at \[1, 0\]/],
      [() => exactOt(x, x, { sourceWeights: [1, -2] }), /exactOt: sourceWeights must be non-negative \(got -2 at \[1\]\)/],
      [() => exactOt(x, x, { targetWeights: [0, 0] }), /exactOt: targetWeights must have a finite positive sum/],
      [() => exactOt(x, x, { targetWeights: [1, 2, 3] }), /exactOt: targetWeights has length 3, expected 2/],
      [() => exactOt(x, x, { sourceWeights: [1, NaN] }), /exactOt: sourceWeights has a non-finite value NaN at \[1\]/],
      [() => exactOt(x, x, { cost: "cosine" as "euclidean" }), /exactOt: cost must be "sqeuclidean" or "euclidean"/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(SbkitInputError);
      expect(call).toThrow(message);
    }
  });
});
