import { describe, expect, it } from "vitest";
import { SbkitInputError } from "../../src/core/errors.js";
import { add, addIdentity, identity, inverseSpd, matmul, scale, sub, transpose } from "../../src/core/linalg.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { columnMeans, covariance } from "../../src/core/array2d.js";
import { buresCrossCovariance } from "../../src/gaussian/bures.js";
import { gaussianSb } from "../../src/gaussian/gaussianSb.js";
import { crossCov, expectAllClose, mat, maxAbsDiff, randomSpd } from "./asserts.js";

const d = 3;
const source = { mean: [0.5, -1, 0.2], covariance: randomSpd(1, d) };
const target = { mean: [-0.3, 0.8, 1.5], covariance: randomSpd(2, d, 0.3) };

describe("gaussianSb cross-covariance", () => {
  it("matches the scalar root of c² + εc − Σ0Σ1 = 0 in 1-D", () => {
    for (const eps of [0.1, 1, 10]) {
      const sb = gaussianSb({ source: { mean: [0], covariance: [[2]] }, target: { mean: [1], covariance: [[0.5]] }, epsilon: eps });
      const c = (-eps + Math.sqrt(eps * eps + 4 * 2 * 0.5)) / 2;
      expect(sb.crossCovariance.data[0]).toBeCloseTo(c, 12);
    }
  });

  it("makes the joint precision's off-diagonal block −I/ε (plan ∝ exp(f(x)+g(y)−‖x−y‖²/2ε))", () => {
    for (const eps of [0.1, 1, 10]) {
      const sb = gaussianSb({ source, target, epsilon: eps });
      const c = sb.crossCovariance;
      const joint = new Float64Array(4 * d * d);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          joint[i * 2 * d + j] = source.covariance.data[i * d + j];
          joint[(i + d) * 2 * d + j + d] = target.covariance.data[i * d + j];
          joint[i * 2 * d + j + d] = c.data[i * d + j];
          joint[(j + d) * 2 * d + i] = c.data[i * d + j];
        }
      }
      const p = inverseSpd({ data: joint, rows: 2 * d, cols: 2 * d });
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(p.data[i * 2 * d + j + d] * eps).toBeCloseTo(i === j ? -1 : 0, 8);
    }
  });

  it("tends to the Bures cross-covariance as ε → 0", () => {
    const bures = buresCrossCovariance(source.covariance, target.covariance);
    const errors = [1e-2, 1e-4, 1e-6].map((eps) => maxAbsDiff(gaussianSb({ source, target, epsilon: eps }).crossCovariance, bures));
    expect(errors[2]).toBeLessThan(1e-5);
    expect(errors[0]).toBeGreaterThan(errors[1]);
  });
});

