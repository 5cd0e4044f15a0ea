import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBenchmark } from "../../src/cli/commands/benchmark.js";
import { registerFit } from "../../src/cli/commands/fit.js";
import { registerSample } from "../../src/cli/commands/sample.js";
import { readNpy, readNpy2D, writeNpy2D } from "../../src/core/npy.js";
import { makeKey, normal2d } from "../../src/core/rng.js";
import { runInProcess } from "./captureCli.js";

const dir = mkdtempSync(join(tmpdir(), "sbkit-lightsb-cli-"));
const xs = join(dir, "x.npy");
writeNpy2D(xs, normal2d(makeKey(1), 20, 2));
const cli = (args: string[]) => runInProcess([registerFit, registerSample, registerBenchmark], args);

describe("sbkit fit/sample with lightsb and sbkit benchmark eot", () => {
  it("fits lightsb, saves a folder, and samples exactly, K per point, and along Euler–Maruyama paths", async () => {
    const out = join(dir, "lsb");
    const fit = await cli(["fit", "--method", "lightsb", "--source", "8gaussians", "--target", "moons", "--epsilon", "0.1", "--components", "8", "--steps", "30", "--n", "500", "--out", out, "--json"]);
    expect(fit.stderr).toBe("");
    expect(fit.code).toBe(0);
    expect(JSON.parse(fit.stdout)).toMatchObject({ method: "lightsb", status: "completed", steps: 30, out });
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8"))).toMatchObject({ method: "lightsb", epsilon: 0.1, dimension: 2, components: 8 });
    const y = join(dir, "y.npy");
    const s = await cli(["sample", "--model", out, "--source", xs, "--per-point", "4", "--out", y, "--json"]);
    expect(s.code).toBe(0);
    expect(readNpy2D(y).rows).toBe(80);
    const t = join(dir, "t.npy");
    const paths = await cli(["sample", "--model", out, "--source", xs, "--steps", "10", "--trajectory", t, "--save-every", "5", "--out", join(dir, "e.npy")]);
    expect(paths.code).toBe(0);
    expect(readNpy2D(t).rows).toBe(3 * 20);
    expect(Array.from(readNpy(join(dir, "t.times.npy")).data)).toEqual([0, 0.5, 1]);
    const back = await cli(["sample", "--model", out, "--source", xs, "--direction", "backward", "--out", join(dir, "b.npy")]);
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/"backward" is not supported/);
    const ode = await cli(["sample", "--model", out, "--source", xs, "--mode", "ode", "--out", join(dir, "b.npy")]);
    expect(ode.code).toBe(1);
    expect(ode.stderr).toMatch(/--mode must be exact or sde for a LightSB model/);
    const noEps = await cli(["fit", "--method", "lightsb", "--source", xs, "--target", "moons", "--out", join(dir, "z")]);
    expect(noEps.code).toBe(1);
    expect(noEps.stderr).toMatch(/--epsilon is required for --method lightsb/);
  }, 60_000);

  it("benchmark eot prints {cbw2uvp, bw2uvp, seconds}", async () => {
    const r = await cli(["benchmark", "eot", "--method", "lightsb", "--dim", "2", "--epsilon", "1", "--steps", "300", "--test-points", "40", "--samples-per-point", "300", "--training-size", "5000", "--json"]);
    expect(r.code).toBe(0);
    const scores = JSON.parse(r.stdout);
    for (const key of ["cbw2uvp", "bw2uvp", "seconds"]) expect(Number.isFinite(scores[key])).toBe(true);
    expect(scores).toMatchObject({ method: "lightsb", dimension: 2, epsilon: 1, testPoints: 40, samplesPerPoint: 300 });
    expect(scores.cbw2uvp).toBeGreaterThan(0);
    expect(scores.cbw2uvp).toBeLessThan(5);
    const bad = await cli(["benchmark", "eot", "--method", "nope", "--dim", "2", "--epsilon", "1", "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/runEotBenchmark: method must be one of lightsb, sf2m, dsbm, dsbm-ot, dsb/);
  }, 60_000);
});
