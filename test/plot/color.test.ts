import { describe, expect, it } from "vitest";
import { COLOR_MAP_NAMES, colorMap, colorMapTable, paletteColor, rgbToHex, toRgb } from "../../src/plot/color.js";
import { SbkitInputError } from "../../src/core/errors.js";

describe("colour maps", () => {
  it("hit matplotlib's endpoints exactly", () => {
    expect(rgbToHex(colorMap("viridis", 0))).toBe("#440154");
    expect(rgbToHex(colorMap("viridis", 1))).toBe("#fde725");
    expect(rgbToHex(colorMap("plasma", 0))).toBe("#0d0887");
    expect(rgbToHex(colorMap("plasma", 1))).toBe("#f0f921");
    expect(colorMap("gray", 0)).toEqual([0, 0, 0]);
    expect(colorMap("gray", 1)).toEqual([255, 255, 255]);
    expect(colorMap("gray", 0.5)).toEqual([128, 128, 128]);
  });

  it("hit the anchors and interpolate between them", () => {
    expect(rgbToHex(colorMap("viridis", 0.5))).toBe("#21908c");
    const mid = colorMap("viridis", 1 / 16);
    const [a, b] = [colorMap("viridis", 0), colorMap("viridis", 1 / 8)];
    for (let c = 0; c < 3; c++) expect(Math.abs(mid[c] - (a[c] + b[c]) / 2)).toBeLessThanOrEqual(0.5);
  });

  it("clamp t outside [0, 1] to the end colours and reject NaN and unknown names", () => {
    expect(colorMap("viridis", -3)).toEqual(colorMap("viridis", 0));
    expect(colorMap("viridis", 7)).toEqual(colorMap("viridis", 1));
    expect(() => colorMap("viridis", NaN)).toThrow(/colorMap: t/);
    expect(() => colorMap("jet" as never, 0.5)).toThrow(SbkitInputError);
  });

  it("tables agree with the function at every entry", () => {
    for (const name of COLOR_MAP_NAMES) {
      const table = colorMapTable(name);
      for (const k of [0, 1, 100, 254, 255]) expect(Array.from(table.subarray(3 * k, 3 * k + 3))).toEqual(colorMap(name, k / 255));
    }
  });

  it("parse hex colours and reject bad ones with the argument named", () => {
    expect(toRgb("#1f77b4")).toEqual([31, 119, 180]);
    expect(toRgb("#fff")).toEqual([255, 255, 255]);
    expect(rgbToHex(paletteColor(0))).toBe("#1f77b4");
    expect(rgbToHex(paletteColor(10))).toBe("#1f77b4");
    expect(() => toRgb("red", "scatterPanel", "clouds[0].color")).toThrow(/scatterPanel: clouds\[0\]\.color must be a hex colour/);
    expect(() => toRgb([0, 300, 0])).toThrow(/integers in \[0, 255\]/);
  });
});
