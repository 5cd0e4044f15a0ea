import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registerPlot } from "../../src/cli/commands/plot.js";
import { writeNpy, writeNpy2D } from "../../src/core/npy.js";
import { makeKey, split } from "../../src/core/rng.js";
import { sampleToy } from "../../src/data/toys.js";
import { decodePng, distinctColors, xmlElementCounts } from "../plot/helpers.js";
import { runInProcess } from "./captureCli.js";

const dir = mkdtempSync(join(tmpdir(), "sbkit-plot-cli-"));
const [k1, k2] = split(makeKey(5), 2);
const source = sampleToy("8gaussians", 200, k1);
const samples = sampleToy("moons", 200, k2);
writeNpy2D(join(dir, "source.npy"), source);
writeNpy2D(join(dir, "samples.npy"), samples);
writeNpy2D(join(dir, "points3d.npy"), { data: new Float64Array(30), rows: 10, cols: 3 });
// Time-major trajectory like `sbkit demo`: T = 6 times of n = 20 paths, rows k·n … (k+1)·n − 1 at time k.
const T = 6;
const n = 20;
const traj = new Float64Array(T * n * 2);
for (let k = 0; k < T; k++) {
  const t = k / (T - 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) traj[(k * n + i) * 2 + j] = (1 - t) * source.data[2 * i + j] + t * samples.data[2 * i + j];
}
writeNpy(join(dir, "trajectory.npy"), traj, [T * n, 2]);
writeNpy(join(dir, "times.npy"), Float64Array.from({ length: T }, (_, k) => k / (T - 1)), [T]);
mkdirSync(join(dir, "bare"));
writeNpy(join(dir, "bare", "trajectory.npy"), traj, [T * n, 2]);
writeNpy(join(dir, "loss.npy"), Float64Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10) + 0.01), [50]);

const run = (args: string[]) => runInProcess([registerPlot], args);

afterEach(() => { process.exitCode = 0; });

describe("sbkit plot", () => {
  it("writes a PNG of source, samples, paths (times from times.npy beside them), density and loss", async () => {
    const out = join(dir, "fig.png");
    const { stdout, code } = await run(["plot", "--samples", join(dir, "samples.npy"), "--source", join(dir, "source.npy"),
      "--trajectory", join(dir, "trajectory.npy"), "--density", "--loss", join(dir, "loss.npy"), "--loss-scale", "log",
      "--out", out, "--title", "test", "--width", "800", "--height", "600"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/wrote .*fig\.png \(800 × 600, panels: scatter, trajectories, density, loss\)/);
    const img = decodePng(readFileSync(out));
    expect([img.width, img.height]).toEqual([800, 600]);
    expect(distinctColors(img)).toBeGreaterThan(100);
  });

  it("writes SVG, taking the number of paths from --paths", async () => {
    const out = join(dir, "fig.svg");
    const { code } = await run(["plot", "--samples", join(dir, "samples.npy"), "--trajectory", join(dir, "trajectory.npy"), "--paths", String(n),
      "--max-paths", "5", "--out", out]);
    expect(code).toBe(0);
    const counts = xmlElementCounts(readFileSync(out, "utf8"));
    // 200 samples + 2 legend discs (scatter) + 5 starts + 5 ends + 2 legend discs (paths).
    expect(counts.get("circle")).toBe(200 + 1 + 5 + 5 + 2);
  });

  it("accepts built-in data set names", async () => {
    const out = join(dir, "builtin.png");
    const { code } = await run(["plot", "--samples", "moons", "--source", "8gaussians", "--n", "100", "--out", out]);
    expect(code).toBe(0);
    expect(decodePng(readFileSync(out)).width).toBe(480);
  });

  it("exits 1 with a clear message on a missing file and writes nothing", async () => {
    const out = join(dir, "missing.png");
    const { stderr, code } = await run(["plot", "--samples", join(dir, "nope.npy"), "--out", out]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sbkit: plot: --samples ".*nope\.npy" could not be read \(ENOENT/);
    expect(existsSync(out)).toBe(false);
  });

  it("exits 1 on a bad extension, 3-D points, a trajectory without times, or a bad size", async () => {
    const samplesFile = join(dir, "samples.npy");
    const cases: Array<[string[], RegExp]> = [
      [["--out", join(dir, "fig.jpg")], /plot: --out ".*fig\.jpg" must end in \.png or \.svg/],
      [["--source", join(dir, "points3d.npy")], /plot: --source has 3 columns; plots show 2-D data/],
      [["--width", "50"], /plot: --width leaves 50 px per panel/],
      [["--width", "abc"], /plot: --width must be a number/],
      [["--trajectory", join(dir, "bare", "trajectory.npy")], /plot: --trajectory needs the number of time points: pass --times FILE or --paths K \(no ".*trajectory\.times\.npy" or ".*times\.npy" found\)/],
      [["--trajectory", samplesFile], /plot: --trajectory has 200 rows, not a multiple of the 6 time points given by ".*times\.npy"/],
      [["--trajectory", join(dir, "bare", "trajectory.npy"), "--times", join(dir, "nope.npy")], /plot: --times ".*nope\.npy" could not be read/],
      [["--trajectory", join(dir, "trajectory.npy"), "--paths", "7"], /plot: --paths must be a positive divisor of the 120 trajectory rows/],
    ];
    for (const [extra, pattern] of cases) {
      const { stderr, code } = await run(["plot", "--samples", samplesFile, "--out", join(dir, "bad.png"), ...extra]);
      expect(code).toBe(1);
      expect(stderr).toMatch(pattern);
    }
  });
});
