/**
 * The float32 dense kernel against the online backend it replaces above the float64 budget: n = m (default 7000,
 * where the float64 kernel, 392 MB, passes the default denseMemoryMB = 256 and the float32 one, 196 MB, fits), the
 * clouds of bench/sinkhorn.ts, tolerance 1e-4, sbkit's default options with `backend` "auto" (→ dense float32) and
 * "online", each in its own process (bench/sbkitCase.mjs). Prints a Markdown table.
 * usage: npm run build && node --import tsx bench/float32Kernel.ts [--n 7000] [--dims 2,64] [--factors 0.01,0.1]
 */
import { execFileSync } from "node:child_process";
import { writeBenchmarkClouds } from "./clouds.js";

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const n = Number(flag("--n", "7000"));
const dims = flag("--dims", "2,64").split(",").map(Number);
const factors = flag("--factors", "0.01,0.1").split(",").map(Number);
console.log("| d | ε / mean cost | float32 dense s | online s | dense builds / fallback rows | dense peak MB | online peak MB | cost rel. diff |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const d of dims) {
  const { src, tgt, mean } = writeBenchmarkClouds(n, d);
  for (const factor of factors) {
    const run = (backend: string) => JSON.parse(execFileSync("node", ["bench/sbkitCase.mjs", src, tgt, String(factor * mean), "1e-4", "-", "-", backend]).toString().trim().split("\n").at(-1) ?? "{}");
    const dense = run("auto");
    const online = run("online");
    if (dense.precision !== "single") throw new Error(`n = ${n}: the dense run used precision ${dense.precision}; pick n where only float32 fits`);
    const diff = Math.abs(dense.cost - online.cost) / Math.abs(online.cost);
    console.log(`| ${d} | ${factor} | ${dense.seconds.toFixed(2)} | ${online.seconds.toFixed(2)} | ${dense.builds} / ${dense.fallbacks} | ${dense.peakMB.toFixed(0)} | ${online.peakMB.toFixed(0)} | ${diff.toExponential(1)} |`);
  }
}