describe("gaussianSb marginals and drift", () => {
  const sb = gaussianSb({ source, target, epsilon: 0.7 });

  it("interpolates the endpoint laws", () => {
    expectAllClose(sb.covarianceAt(0), source.covariance, 1e-14);
    expectAllClose(sb.covarianceAt(1), target.covariance, 1e-14);
    expect(Array.from(sb.meanAt(1))).toEqual(target.mean);
  });

  it("satisfies the Lyapunov equation dΣ_t/dt = B_tΣ_t + Σ_tB_tᵀ + εI (central differences)", () => {
    const h = 1e-5;
    for (const t of [0.05, 0.3, 0.5, 0.81, 0.97]) {
      const dSigma = scale(sub(sb.covarianceAt(t + h), sb.covarianceAt(t - h)), 1 / (2 * h));
      const b = sb.driftMatrix(t);
      const s = sb.covarianceAt(t);
      const rhs = addIdentity(add(matmul(b, s), matmul(s, transpose(b))), sb.epsilon);
      expectAllClose(dSigma, rhs, 1e-7);
    }
  });

  it("has a drift equal to E[(X1 − X_t)/(1 − t) | X_t = x] estimated by regression on plan + bridge samples", () => {
    // Independent route: sample (x0, x1) from the plan, x_t from the Brownian bridge, and regress the bridge
    // drift (x1 − x_t)/(1−t) on x_t; the least-squares slope must be B_t.
    const t = 0.4;
    const n = 100_000;
    const { x0, x1 } = sb.sampleCoupling(makeKey(5), n);
    const { means, variance } = sb.bridgeGivenEndpoints(t, x0, x1);
    const z = normal2d(makeKey(6), n, d);
    const xt = add(means, z, 1, Math.sqrt(variance));
    const bridgeDrift = scale(sub(x1, xt), 1 / (1 - t));
    // slope = Cov(y, x) Cov(x)⁻¹
    const slope = matmul(transpose(crossCov(xt, bridgeDrift)), inverseSpd(covariance(xt)));
    expectAllClose(slope, sb.driftMatrix(t), 0.03);
    const driftAtMean = sb.drift(t, { data: sb.meanAt(t), rows: 1, cols: d });
    for (let a = 0; a < d; a++) expect(driftAtMean.data[a]).toBeCloseTo(target.mean[a] - source.mean[a], 12);
  });

  it("gives the conditional law of X1 | X0 whose average recovers Σ1 (law of total covariance)", () => {
    const { means, covariance: condCov } = sb.targetGivenSource(mat([[0.5, -1, 0.2], [1.5, -1, 0.2]]));
    expect(Array.from(means.data.subarray(0, d)).map((v, a) => v - target.mean[a]).every((v) => Math.abs(v) < 1e-12)).toBe(true);
    // Cov(E[X1|X0]) + E Cov(X1|X0) = CᵀΣ0⁻¹C + S = Σ1
    const c = sb.crossCovariance;
    const explained = matmul(matmul(transpose(c), inverseSpd(source.covariance)), c);
    expectAllClose(add(explained, condCov), target.covariance, 1e-12);
  });

  it("samples the plan with the right moments", () => {
    const { x0, x1 } = sb.sampleCoupling(makeKey(11), 100_000);
    const m1 = columnMeans(x1);
    for (let a = 0; a < d; a++) expect(Math.abs(m1[a] - target.mean[a])).toBeLessThan(0.02);
    expectAllClose(covariance(x1), target.covariance, 0.03);
    expectAllClose(crossCov(x0, x1), sb.crossCovariance, 0.03);
  });
});

describe("gaussianSb bad input", () => {
  it("rejects non-SPD covariances, mismatched dimensions, ε ≤ 0 and t outside [0,1]", () => {
    const bad = { mean: [0, 0], covariance: [[1, 2], [2, 1]] };
    const ok2 = { mean: [0, 0], covariance: identity(2) };
    expect(() => gaussianSb({ source: bad, target: ok2, epsilon: 1 })).toThrow(/gaussianSb: source.covariance must be symmetric positive definite/);
    expect(() => gaussianSb({ source: ok2, target: source, epsilon: 1 })).toThrow(/gaussianSb: target has dimension 3, expected 2/);
    expect(() => gaussianSb({ source: { mean: [0], covariance: identity(2) }, target: ok2, epsilon: 1 })).toThrow(/expected \[1, 1\]/);
    expect(() => gaussianSb({ source: ok2, target: ok2, epsilon: 0 })).toThrow(/epsilon must be a finite number > 0/);
    expect(() => gaussianSb({ source: ok2, target: ok2, epsilon: -1 })).toThrow(SbkitInputError);
    const sb = gaussianSb({ source: ok2, target: ok2, epsilon: 1 });
    expect(() => sb.covarianceAt(1.5)).toThrow(/covarianceAt: t must be a time in \[0, 1\] \(got 1.5\)/);
    expect(() => sb.drift(-0.1, [[0, 0]])).toThrow(/t must be a time in \[0, 1\]/);
    expect(() => sb.drift(0.5, [[0, 0, 0]])).toThrow(/x has 3 columns, expected d = 2/);
  });
});
