import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";

describe("README", () => {
  it("the API example runs as written and prints converged numbers", async () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const index = pathToFileURL(resolve(__dirname, "../src/index.ts")).href;
    const code = block![1].replace(/from "sbkit"/g, `from ${JSON.stringify(index)}`);
    const file = join(mkdtempSync(join(tmpdir(), "sbkit-readme-")), "example.ts");
    writeFileSync(file, code);
    const lines: unknown[][] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => { lines.push(args); });
    try {
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
    }
    expect(lines.length).toBe(2);
    const [converged, iterations, cost, marginalError] = lines[0] as [boolean, number, number, number];
    expect(converged).toBe(true);
    expect(iterations).toBeGreaterThan(0);
    expect(marginalError).toBeLessThan(1e-5);
    const [exactCost] = lines[1] as [number];
    // Entropic cost ≥ exact OT cost (the plan is feasible), and close to it at small ε.
    expect(cost).toBeGreaterThanOrEqual(exactCost);
    expect(cost / exactCost - 1).toBeLessThan(0.2);
  });
});
