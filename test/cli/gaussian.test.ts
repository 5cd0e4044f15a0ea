import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registerGaussian } from "../../src/cli/commands/gaussian.js";
import { runInProcess } from "./captureCli.js";

const dir = mkdtempSync(join(tmpdir(), "sbkit-gaussian-"));

function specFile(spec: unknown): string {
  const path = join(dir, `spec-${Math.floor(performance.now() * 1000)}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

const run = (args: string[]) => runInProcess([registerGaussian], args);

afterEach(() => { process.exitCode = undefined; });

describe("sbkit gaussian", () => {
  it("prints C, Sigma_t and B_t as JSON matching the 1-D closed form", async () => {
    const path = specFile({ mu0: [0], mu1: [1], S0: [[2]], S1: [[0.5]], eps: 1 });
    const { stdout } = await run(["gaussian", "--spec", path, "--times", "0,0.5,1", "--json"]);
    const out = JSON.parse(stdout);
    const c = (-1 + Math.sqrt(1 + 4)) / 2;
    expect(out.C[0][0]).toBeCloseTo(c, 12);
    expect(out.Sigma_t).toHaveLength(3);
    expect(out.Sigma_t[0][0][0]).toBeCloseTo(2, 12);
    expect(out.Sigma_t[1][0][0]).toBeCloseTo(0.25 * 2 + 0.25 * 0.5 + 0.25 * (2 * c + 1), 12);
    expect(out.Sigma_t[2][0][0]).toBeCloseTo(0.5, 12);
    // 1-D: B_t = A_t / Σ_t with A_t = tΣ1 − (1−t)Σ0 + (1−2t)c − εt
    expect(out.B_t[1][0][0]).toBeCloseTo((0.25 - 1 - 0.5) / out.Sigma_t[1][0][0], 12);
    expect(Object.keys(out).sort()).toEqual(["B_t", "C", "Sigma_t"]);
  });

  it("prints a readable summary without --json", async () => {
    const path = specFile({ mu0: [0, 0], mu1: [1, 1], S0: [[1, 0], [0, 1]], S1: [[2, 0.3], [0.3, 1]], eps: 0.5 });
    const { stdout } = await run(["gaussian", "--spec", path]);
    expect(stdout).toMatch(/cross-covariance C/);
    expect(stdout).toMatch(/t = 0.75: B_t/);
  });

  it("reports bad specs and times on stderr with exit code 1", async () => {
    const bad = specFile({ mu0: [0, 0], mu1: [1, 1], S0: [[1, 2], [2, 1]], S1: [[1, 0], [0, 1]], eps: 0.5 });
    const r1 = await run(["gaussian", "--spec", bad, "--json"]);
    expect(r1.stderr).toMatch(/sbkit: gaussianSb: source.covariance must be symmetric positive definite/);
    expect(r1.code).toBe(1);
    const ok = specFile({ mu0: [0], mu1: [1], S0: [[1]], S1: [[1]], eps: 1 });
    const r2 = await run(["gaussian", "--spec", ok, "--times", "0.5,1.2"]);
    expect(r2.stderr).toMatch(/--times must be comma-separated times in \[0, 1\]/);
    expect(r2.code).toBe(1);
    const r3 = await run(["gaussian", "--spec", specFile({ mu0: [0] }), "--json"]);
    expect(r3.stderr).toMatch(/missing the field "mu1"/);
    expect(r3.code).toBe(1);
    const r4 = await run(["gaussian", "--spec", specFile({ mu0: [0], mu1: [1], S0: [[1]], S1: [[1]], eps: 0 })]);
    expect(r4.stderr).toMatch(/epsilon must be a finite number > 0/);
    expect(r4.code).toBe(1);
  });
});
