import { describe, expect, it } from "vitest";
import { fastExp } from "../../src/ot/fastExp.js";

describe("fastExp", () => {
  it("agrees with Math.exp to 1e-15 relative over the whole normal range, and at the edges", () => {
    let worst = 0;
    for (let i = 0; i <= 400_000; i++) {
      const t = -708 + (i / 400_000) * 1417 + 1e-7 * Math.sin(i);
      worst = Math.max(worst, Math.abs(fastExp(t) / Math.exp(t) - 1));
    }
    expect(worst).toBeLessThan(1e-15);
    expect(fastExp(0)).toBe(1);
    expect(Math.abs(fastExp(1) / Math.E - 1)).toBeLessThan(1e-15);
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(800)).toBe(Infinity);
    expect(fastExp(-740)).toBe(Math.exp(-740));
    expect(Number.isNaN(fastExp(NaN))).toBe(true);
  });
});
