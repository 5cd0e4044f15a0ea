import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { array2d, columnMeans, covariance } from "../../src/core/array2d.js";
import { SbkitInputError } from "../../src/core/errors.js";
import { frobeniusNorm, sub } from "../../src/core/linalg.js";
import { makeKey, normal, normal2d } from "../../src/core/rng.js";
import type { EotBenchmark } from "../../src/data/eotBenchmark/eotBenchmark.js";
import { eotBenchmarkPair } from "../../src/data/eotBenchmark/pairs.js";
import { bw2Squared } from "../../src/metrics/bw2.js";
import { fitLightSb } from "../../src/solvers/lightsb/fitLightSb.js";
import { loadLightSb, saveLightSb } from "../../src/solvers/lightsb/lightSbIo.js";
import { LightSb, type LightSbParameters } from "../../src/solvers/lightsb/lightSbModel.js";
import { lightSbLoss } from "../../src/solvers/lightsb/objective.js";
import { maxAbsDiff } from "../gaussian/asserts.js";
import { crossCovariance, mu1, S1, samples, trueCrossCovariance } from "./gaussianBridge.js";

/**
 * The benchmark's potential `exp(f/ε) = Σ α N(μ, diag σ)` as LightSB parameters, from
 * `N(y|μ,σ) e^{−y²/(2ε)} = √(s̃/σ) e^{−μ²/(2(σ+ε))} N(y | s̃μ/σ, s̃)`, `s̃ = σε/(σ+ε)` (per coordinate).
 */
function lightSbOf(pair: EotBenchmark): LightSb {
  const { weights, means, variances } = pair.potential;
  const eps = pair.epsilon;
  const K = weights.length;
  const d = means.cols;
  const logWeights = new Float64Array(K);
  const r = new Float64Array(K * d);
  const logS = new Float64Array(K * d);
  for (let k = 0; k < K; k++) {
    logWeights[k] = Math.log(weights[k]);
    for (let j = 0; j < d; j++) {
      const mu = means.data[k * d + j];
      const sig = variances.data[k * d + j];
      const st = (sig * eps) / (sig + eps);
      r[k * d + j] = (st * mu) / sig;
      logS[k * d + j] = Math.log(st / eps);
      logWeights[k] += 0.5 * Math.log(st / sig) - (mu * mu) / (2 * (sig + eps));
    }
  }
  return new LightSb(eps, { logWeights, means: r, logScales: logS });
}

function randomParameters(seed: number, K: number, d: number): LightSbParameters {
  const z = normal(makeKey(seed), K + 2 * K * d);
  return { logWeights: z.slice(0, K), means: z.slice(K, K + K * d), logScales: z.slice(K + K * d).map((v) => 0.5 * v) };
}

