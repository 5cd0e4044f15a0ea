import { describe, expect, it } from "vitest";
import { covariance } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { fbmCovariance, markovApproximateFbm } from "../../src/sde/fractionalBrownian.js";
import { gammaFunction, scaledUpperIncompleteGamma } from "../../src/sde/specialFunctions.js";

describe("special functions", () => {
  it("match closed forms of Γ and Γ(a, x)", () => {
    expect(gammaFunction(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 13);
    expect(gammaFunction(5)).toBeCloseTo(24, 11);
    for (const x of [0, 0.3, 1.5, 2.5, 7, 40]) {
      expect(scaledUpperIncompleteGamma(1, x)).toBeCloseTo(1, 12); // Γ(1,x) = e^{−x}
      expect(scaledUpperIncompleteGamma(2, x) / (x + 1)).toBeCloseTo(1, 12); // Γ(2,x) = (x+1)e^{−x}
      // recurrence Γ(a+1, x) = aΓ(a, x) + x^a e^{−x} across the series / continued-fraction switch
      const a = 0.7;
      expect(scaledUpperIncompleteGamma(a + 1, x)).toBeCloseTo(a * scaledUpperIncompleteGamma(a, x) + x ** a, 11);
    }
  });
});

describe("Markov-approximate fractional Brownian motion", () => {
  for (const hurst of [0.3, 0.5, 0.7]) {
    it(`H = ${hurst}: its exact covariance matches ½(t^{2H} + s^{2H} − |t−s|^{2H})`, () => {
      const fbm = markovApproximateFbm(hurst);
      let maxErr = 0;
      for (const t of [0.05, 0.2, 0.5, 0.8, 1]) for (const s of [0.1, 0.5, 1]) maxErr = Math.max(maxErr, Math.abs(fbm.covariance(t, s) - fbmCovariance(hurst, t, s)));
      expect(maxErr).toBeLessThan(3e-3);
    });
  }

  it("samples paths whose covariance matches the fBM covariance within Monte-Carlo error (H = 0.3)", () => {
    const hurst = 0.3;
    const fbm = markovApproximateFbm(hurst, { processes: 12 });
    const times = [0.25, 0.5, 0.75, 1];
    const paths = fbm.sample(makeKey(7), times, 20_000);
    const c = covariance(paths);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const exact = fbmCovariance(hurst, times[i], times[j]);
        expect(Math.abs(c.data[i * 4 + j] - exact)).toBeLessThan(0.03);
      }
    }
    // anti-persistent increments for H < ½
    const incCov = c.data[1 * 4 + 3] - c.data[0 * 4 + 3] - c.data[1 * 4 + 2] + c.data[0 * 4 + 2];
    expect(incCov).toBeLessThan(0);
  });

  it("rejects a Hurst index outside (0, 1) and bad time grids", () => {
    expect(() => markovApproximateFbm(1)).toThrow(/hurst must be in \(0, 1\)/);
    expect(() => markovApproximateFbm(0.3, { processes: 0 })).toThrow(/processes must be an integer/);
    expect(() => markovApproximateFbm(0.3, { processes: 4 }).sample(makeKey(1), [0.5, 0.2], 10)).toThrow(/times must be increasing/);
  });
});
