import { describe, expect, it } from "vitest";
import { threefry2x32 } from "../../src/core/threefry.js";
import { categorical, makeKey, normal, permutation, split, uniform } from "../../src/core/rng.js";

describe("threefry2x32", () => {
  it("matches the Random123 known-answer vectors", () => {
    const out = new Uint32Array(2);
    threefry2x32(0, 0, 0, 0, out);
    expect([out[0], out[1]]).toEqual([0x6b200159, 0x99ba4efe]);
    threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect([out[0], out[1]]).toEqual([0x1cb996fc, 0xbb002be7]);
    threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, out);
    expect([out[0], out[1]]).toEqual([0xc4923a9c, 0x483df7a0]);
  });
});

describe("rng", () => {
  it("is deterministic per key and differs across split keys", () => {
    const key = makeKey(42);
    expect(Array.from(uniform(key, 5))).toEqual(Array.from(uniform(makeKey(42), 5)));
    const [a, b] = split(key);
    expect(uniform(a, 1)[0]).not.toBe(uniform(b, 1)[0]);
  });

  it("draws normals with mean 0 and variance 1", () => {
    const z = normal(makeKey(1), 200_000);
    let m = 0;
    let v = 0;
    for (const x of z) m += x;
    m /= z.length;
    for (const x of z) v += (x - m) ** 2;
    v /= z.length - 1;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
  });

  it("draws categories with the given frequencies", () => {
    const draws = categorical(makeKey(3), [1, 0, 3], 100_000);
    const counts = [0, 0, 0];
    for (const c of draws) counts[c]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 1e5).toBeCloseTo(0.25, 2);
    expect(counts[2] / 1e5).toBeCloseTo(0.75, 2);
    expect(() => categorical(makeKey(3), [1, -1], 2)).toThrow(/categorical: weights/);
  });

  it("makes permutations that contain every index once", () => {
    const p = Array.from(permutation(makeKey(5), 1000)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
