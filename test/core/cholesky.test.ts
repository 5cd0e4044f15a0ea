import { describe, expect, it } from "vitest";
import { choleskyOrUndefined, choleskySolveWith } from "../../src/core/cholesky.js";
import { solve } from "../../src/core/linalg.js";
import { makeKey, normal } from "../../src/core/rng.js";

describe("dependency-free Cholesky", () => {
  it("factors an SPD matrix (L Lᵀ = A) and solves A x = b like LU", () => {
    const d = 5;
    const g = normal(makeKey(3), d * d);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < d; k++) s += g[i * d + k] * g[j * d + k];
      a[i * d + j] = s;
    }
    const l = choleskyOrUndefined(a, d);
    expect(l).toBeDefined();
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += l![i * d + k] * l![j * d + k];
      expect(s).toBeCloseTo(a[i * d + j], 12);
    }
    const b = normal(makeKey(4), d);
    const x = choleskySolveWith(l!, b, d);
    const lu = solve({ data: a, rows: d, cols: d }, { data: Float64Array.from(b), rows: d, cols: 1 }).data;
    for (let i = 0; i < d; i++) expect(x[i]).toBeCloseTo(lu[i], 10);
  });

  it("returns undefined for a matrix that is not positive definite", () => {
    expect(choleskyOrUndefined(Float64Array.of(1, 2, 2, 1), 2)).toBeUndefined();
    expect(choleskyOrUndefined(Float64Array.of(0, 0, 0, 1), 2)).toBeUndefined();
  });
});
