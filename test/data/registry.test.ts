import { describe, expect, it } from "vitest";
import { columnMeans } from "../../src/core/array2d.js";
import { makeKey } from "../../src/core/rng.js";
import { BUILTIN_NAMES, loadBuiltin } from "../../src/data/registry.js";
import { sampleToy, TOY_NAMES } from "../../src/data/toys.js";

describe("loadBuiltin", () => {
  it("returns the toys by name, identical to sampleToy under the same key", () => {
    for (const name of TOY_NAMES) {
      expect(Array.from(loadBuiltin(name, 64, makeKey(3)).data)).toEqual(Array.from(sampleToy(name, 64, makeKey(3)).data));
    }
    expect(BUILTIN_NAMES).toEqual([...TOY_NAMES, "gaussian", "gaussian:D"]);
  });

  it("returns standard normals for gaussian and gaussian:D", () => {
    const g = loadBuiltin("gaussian", 20_000, makeKey(1));
    expect([g.rows, g.cols]).toEqual([20_000, 2]);
    const g5 = loadBuiltin("gaussian:5", 20_000, makeKey(2));
    expect([g5.rows, g5.cols]).toEqual([20_000, 5]);
    for (const m of [...columnMeans(g), ...columnMeans(g5)]) expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(20_000));
    const sq = g5.data.reduce((s, v) => s + v * v, 0) / g5.data.length;
    expect(Math.abs(sq - 1)).toBeLessThan(5 * Math.sqrt(2 / g5.data.length));
  });

  it("rejects unknown names, bad dimensions and bad n", () => {
    const k = makeKey(0);
    expect(() => loadBuiltin("mnist", 10, k)).toThrow(/loadBuiltin: name must be one of 8gaussians, .*gaussian, gaussian:D \(got "mnist"\)/);
    expect(() => loadBuiltin("gaussian:0", 10, k)).toThrow(/loadBuiltin: name "gaussian:D" needs an integer D in \[1, 100000\]/);
    expect(() => loadBuiltin("gaussian:2.5", 10, k)).toThrow(/loadBuiltin: name must be one of/);
    expect(() => loadBuiltin("gaussian:", 10, k)).toThrow(/loadBuiltin: name must be one of/);
    expect(() => loadBuiltin("moons", -3, k)).toThrow(/loadBuiltin: n must be an integer/);
  });
});
