import { describe, expect, it } from "vitest";
import { columnMeans, covariance, type Array2D } from "../../src/core/array2d.js";
import { inverseSpd } from "../../src/core/linalg.js";
import { makeKey } from "../../src/core/rng.js";
import { sampleGaussianLaw } from "../../src/gaussian/gaussian.js";
import { integrateOde, integrateSde } from "../../src/sde/integrate.js";
import { linearBetaSchedule, ornsteinUhlenbeckReference, vpReference, type LinearReference } from "../../src/sde/reference.js";
import { probabilityFlow, reverseSde } from "../../src/sde/reverse.js";
import { referenceMarginal } from "../../src/sde/transition.js";
import type { VectorField } from "../../src/sde/types.js";
import { expectAllClose, mat } from "../gaussian/asserts.js";

const source = { mean: [1, -0.5], covariance: mat([[0.4, 0.15], [0.15, 0.2]]) };

/** Exact score ∇log p_t(x) = −Σ_t⁻¹(x − m_t) of the Gaussian marginal. */
function exactScore(reference: LinearReference): VectorField {
  return (t: number, x: Array2D) => {
    const p = referenceMarginal(reference, t, source);
    const prec = inverseSpd(p.covariance);
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < x.rows; i++) {
      for (let a = 0; a < 2; a++) {
        let s = 0;
        for (let b = 0; b < 2; b++) s -= prec.data[a * 2 + b] * (x.data[i * 2 + b] - p.mean[b]);
        out[i * 2 + a] = s;
      }
    }
    return { data: out, rows: x.rows, cols: 2 };
  };
}

function expectLaw(x: Array2D, law: { mean: ArrayLike<number>; covariance: Array2D }, tolerance: number): void {
  const m = columnMeans(x);
  for (let a = 0; a < 2; a++) expect(Math.abs(m[a] - law.mean[a])).toBeLessThan(tolerance);
  expectAllClose(covariance(x), law.covariance, tolerance);
}

describe("time reversal with the exact score", () => {
  for (const reference of [ornsteinUhlenbeckReference(1.5, 1), vpReference(linearBetaSchedule(0.1, 4))]) {
    it(`${reference.name}: the reverse SDE from p_1 returns to p_0`, () => {
      const p1 = referenceMarginal(reference, 1, source);
      const x1 = sampleGaussianLaw(makeKey(1), p1, 10_000);
      const back = integrateSde(reverseSde(reference, exactScore(reference)), x1, makeKey(2), { t0: 1, t1: 0, steps: 100, method: "heun" });
      expectLaw(back.final, source, 0.03);
    });

    it(`${reference.name}: the probability-flow ODE pushes p_0 to p_1 and back`, () => {
      const x0 = sampleGaussianLaw(makeKey(3), source, 10_000);
      const flow = probabilityFlow(reference, exactScore(reference));
      const forward = integrateOde(flow, x0, { steps: 40 });
      // The flow map is affine, so the sample law at t = 1 is exactly the pushed sample law; compare to p_1.
      expectLaw(forward.final, referenceMarginal(reference, 1, source), 0.03);
      const back = integrateOde(flow, forward.final, { t0: 1, t1: 0, steps: 40 });
      let err = 0;
      for (let k = 0; k < x0.data.length; k++) err = Math.max(err, Math.abs(back.final.data[k] - x0.data[k]));
      expect(err).toBeLessThan(1e-6);
    });
  }
});
