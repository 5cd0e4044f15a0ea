import { describe, expect, it } from "vitest";
import { equalizeAspect, formatTick, logTicks, niceTicks, padRange, toPixelX, toPixelY, type Frame } from "../../src/plot/axes.js";

describe("axes", () => {
  it("nice ticks are multiples of 1, 2 or 5 × 10^k inside the range", () => {
    expect(niceTicks(-3.7, 3.9, 5)).toEqual({ values: [-2, 0, 2], step: 2 });
    expect(niceTicks(0, 1, 5).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const { values, step } = niceTicks(0.013, 0.0571, 4);
    expect(step).toBeCloseTo(0.01, 15);
    expect(values).toEqual([0.02, 0.03, 0.04, 0.05]);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0.013 - 1e-12);
      expect(v).toBeLessThanOrEqual(0.0571);
    }
  });

  it("formats tick labels compactly", () => {
    expect(formatTick(0.6000000000000001, 0.2)).toBe("0.6");
    expect(formatTick(-2, 2)).toBe("-2");
    expect(formatTick(0.25, 0.05)).toBe("0.25");
    expect(formatTick(1e-4, 1e-4)).toBe("1e-4");
    expect(formatTick(2.5e6, 5e5)).toBe("2.5e6");
    expect(formatTick(1000, 1000)).toBe("1000");
    expect(formatTick(0, 1)).toBe("0");
  });

  it("log ticks are powers of ten", () => {
    expect(logTicks(0.05, 2.3)).toEqual([0.1, 1]);
    expect(logTicks(1e-6, 1e6).length).toBeLessThanOrEqual(7);
  });

  it("pads ranges, including a single value and log axes", () => {
    expect(padRange([0, 10])).toEqual([-0.5, 10.5]);
    expect(padRange([3, 3])).toEqual([1.5, 4.5]);
    expect(padRange([0, 0])).toEqual([-0.5, 0.5]);
    const [lo, hi] = padRange([1, 100], 0.5, true);
    expect(lo).toBeCloseTo(0.1, 12);
    expect(hi).toBeCloseTo(1000, 9);
  });

  it("equal aspect gives one data unit the same pixel length on both axes", () => {
    const [x, y] = equalizeAspect([0, 1], [0, 4], 400, 200);
    expect((x[1] - x[0]) / 400).toBeCloseTo((y[1] - y[0]) / 200, 12);
    expect(y).toEqual([0, 4]);
    expect((x[0] + x[1]) / 2).toBeCloseTo(0.5, 12);
  });

  it("maps data to pixels with y up, and log10 on a log axis", () => {
    const frame: Frame = { left: 10, top: 20, width: 100, height: 50, x: [0, 1], y: [1, 100], logY: true };
    expect(toPixelX(frame, 0.5)).toBe(60);
    expect(toPixelY(frame, 1)).toBe(70);
    expect(toPixelY(frame, 100)).toBe(20);
    expect(toPixelY(frame, 10)).toBeCloseTo(45, 12);
  });
});
