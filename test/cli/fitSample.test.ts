import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, readNpy2D, writeNpy2D } from "../../src/core/npy.js";
import { makeKey, normal2d } from "../../src/core/rng.js";

const main = resolve(__dirname, "../../src/cli/main.ts");
const sbkit = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", main, ...args], { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "sbkit-fit-cli-"));
const xs = join(dir, "x.npy");
writeNpy2D(xs, normal2d(makeKey(1), 30, 2));
const tiny = ["--hidden", "16,16", "--batch-size", "32", "--n", "300"];

describe("sbkit fit / sample", () => {
  it("fits sf2m, saves a model folder, and samples K paths per point with a trajectory", () => {
    const out = join(dir, "m");
    const fit = sbkit(["fit", "--method", "sf2m", "--source", "8gaussians", "--target", "moons", "--epsilon", "0.25", "--out", out, "--steps", "12", ...tiny, "--json"]);
    expect(fit.stderr).toBe("");
    expect(fit.status).toBe(0);
    const summary = JSON.parse(fit.stdout);
    expect(summary).toMatchObject({ method: "sf2m", status: "completed", steps: 12, out });
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8"))).toMatchObject({ format: "sbkit-model", method: "sf2m", step: 12, settings: { sigma: 0.5 } });
    const y = join(dir, "y.npy");
    const t = join(dir, "t.npy");
    const s = sbkit(["sample", "--model", out, "--source", xs, "--per-point", "3", "--steps", "10", "--out", y, "--trajectory", t, "--save-every", "5", "--json"]);
    expect(s.status).toBe(0);
    expect(readNpy2D(y).rows).toBe(90);
    expect(readNpy2D(t).rows).toBe(3 * 90);
    expect(Array.from(readNpy(join(dir, "t.times.npy")).data)).toEqual([0, 0.5, 1]);
    const back = sbkit(["sample", "--model", out, "--source", xs, "--direction", "backward", "--mode", "ode", "--steps", "5", "--out", join(dir, "b.csv")]);
    expect(back.status).toBe(0);
    expect(readFileSync(join(dir, "b.csv"), "utf8").trim().split("\n").length).toBeGreaterThanOrEqual(30);
  });

  it("fits the score model without a source and cfm without ε", () => {
    const score = sbkit(["fit", "--method", "score", "--target", "moons", "--out", join(dir, "s"), "--steps", "5", ...tiny, "--json"]);
    expect(score.status).toBe(0);
    const cfm = sbkit(["fit", "--method", "cfm", "--source", xs, "--target", "moons", "--out", join(dir, "c"), "--steps", "5", ...tiny, "--json"]);
    expect(cfm.status).toBe(0);
    const sde = sbkit(["sample", "--model", join(dir, "c"), "--source", xs, "--mode", "sde", "--out", join(dir, "c.npy")]);
    expect(sde.status).toBe(1);
    expect(sde.stderr).toMatch(/"sde" needs a learned score; a cfm model samples with mode "ode"/);
  });

  it("bad input exits 1 with one clear line", () => {
    const cases: [string[], RegExp][] = [
      [["fit", "--method", "dsx", "--source", xs, "--target", "moons", "--out", join(dir, "z")], /fit: --method must be one of score, cfm, otcfm, sf2m/],
      [["fit", "--method", "sf2m", "--source", xs, "--target", "moons", "--out", join(dir, "z")], /--epsilon is required for --method sf2m/],
      [["fit", "--method", "sf2m", "--source", xs, "--target", "moons", "--epsilon", "-1", "--out", join(dir, "z")], /--epsilon must be > 0/],
      [["fit", "--method", "otcfm", "--source", join(dir, "missing.npy"), "--target", "moons", "--out", join(dir, "z")], /--source/],
      [["sample", "--model", join(dir, "nope"), "--source", xs, "--out", join(dir, "q.npy")], /is not a model folder/],
    ];
    for (const [args, message] of cases) {
      const r = sbkit(args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it("Ctrl-C checkpoints and exits 130; --resume finishes the run", async () => {
    const out = join(dir, "int");
    const child = spawn(process.execPath, ["--import", "tsx", main, "fit", "--method", "otcfm", "--source", xs, "--target", "moons", "--out", out, "--steps", "100000", "--checkpoint-every", "5", ...tiny, "--json"]);
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += String(c)));
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, "config.json")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted at step \d+; checkpoint saved/);
    const saved = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    expect(saved.step).toBeGreaterThanOrEqual(5);
    expect(saved.step).toBeLessThan(100000);
    const resumed = sbkit(["fit", "--method", "otcfm", "--source", xs, "--target", "moons", "--out", out, "--steps", String(saved.step + 3), ...tiny, "--resume", "--json"]);
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "completed", steps: saved.step + 3 });
  }, 120_000);
});
