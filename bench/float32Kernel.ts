/**
 * The float32 dense kernel against the online backend it replaces above the float64 budget: n = m (default 7000,
 * where the float64 kernel, 392 MB, passes the default denseMemoryMB = 256 and the float32 one, 196 MB, fits), the
 * clouds of bench/sinkhorn.ts, tolerance 1e-4, sbkit's default options with `backend` "auto" (→ dense float32) and
 * "online", each in its own process (bench/sbkitCase.mjs). Prints a Markdown table.
 * usage: npm run build && node --import tsx bench/float32Kernel.ts [--n 7000] [--dims 2,64] [--factors 0.01,0.1]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeKey, normal2d, split } from "../src/core/rng.js";
import { writeNpy2D } from "../src/core/npy.js";
import { meanCost, otProblem } from "../src/ot/problem.js";

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const n = Number(flag("--n", "7000"));
const dims = flag("--dims", "2,64").split(",").map(Number);
const factors = flag("--factors", "0.01,0.1").split(",").map(Number);
mkdirSync("bench/out", { recursive: true });
console.log("| d | ε / mean cost | float32 dense s | online s | dense builds / fallback rows | dense peak MB | online peak MB | cost rel. diff |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const d of dims) {
  // the clouds of bench/sinkhorn.ts: x ~ N(0, I), y ~ N(2/√d · 1, 0.25 I)
  const [k1, k2] = split(makeKey(1000 * n + d));
  const x = normal2d(k1, n, d);
  const y = normal2d(k2, n, d);
  for (let i = 0; i < y.data.length; i++) y.data[i] = 0.5 * y.data[i] + 2 / Math.sqrt(d);
  const src = join("bench/out", `src_${n}_${d}.npy`);
  const tgt = join("bench/out", `tgt_${n}_${d}.npy`);
  writeNpy2D(src, x);
  writeNpy2D(tgt, y);
  const mean = meanCost(otProblem(x, y, { epsilon: 1 }));
  for (const factor of factors) {
    const run = (backend: string) => JSON.parse(execFileSync("node", ["bench/sbkitCase.mjs", src, tgt, String(factor * mean), "1e-4", "-", "-", backend]).toString().trim().split("\n").at(-1) ?? "{}");
    const dense = run("auto");
    const online = run("online");
    if (dense.precision !== "single") throw new Error(`n = ${n}: the dense run used precision ${dense.precision}; pick n where only float32 fits`);
    const diff = Math.abs(dense.cost - online.cost) / Math.abs(online.cost);
    console.log(`| ${d} | ${factor} | ${dense.seconds.toFixed(2)} | ${online.seconds.toFixed(2)} | ${dense.builds} / ${dense.fallbacks} | ${dense.peakMB.toFixed(0)} | ${online.peakMB.toFixed(0)} | ${diff.toExponential(1)} |`);
  }
}
