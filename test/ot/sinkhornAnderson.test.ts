import { describe, expect, it } from "vitest";
import { solve } from "../../src/core/linalg.js";
import { makeKey, normal, normal2d, uniform } from "../../src/core/rng.js";
import { Anderson } from "../../src/ot/anderson.js";
import { meanCost, otProblem } from "../../src/ot/problem.js";
import { sinkhorn } from "../../src/ot/sinkhorn.js";
import { automaticScalingStart, UNDO_FACTOR } from "../../src/ot/sinkhornSteps.js";
import { makeWorkspace } from "../../src/ot/workspace.js";

/** Largest potential difference after removing the constant (f + c, g − c) that balanced potentials share. */
function gap(f1: Float64Array, g1: Float64Array, f2: Float64Array, g2: Float64Array): number {
  let c = 0;
  for (let i = 0; i < f1.length; i++) c += (f1[i] - f2[i]) / f1.length;
  let worst = 0;
  for (let i = 0; i < f1.length; i++) worst = Math.max(worst, Math.abs(f1[i] - c - f2[i]));
  for (let j = 0; j < g1.length; j++) worst = Math.max(worst, Math.abs(g1[j] + c - g2[j]));
  return worst;
}

describe("Anderson acceleration (the fixed-point mixer)", () => {
  it("solves a linear fixed point x = Mx + c in a few steps more than the dimension (GMRES equivalence)", () => {
    // Walker & Ni 2011, Thm 2.2: untruncated Anderson on a linear map is equivalent to GMRES, which terminates in
    // at most dim steps (an exact least-squares solve lands at step dim + 1; the normal equations here, two steps
    // later). Plain iteration is still far away after as many.
    const dim = 6;
    // M = diag(0.99, 0.97, 0.95, 0.9, 0.8, 0.5) plus a small non-symmetric perturbation: slow for plain iteration.
    const slow = [0.99, 0.97, 0.95, 0.9, 0.8, 0.5];
    const m = Float64Array.from(normal(makeKey(11), dim * dim), (v, k) => 0.01 * v + (k % (dim + 1) === 0 ? slow[k / (dim + 1)] : 0));
    const c = normal(makeKey(12), dim);
    const apply = (x: Float64Array) => {
      const y = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        let s = c[i];
        for (let j = 0; j < dim; j++) s += m[i * dim + j] * x[j];
        y[i] = s;
      }
      return y;
    };
    // The truth, independently: (I − M) x* = c by LU.
    const iMinusM = { data: Float64Array.from(m, (v, k) => (k % (dim + 1) === 0 ? 1 : 0) - v), rows: dim, cols: dim };
    const truth = solve(iMinusM, { data: Float64Array.from(c), rows: dim, cols: 1 }).data;
    const distance = (x: Float64Array) => Math.hypot(...Array.from(x, (v, i) => v - truth[i]));
    const start = new Float64Array(dim);
    const mixer = new Anderson(10, new Float64Array(dim).fill(1));
    let x = start;
    let plain = start;
    for (let k = 0; k < dim + 3; k++) {
      const next = new Float64Array(dim);
      mixer.step(x, apply(x), 1, next);
      x = next;
      plain = apply(plain);
    }
    expect(distance(x)).toBeLessThan(1e-9 * distance(start));
    expect(distance(plain)).toBeGreaterThan(0.5 * distance(start));
  });

  it("falls back to the plain step after a reset and on a degenerate history", () => {
    const mixer = new Anderson(3, [1, 1]);
    const out = new Float64Array(2);
    expect(mixer.step(Float64Array.of(0, 0), Float64Array.of(1, 2), 1, out)).toBe(false);
    expect(Array.from(out)).toEqual([1, 2]);
    // Same residual again: the difference is 0, the least-squares problem has no information.
    expect(mixer.step(Float64Array.of(1, 2), Float64Array.of(2, 4), 1, out)).toBe(false);
    expect(Array.from(out)).toEqual([2, 4]);
    mixer.reset();
    expect(mixer.step(Float64Array.of(5, 5), Float64Array.of(6, 6), 1, out)).toBe(false);
  });
});

