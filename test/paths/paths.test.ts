import { describe, expect, it } from "vitest";
import { array2d } from "../../src/core/array2d.js";
import { makeKey, normal2d, uniform } from "../../src/core/rng.js";
import { brownianBridgePath, linearPath, PATH_END_CLAMP, vpPath } from "../../src/paths/paths.js";
import type { ConditionalPath } from "../../src/paths/conditionalPath.js";

const n = 50;
const d = 3;
const x0 = normal2d(makeKey(1), n, d);
const x1 = normal2d(makeKey(2), n, d);
const z = normal2d(makeKey(3), n, d);

function at(path: ConditionalPath, t: Float64Array) {
  return path.sample(t, x0, x1, z);
}

describe("conditional paths", () => {
  const paths: [string, ConditionalPath][] = [
    ["linear σ=0", linearPath()],
    ["linear σ=0.3", linearPath(0.3)],
    ["Brownian bridge σ=0.7", brownianBridgePath(0.7)],
    ["VP", vpPath()],
  ];
  for (const [name, path] of paths) {
    it(`${name}: velocity equals the finite-difference time derivative of x_t (fixed x0, x1, z)`, () => {
      const t = uniform(makeKey(4), n, Math.max(0.05, path.tMin), Math.min(0.95, path.tMax));
      const h = 1e-5;
      const plus = at(path, t.map((s) => s + h));
      const minus = at(path, t.map((s) => s - h));
      const u = path.velocity(t, x0, x1, z);
      let worst = 0;
      for (let k = 0; k < u.data.length; k++) worst = Math.max(worst, Math.abs(u.data[k] - (plus.data[k] - minus.data[k]) / (2 * h)) / (1 + Math.abs(u.data[k])));
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it("hits its endpoints: x_0 = x0 and x_1 = x1 for the bridge; the VP path ends at the data", () => {
    const bridge = brownianBridgePath(1);
    expect(Array.from(at(bridge, new Float64Array(n).fill(0)).data)).toEqual(Array.from(x0.data));
    const end = at(bridge, new Float64Array(n).fill(1));
    end.data.forEach((v, k) => expect(v).toBeCloseTo(x1.data[k], 12));
    const vpEnd = at(vpPath(), new Float64Array(n).fill(1));
    vpEnd.data.forEach((v, k) => expect(v).toBeCloseTo(x1.data[k], 12));
  });

  it("score is the gradient of the Gaussian log-density N(μ_t, γ²I) (finite differences)", () => {
    const path = brownianBridgePath(0.5);
    const t = new Float64Array(n).fill(0.3);
    const mu = path.mean(t, x0, x1);
    const xt = path.sample(t, x0, x1, z);
    const g = path.std(0.3);
    const logp = (x: number[], m: number[]) => -x.reduce((s, xi, k) => s + (xi - m[k]) ** 2, 0) / (2 * g * g);
    const s = path.score(t, z);
    const row = (a: { data: Float64Array }, i: number) => Array.from(a.data.subarray(i * d, i * d + d));
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < d; k++) {
        const xp = row(xt, i);
        const xm = row(xt, i);
        xp[k] += 1e-6;
        xm[k] -= 1e-6;
        expect(s.data[i * d + k]).toBeCloseTo((logp(xp, row(mu, i)) - logp(xm, row(mu, i))) / 2e-6, 4);
      }
    }
  });

  it("Brownian-bridge marginal variance is σ²t(1−t) (Monte Carlo)", () => {
    const m = 20000;
    const zero = array2d(new Float64Array(m), m, 1);
    const zz = normal2d(makeKey(9), m, 1);
    const t = new Float64Array(m).fill(0.25);
    const xt = brownianBridgePath(2).sample(t, zero, zero, zz);
    const v = xt.data.reduce((s, x) => s + x * x, 0) / m;
    expect(Math.abs(v - 4 * 0.25 * 0.75)).toBeLessThan(0.05);
  });

  it("documents its end clamps and rejects bad σ and mismatched shapes", () => {
    expect(brownianBridgePath(1).tMin).toBe(PATH_END_CLAMP);
    expect(vpPath().tMax).toBe(1 - PATH_END_CLAMP);
    expect(() => brownianBridgePath(0)).toThrow(/brownianBridgePath: sigma/);
    expect(() => linearPath(-1)).toThrow(/linearPath: sigma/);
    expect(() => linearPath().velocity(new Float64Array(2), x0, x1, z)).toThrow(/ConditionalPath.velocity: t has length 2/);
    expect(() => brownianBridgePath(1).score(new Float64Array(n), z)).toThrow(/γ > 0/);
  });
});