describe("LightSB closed forms", () => {
  it("the gradient of the objective matches central finite differences", () => {
    const K = 4;
    const d = 3;
    const theta = randomParameters(1, K, d);
    const x = normal2d(makeKey(2), 20, d);
    const y = normal2d(makeKey(3), 20, d);
    const eps = 0.7;
    const { gradient } = lightSbLoss(theta, eps, x, y);
    const groups = ["logWeights", "means", "logScales"] as const;
    for (const g of groups) {
      for (let i = 0; i < theta[g].length; i++) {
        const h = 1e-5;
        const plus = { ...theta, [g]: theta[g].map((v, k) => (k === i ? v + h : v)) };
        const minus = { ...theta, [g]: theta[g].map((v, k) => (k === i ? v - h : v)) };
        const fd = (lightSbLoss(plus, eps, x, y).loss - lightSbLoss(minus, eps, x, y).loss) / (2 * h);
        expect(Math.abs(gradient[g][i] - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it("with the benchmark's potential, LightSB's plan and drift are the benchmark's (independent formulas)", () => {
    const pair = eotBenchmarkPair({ dimension: 3, epsilon: 0.5, seed: 4 });
    const model = lightSbOf(pair);
    const x = pair.sampleSource(makeKey(1), 7);
    const a = model.conditionalMoments(x);
    const b = pair.conditionalMoments(x);
    for (let i = 0; i < 7; i++) {
      expect(maxAbsDiff(a[i].covariance, b[i].covariance)).toBeLessThan(1e-10);
      expect(Math.max(...a[i].mean.map((v, j) => Math.abs(v - b[i].mean[j])))).toBeLessThan(1e-10);
    }
    for (const t of [0, 0.3, 0.9, 1]) expect(maxAbsDiff(model.drift(t, x), pair.drift(t, x))).toBeLessThan(1e-9);
    // log v_θ(y) + ‖y‖²/(2ε) = f(y)/ε = log Σ α N(y | μ, σ) up to nothing.
    const y = pair.sampleTarget(makeKey(2), 5);
    const lv = model.logPotential(y);
    const f = Array.from({ length: 5 }, (_, i) => {
      let s = 0;
      for (let k = 0; k < 5; k++) {
        let q = Math.log(pair.potential.weights[k]);
        for (let j = 0; j < 3; j++) {
          const v = pair.potential.variances.data[k * 3 + j];
          q += -0.5 * Math.log(2 * Math.PI * v) - (y.data[i * 3 + j] - pair.potential.means.data[k * 3 + j]) ** 2 / (2 * v);
        }
        s += Math.exp(q);
      }
      return Math.log(s);
    });
    for (let i = 0; i < 5; i++) {
      const norm2 = y.data[i * 3] ** 2 + y.data[i * 3 + 1] ** 2 + y.data[i * 3 + 2] ** 2;
      expect(lv[i] + norm2 / (2 * pair.epsilon)).toBeCloseTo(f[i], 9);
    }
  });

  it("Euler–Maruyama paths of the drift land on the exact conditional plan", () => {
    const model = new LightSb(0.6, randomParameters(5, 3, 2));
    const n = 4000;
    const start = array2d(Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 0.4 : -0.2)), n, 2);
    const em = model.sample(start, makeKey(6), { mode: "sde", steps: 200, saveEvery: 50 }).final;
    const exact = model.sample(start, makeKey(7)).final;
    const truth = model.conditionalMoments([[0.4, -0.2]])[0];
    const scale = Math.sqrt(truth.covariance.data[0] + truth.covariance.data[3]);
    for (const draws of [em, exact]) {
      const m = columnMeans(draws);
      for (let j = 0; j < 2; j++) expect(Math.abs(m[j] - truth.mean[j])).toBeLessThan((5 * scale) / Math.sqrt(n) + 0.02);
      expect(maxAbsDiff(covariance(draws), truth.covariance)).toBeLessThan(0.08 * scale * scale);
    }
  });
});

describe("fitting LightSB", () => {
  it("recovers the conditional plan of a benchmark pair (d = 2, ε = 1)", async () => {
    const pair = eotBenchmarkPair({ dimension: 2, epsilon: 1 });
    const train = pair.samplePlan(makeKey(1), 30000);
    const { model, lossHistory } = await fitLightSb(train.x0, train.x1, { epsilon: 1, components: 20, steps: 1000 });
    expect(lossHistory.length).toBe(1000);
    const target = pair.targetMoments(makeKey(2), 50000);
    const trace = target.covariance.data[0] + target.covariance.data[3];
    const x = pair.sampleSource(makeKey(3), 200);
    const learned = model.conditionalMoments(x);
    const truth = pair.conditionalMoments(x);
    let s = 0;
    for (let i = 0; i < 200; i++) s += bw2Squared(learned[i].mean, learned[i].covariance, truth[i].mean, truth[i].covariance);
    const cbw2uvp = (100 * s) / (200 * trace);
    expect(cbw2uvp).toBeLessThan(0.05); // published LightSB at d = 2, ε = 1: 0.05
  }, 60_000);

  it("on Gaussian endpoints (d = 5) matches the closed-form plan cross-covariance and the target", async () => {
    const eps = 1;
    const { model } = await fitLightSb(samples(0, 20000, 1), samples(1, 20000, 2), { epsilon: eps, components: 30, steps: 2000 });
    const xs = samples(0, 40000, 3);
    const y = model.sampleConditional(makeKey(4), xs);
    const ct = trueCrossCovariance(eps);
    expect(frobeniusNorm(sub(crossCovariance(xs, y), ct)) / frobeniusNorm(ct)).toBeLessThan(0.1);
    expect(frobeniusNorm(sub(covariance(y), S1)) / frobeniusNorm(S1)).toBeLessThan(0.1);
    const m = columnMeans(y);
    for (let j = 0; j < 5; j++) expect(Math.abs(m[j] - mu1[j])).toBeLessThan(0.05);
  }, 60_000);

  it("save/load round-trips to identical samples; the folder has config.json and safetensors", async () => {
    const { model, lossHistory } = await fitLightSb(samples(0, 500, 1), samples(1, 500, 2), { epsilon: 0.5, components: 4, steps: 20 });
    const dir = join(mkdtempSync(join(tmpdir(), "sbkit-lightsb-")), "m");
    saveLightSb(dir, model, { steps: 20, lossHistory });
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toMatchObject({ method: "lightsb", epsilon: 0.5, dimension: 5, components: 4, steps: 20 });
    const back = loadLightSb(dir).model;
    const x = samples(0, 10, 9);
    expect(Array.from(back.sampleConditional(makeKey(1), x, 3).data)).toEqual(Array.from(model.sampleConditional(makeKey(1), x, 3).data));
    expect(Array.from(back.sample(x, makeKey(2), { mode: "sde", steps: 5 }).final.data)).toEqual(Array.from(model.sample(x, makeKey(2), { mode: "sde", steps: 5 }).final.data));
  });

  it("is deterministic for a seed and rejects bad input", async () => {
    const a = await fitLightSb(samples(0, 200, 1), samples(1, 200, 2), { epsilon: 1, components: 3, steps: 5, seed: 3 });
    const b = await fitLightSb(samples(0, 200, 1), samples(1, 200, 2), { epsilon: 1, components: 3, steps: 5, seed: 3 });
    expect(Array.from(a.model.parameters.means)).toEqual(Array.from(b.model.parameters.means));
    const x = samples(0, 10, 1);
    await expect(fitLightSb(x, x, { epsilon: 0 })).rejects.toThrow(/fitLightSb: epsilon must be a finite number > 0/);
    await expect(fitLightSb(x, array2d(new Float64Array(30), 10, 3), { epsilon: 1, steps: 2 })).rejects.toThrow(/fitLightSb: target has 3 columns, source has 5/);
    await expect(fitLightSb(x, x, { epsilon: 1, components: 0 })).rejects.toThrow(/components must be an integer/);
    await expect(fitLightSb(array2d(Float64Array.of(NaN, 0), 1, 2), x, { epsilon: 1 })).rejects.toThrow(/source has a non-finite value/);
    const model = a.model;
    expect(() => model.sample(x, makeKey(1), { direction: "backward" })).toThrow(/"backward" is not supported/);
    expect(() => model.sample(x, makeKey(1), { mode: "ode" as "sde" })).toThrow(/must be "exact" or "sde"/);
    expect(() => model.drift(2, x)).toThrow(/LightSb.drift: t must be in \[0, 1\]/);
    expect(() => model.sampleConditional(makeKey(1), [[0, 1]])).toThrow(/has 2 columns, the model is 5-dimensional/);
    expect(() => new LightSb(1, { logWeights: new Float64Array(2), means: new Float64Array(5), logScales: new Float64Array(5) })).toThrow(SbkitInputError);
    expect(() => loadLightSb(join(tmpdir(), "no-such-sbkit-folder"))).toThrow(/is not a model folder/);
  });
});