describe("Sinkhorn with Anderson acceleration (the default)", () => {
  const x = normal2d(makeKey(21), 400, 3);
  const y = normal2d(makeKey(22), 350, 3);
  for (let k = 0; k < y.data.length; k++) y.data[k] = 0.6 * y.data[k] + 0.8;
  const mean = meanCost(otProblem(x, y, { epsilon: 1 }));
  const problem = otProblem(x, y, { epsilon: 0.005 * mean, sourceWeights: uniform(makeKey(23), 400, 0.2, 1) });

  it("reaches the plain Sinkhorn fixed point in far fewer iterations than over-relaxation", () => {
    const plain = sinkhorn(problem, { acceleration: "none", tolerance: 1e-11, maxIterations: 100_000 });
    // The same schedule for both (from 16ε, stages ending at 0.1): over-relaxation gains more than Anderson from a
    // shorter one.
    const schedule = { epsilonScaling: { start: 16 * problem.epsilon, stageTolerance: 0.1 } };
    const relaxed = sinkhorn(problem, { acceleration: "overRelaxation", tolerance: 1e-6, ...schedule });
    const anderson = sinkhorn(problem, { tolerance: 1e-6, ...schedule });
    expect(plain.converged && relaxed.converged && anderson.converged).toBe(true);
    expect(anderson.acceleration.kind).toBe("anderson");
    expect(anderson.acceleration.extrapolations).toBeGreaterThan(0.5 * anderson.iterations);
    expect(anderson.marginalError).toBeLessThan(1e-6);
    expect(anderson.iterations).toBeLessThan(0.6 * relaxed.iterations);
    expect(Math.abs(anderson.cost - plain.cost) / plain.cost).toBeLessThan(1e-6);
    // Driven to 1e-10, the accelerated iteration lands on plain Sinkhorn's fixed point.
    const tight = sinkhorn(problem, { tolerance: 1e-10 });
    expect(tight.converged).toBe(true);
    expect(gap(tight.sourcePotential, tight.targetPotential, plain.sourcePotential, plain.targetPotential)).toBeLessThan(1e-6 * problem.epsilon);
  });

  it("dense and online backends reach the same potentials (iteration counts may differ by rounding)", () => {
    const dense = sinkhorn(problem, { backend: "dense", tolerance: 1e-9 });
    const online = sinkhorn(problem, { backend: "online", precision: "double", tolerance: 1e-9 });
    expect(dense.converged && online.converged).toBe(true);
    expect(gap(dense.sourcePotential, dense.targetPotential, online.sourcePotential, online.targetPotential)).toBeLessThan(1e-8);
    expect(Math.abs(dense.cost - online.cost) / online.cost).toBeLessThan(1e-8);
  });

  it("undoes an extrapolation whose error jumps, and still converges to tight marginals", () => {
    // 20 points, ε = 0.01, tolerance 1e-9: a hard problem where one extrapolation overshoots.
    const xs = normal2d(makeKey(8), 20, 2);
    const ys = normal2d(makeKey(9), 20, 2);
    const r = sinkhorn(otProblem(xs, ys, { epsilon: 0.01 }), { tolerance: 1e-9, maxIterations: 3000 });
    expect(r.converged).toBe(true);
    expect(r.marginalError).toBeLessThan(1e-9);
    expect(r.acceleration.undone).toBeGreaterThan(0);
    expect(r.errors.length).toBe(r.iterations);
    // Each undone iteration is in the trace as a jump of at least UNDO_FACTOR over the best error before it.
    let jumps = 0;
    let best = Infinity;
    for (const e of r.errors) {
      if (e >= UNDO_FACTOR * best) jumps++;
      best = Math.min(best, e);
    }
    expect(jumps).toBeGreaterThanOrEqual(r.acceleration.undone);
  });

  it("unbalanced problems run plain Sinkhorn", () => {
    const r = sinkhorn(otProblem(x, y, { epsilon: 0.2, unbalanced: 1 }), { tolerance: 1e-8 });
    expect(r.converged).toBe(true);
    expect(r.acceleration).toEqual({ kind: "none", extrapolations: 0, undone: 0 });
  });

  it("rejects bad acceleration options, naming the argument", () => {
    expect(() => sinkhorn(problem, { acceleration: "nesterov" as never })).toThrow(/sinkhorn.*acceleration/);
    expect(() => sinkhorn(problem, { andersonDepth: 0 })).toThrow(/sinkhorn.*andersonDepth/);
    expect(() => sinkhorn(problem, { andersonDepth: 2.5 })).toThrow(/sinkhorn.*andersonDepth/);
  });
});

