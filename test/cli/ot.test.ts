import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registerDemo } from "../../src/cli/commands/demo.js";
import { registerOt } from "../../src/cli/commands/ot.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { readNpy, writeNpy, writeNpy2D } from "../../src/core/npy.js";
import { exactOt } from "../../src/ot/exact/exactOt.js";
import { runInProcess } from "./captureCli.js";

const dir = mkdtempSync(join(tmpdir(), "sbkit-ot-cli-"));
const x = normal2d(makeKey(1), 60, 2);
const y = normal2d(makeKey(2), 60, 2);
for (let i = 0; i < y.data.length; i++) y.data[i] = 0.5 * y.data[i] + 1;
const xs = join(dir, "x.npy");
const ys = join(dir, "y.npy");
writeNpy2D(xs, x);
writeNpy2D(ys, y);

const run = (args: string[]) => runInProcess([registerOt, registerDemo], args);

afterEach(() => { process.exitCode = 0; });

describe("sbkit ot", () => {
  it("prints one JSON object with the documented keys, writes potentials and the plan", async () => {
    const plan = join(dir, "plan.npy");
    const { stdout, code } = await run(["ot", "--source", xs, "--target", ys, "--epsilon", "0.05", "--tolerance", "1e-8", "--plan", plan, "--potentials", join(dir, "pot"), "--json"]);
    expect(code).toBe(0);
    const res = JSON.parse(stdout);
    expect(Object.keys(res).sort()).toEqual(["converged", "cost", "iterations", "marginalError", "regularizedCost", "seconds"]);
    expect(res.converged).toBe(true);
    expect(res.marginalError).toBeLessThan(1e-8);
    const p = readNpy(plan);
    expect(p.shape).toEqual([60, 60]);
    // Row sums of the written plan are the uniform source weights.
    for (let i = 0; i < 60; i++) {
      let s = 0;
      for (let j = 0; j < 60; j++) s += p.data[i * 60 + j];
      expect(Math.abs(s - 1 / 60)).toBeLessThan(1e-8);
    }
    expect(readNpy(join(dir, "pot.f.npy")).shape).toEqual([60]);
    expect(readNpy(join(dir, "pot.g.npy")).shape).toEqual([60]);
    // The entropic cost is above the exact OT cost, and close at this small ε.
    const exact = exactOt(x, y).cost;
    expect(res.cost).toBeGreaterThan(exact - 1e-9);
    expect(res.cost / exact - 1).toBeLessThan(0.1);
  });

  it("--exact prints the exact OT cost", async () => {
    const { stdout, code } = await run(["ot", "--source", xs, "--target", ys, "--exact", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).cost).toBeCloseTo(exactOt(x, y).cost, 12);
  });

  it("exits 3 and says so when Sinkhorn does not converge", async () => {
    const { stdout, stderr, code } = await run(["ot", "--source", xs, "--target", ys, "--epsilon", "0.001", "--max-iterations", "3", "--json"]);
    expect(code).toBe(3);
    expect(JSON.parse(stdout).converged).toBe(false);
    expect(stderr).toMatch(/did not converge/);
  });

  it("accepts weights and the unbalanced strength", async () => {
    const a = join(dir, "a.npy");
    writeNpy(a, Float64Array.from({ length: 60 }, (_, i) => 1 + (i % 3)), [60]);
    const { stdout, code } = await run(["ot", "--source", xs, "--target", ys, "--epsilon", "0.1", "--source-weights", a, "--unbalanced", "1", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).converged).toBe(true);
  });

  it("gives a clear error naming the argument for bad input", async () => {
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, "not an array");
    const y3 = join(dir, "y3.npy");
    writeNpy2D(y3, normal2d(makeKey(5), 10, 3));
    const nan = join(dir, "nan.npy");
    const withNan = normal2d(makeKey(6), 10, 2);
    withNan.data[7] = NaN;
    writeNpy2D(nan, withNan);
    const neg = join(dir, "neg.npy");
    writeNpy(neg, Float64Array.from({ length: 60 }, (_, i) => (i === 4 ? -1 : 1)), [60]);
    const cases: Array<[string[], RegExp]> = [
      [["--target", y3, "--epsilon", "0.1"], /target|dimension/],
      [["--target", ys, "--epsilon", "0"], /epsilon/],
      [["--target", ys, "--epsilon", "-1"], /epsilon/],
      [["--target", ys, "--epsilon", "abc"], /--epsilon/],
      [["--target", nan, "--epsilon", "0.1"], /target.*(NaN|finite)|(NaN|finite).*target/i],
      [["--target", ys, "--epsilon", "0.1", "--source-weights", neg], /[Ww]eights/],
      [["--target", bad, "--epsilon", "0.1"], /--target/],
      [["--target", join(dir, "missing.npy"), "--epsilon", "0.1"], /--target/],
      [["--target", ys], /--epsilon/],
      [["--target", ys, "--epsilon", "0.1", "--precision", "half"], /--precision/],
    ];
    for (const [args, pattern] of cases) {
      const { stderr, code } = await run(["ot", "--source", xs, ...args]);
      expect(code, args.join(" ")).toBe(1);
      expect(stderr, args.join(" ")).toMatch(pattern);
    }
  });
});

describe("sbkit binary", () => {
  const main = resolve(__dirname, "../../src/cli/main.ts");
  const node = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", main, ...args], { encoding: "utf8" });

  it("--help lists the commands", () => {
    const help = execFileSync(process.execPath, ["--import", "tsx", main, "--help"], { encoding: "utf8" });
    for (const cmd of ["demo", "ot", "gaussian"]) expect(help).toMatch(new RegExp(`\\n\\s+${cmd}\\b`));
  });

  it("exits with code 3 on non-convergence and 1 on bad input, and the demo writes its outputs", () => {
    expect(node(["ot", "--source", xs, "--target", ys, "--epsilon", "0.001", "--max-iterations", "2", "--json"]).status).toBe(3);
    const bad = node(["ot", "--source", xs, "--target", ys, "--epsilon", "-2"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^sbkit: .*epsilon/);
    const out = join(dir, "demo-out");
    const demo = node(["demo", "--n", "200", "--paths", "16", "--steps", "8", "--sample-steps", "8", "--out", out, "--json"]);
    expect(demo.status).toBe(0);
    const summary = JSON.parse(demo.stdout);
    expect(summary.staticSb.converged).toBe(true);
    for (const f of ["source.npy", "target.npy", "generated.npy", "trajectory.npy", "times.npy", "summary.json", "index.html"]) expect(existsSync(join(out, f))).toBe(true);
    expect(readNpy(join(out, "trajectory.npy")).shape).toEqual([9 * 16, 2]);
  });
});
