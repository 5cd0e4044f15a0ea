import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { registerDemo } from "../../src/cli/commands/demo.js";
import { readNpy, writeNpy2D } from "../../src/core/npy.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { runInProcess } from "./captureCli.js";

const main = resolve(__dirname, "../../src/cli/main.ts");
const sbkit = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", main, ...args], { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "sbkit-demo-cli-"));
const quick = ["--steps", "30", "--n", "200", "--paths", "16", "--sample-steps", "20", "--hidden", "32,32", "--batch-size", "64"];

const runDemo = (args: string[]) => runInProcess([registerDemo], args);

/** Number of distinct RGB colours of a PNG file. */
function distinctColours(path: string): { width: number; height: number; colours: number } {
  const png = PNG.sync.read(readFileSync(path));
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return { width: png.width, height: png.height, colours: seen.size };
}

describe("sbkit demo", () => {
  it("trains sf2m, writes figures, data, summary.json and an index.html that shows them with the W2 numbers", () => {
    const out = join(dir, "sf2m");
    const r = sbkit(["demo", ...quick, "--out", out, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ source: "8gaussians", target: "moons", method: "sf2m", sigma: 0.5, epsilon: 0.25, dimension: 2, n: 200, paths: 16, steps: 30, sampleSteps: 20, mode: "sde", seed: 0 });
    expect(Object.keys(summary).sort()).toEqual([
      "batchSize", "dimension", "epsilon", "evaluationPoints", "figures", "finalLoss", "hiddenDims", "learningRate", "method", "mode", "n", "paths",
      "sampleSteps", "samplingSeconds", "seed", "sigma", "source", "staticSb", "steps", "target", "totalSeconds", "trainingSeconds",
      "w2GeneratedTarget", "w2SourceTarget", "w2TargetResample",
    ]);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))).toEqual(summary);
    expect(summary.staticSb.converged).toBe(true);
    expect(summary.evaluationPoints).toBe(200);
    for (const key of ["w2GeneratedTarget", "w2SourceTarget", "w2TargetResample", "trainingSeconds", "finalLoss"]) {
      expect(Number.isFinite(summary[key]) && summary[key] > 0, key).toBe(true);
    }

    const figures = ["samples", "trajectories", "loss"].flatMap((f) => [`${f}.png`, `${f}.svg`]);
    for (const f of [...figures, "index.html", "summary.json", "source.npy", "target.npy", "generated.npy", "trajectory.npy", "times.npy", "loss.npy"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(summary.figures).toEqual({ samples: ["samples.png", "samples.svg"], trajectories: ["trajectories.png", "trajectories.svg"], loss: ["loss.png", "loss.svg"] });
    for (const f of figures.filter((name) => name.endsWith(".png"))) {
      const { width, height, colours } = distinctColours(join(out, f));
      expect(width, f).toBeGreaterThan(300);
      expect(height, f).toBeGreaterThan(300);
      expect(colours, f).toBeGreaterThan(50);
    }
    for (const f of figures.filter((name) => name.endsWith(".svg"))) {
      const svg = readFileSync(join(out, f), "utf8");
      expect(svg.includes("<svg ") && svg.trimEnd().endsWith("</svg>"), f).toBe(true);
      expect((svg.match(/<(circle|path|polyline) /g) ?? []).length, f).toBeGreaterThan(3);
    }

    // Data files: shapes, and the time-major trajectory with its times.
    expect(readNpy(join(out, "source.npy")).shape).toEqual([200, 2]);
    expect(readNpy(join(out, "target.npy")).shape).toEqual([200, 2]);
    expect(readNpy(join(out, "generated.npy")).shape).toEqual([200, 2]);
    expect(readNpy(join(out, "trajectory.npy")).shape).toEqual([21 * 16, 2]);
    const times = Array.from(readNpy(join(out, "times.npy")).data);
    expect(times).toHaveLength(21);
    expect(times[0]).toBe(0);
    expect(times[20]).toBeCloseTo(1, 12);
    expect(readNpy(join(out, "loss.npy")).shape).toEqual([30]);
    // The trajectory starts at the first source rows and ends near its final states.
    const traj = readNpy(join(out, "trajectory.npy")).data;
    const src = readNpy(join(out, "source.npy")).data;
    expect(Array.from(traj.subarray(0, 32))).toEqual(Array.from(src.subarray(0, 32)));

    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const f of figures) expect(html, f).toContain(`href="${f}"`);
    for (const f of ["samples.png", "trajectories.png", "loss.png"]) expect(html).toContain(`<img src="${f}"`);
    expect(html).toContain(summary.w2GeneratedTarget.toFixed(4));
    expect(html).toContain(summary.w2SourceTarget.toFixed(4));
    expect(html).toContain(summary.w2TargetResample.toFixed(4));
    expect(html).toContain(`${summary.trainingSeconds.toFixed(1)} s`);
    expect(html).toMatch(/W2\(generated, target\)/);
    expect(html).toContain("sbkit demo --source 8gaussians --target moons --method sf2m --sigma 0.5 --steps 30");
  });

  it("prints a readable summary and trains otcfm and cfm (ODE sampling) from files", () => {
    const xs = join(dir, "x.npy");
    const ys = join(dir, "y.npy");
    writeNpy2D(xs, normal2d(makeKey(1), 120, 2));
    const y = normal2d(makeKey(2), 150, 2);
    for (let i = 0; i < y.data.length; i++) y.data[i] = 0.5 * y.data[i] + 3;
    writeNpy2D(ys, y);
    const out = join(dir, "otcfm");
    const r = sbkit(["demo", ...quick, "--method", "otcfm", "--source", xs, "--target", ys, "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/otcfm bridge .*x\.npy → .*y\.npy/);
    expect(r.stdout).toMatch(/W2\(generated, target\) = \d+\.\d{4}/);
    expect(r.stdout).toMatch(/W2\(source, target\) {4}= \d+\.\d{4}/);
    expect(r.stdout).toContain(join(out, "index.html"));
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ method: "otcfm", mode: "ode", w2TargetResample: null, evaluationPoints: 120 });
    // Files are used as they are: all 120 source rows start a sample, compared with all 150 target rows.
    expect(readNpy(join(out, "generated.npy")).shape).toEqual([120, 2]);
    expect(readNpy(join(out, "target.npy")).shape).toEqual([150, 2]);
    // Moving N(0, I) to N(3, 0.25 I) even with 30 steps must beat the identity map by a wide margin.
    expect(summary.w2GeneratedTarget).toBeLessThan(0.5 * summary.w2SourceTarget);
    expect(readFileSync(join(out, "index.html"), "utf8")).not.toMatch(/W2\(target, target\)/);

    const cfm = sbkit(["demo", ...quick, "--method", "cfm", "--paths", "300", "--out", join(dir, "cfm"), "--json"]);
    expect(cfm.status).toBe(0);
    expect(JSON.parse(cfm.stdout)).toMatchObject({ method: "cfm", mode: "ode" });
    // More paths than points: starting rows cycle.
    expect(readNpy(join(dir, "cfm", "trajectory.npy")).shape).toEqual([21 * 300, 2]);
  });

  it("bad options exit 1 with one clear line naming the option, before any training", async () => {
    const cases: [string[], RegExp][] = [
      [["--method", "dsbm"], /^sbkit: demo: --method must be one of sf2m, otcfm, cfm \(got "dsbm"\)/],
      [["--method", "score"], /--method .*use sbkit fit --method score/],
      [["--sigma", "0"], /^sbkit: demo: --sigma must be > 0/],
      [["--sigma", "-0.5"], /--sigma must be > 0/],
      [["--sigma", "abc"], /--sigma must be a number/],
      [["--source", "nosuchdata"], /--source "nosuchdata" is neither a \.npy\/\.csv file nor a built-in data set/],
      [["--target", join(dir, "missing.npy")], /--target/],
      [["--steps", "0"], /--steps must be an integer ≥ 1/],
      [["--n", "1"], /--n must be an integer ≥ 2/],
      [["--hidden", "64,x"], /--hidden must be a number/],
      [["--method", "cfm", "--mode", "sde"], /--mode sde needs a learned score/],
      [["--mode", "euler"], /--mode must be sde or ode/],
      [["--source", "gaussian:3"], /--target has dimension 2, expected 3/],
    ];
    for (const [args, message] of cases) {
      const { stderr, code } = await runDemo(["demo", ...quick, ...args, "--out", join(dir, "bad")]);
      expect(code, args.join(" ")).toBe(1);
      expect(stderr, args.join(" ")).toMatch(message);
      expect(stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
    expect(existsSync(join(dir, "bad"))).toBe(false);
    // The binary: the same line on stderr and exit code 1.
    const r = sbkit(["demo", "--method", "nope", "--out", join(dir, "bad")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('sbkit: demo: --method must be one of sf2m, otcfm, cfm (got "nope")\n');
  });
});