describe("automatic ε-scaling schedule", () => {
  it("takes its scale, the mean cost, from the workspace: equal to Σ_ij a_i b_j ½‖x_i − y_j‖² pair by pair", () => {
    const x = normal2d(makeKey(41), 37, 5);
    const y = normal2d(makeKey(42), 23, 5);
    for (let k = 0; k < y.data.length; k++) y.data[k] = 0.7 * y.data[k] + 1.5;
    const p = otProblem(x, y, { epsilon: 1, sourceWeights: uniform(makeKey(43), 37, 0.1, 1), targetWeights: uniform(makeKey(44), 23, 0.1, 1) });
    let pairs = 0;
    for (let i = 0; i < 37; i++) {
      for (let j = 0; j < 23; j++) {
        let c = 0;
        for (let k = 0; k < 5; k++) c += 0.5 * (x.data[i * 5 + k] - y.data[j * 5 + k]) ** 2;
        pairs += p.sourceWeights[i] * p.targetWeights[j] * c;
      }
    }
    expect(Math.abs(makeWorkspace(p, false).meanCost - pairs)).toBeLessThan(1e-12 * pairs);
  });

  it("scales from min(16ε, mean / 64) below 1/64 of the mean cost and not above", () => {
    expect(automaticScalingStart(0.001, 1)).toBeCloseTo(0.015625, 15);
    expect(automaticScalingStart(0.0005, 1)).toBeCloseTo(0.008, 15);
    expect(automaticScalingStart(0.01, 1)).toBeCloseTo(0.015625, 15);
    expect(automaticScalingStart(0.02, 1)).toBe(0.02);
    const x = normal2d(makeKey(31), 200, 2);
    const y = normal2d(makeKey(32), 200, 2);
    const mean = meanCost(otProblem(x, y, { epsilon: 1 }));
    const small = sinkhorn(otProblem(x, y, { epsilon: mean / 1100 }), { tolerance: 1e-5 });
    expect(small.epsilonStages[0]).toBeGreaterThanOrEqual(16 * (mean / 1100) * (1 - 1e-12));
    expect(small.epsilonStages[0]).toBeLessThan(32 * (mean / 1100));
    expect(small.epsilonStages.length).toBe(5);
    const middle = sinkhorn(otProblem(x, y, { epsilon: mean / 100 }), { tolerance: 1e-6 });
    expect(middle.epsilonStages.length).toBe(2); // mean / 64 ≤ 2ε: stages 2ε, ε
    expect(middle.epsilonStages[0]).toBeCloseTo(mean / 50, 12);
    const large = sinkhorn(otProblem(x, y, { epsilon: mean / 20 }), { tolerance: 1e-6 });
    expect(large.epsilonStages).toEqual([mean / 20]);
    const explicit = sinkhorn(otProblem(x, y, { epsilon: mean / 20 }), { tolerance: 1e-6, epsilonScaling: { start: mean } });
    expect(explicit.epsilonStages.length).toBe(6); // ε · 2^k up to 32 ε ≥ mean = 20 ε
    for (const r of [middle, large, explicit]) expect(r.converged && r.marginalError < 1e-6).toBe(true);
    expect(small.converged && small.marginalError < 1e-5).toBe(true);
  });
});
