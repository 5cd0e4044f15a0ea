/**
 * Re-times the cases of a bench/sinkhorn.ts result file: sbkit (default options, from dist/) and the best POT
 * method at the stopThr that reached 1e-4 there, alternating, `--repeats` times each (default 3), and prints the
 * medians as a Markdown table. Use it when the first run shared the machine with other work.
 * usage: npm run build && node --import tsx bench/repeat.ts bench/out/s_small.json [--repeats 3] [--out FILE.json]
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Trial { method?: string; stopThr?: number; seconds?: number; peakMB?: number; marginalError?: number; cost?: number; error?: string }
interface Row { n: number; d: number; factor: number; epsilon: number; sbkit: Trial; potBest: Trial | null }

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const repeats = Number(flag("--repeats", "3"));
const outFile = flag("--out", "");
const rows = JSON.parse(readFileSync(args[0], "utf8")) as Row[];

function run(cmd: string, argv: string[]): Trial {
  const out = execFileSync(cmd, argv, { maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "pipe"] }).toString();
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Trial;
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
const table = [
  `| n | d | ε / mean cost | sbkit s (median of ${repeats}) | sbkit runs | POT method | POT s (median of ${repeats}) | POT runs | speedup |`,
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
];
const results: Record<string, unknown>[] = [];
for (const r of rows) {
  const src = join("bench/out", `src_${r.n}_${r.d}.npy`);
  const tgt = join("bench/out", `tgt_${r.n}_${r.d}.npy`);
  const sb: number[] = [];
  const pot: number[] = [];
  for (let k = 0; k < repeats; k++) {
    sb.push(run("node", ["bench/sbkitCase.mjs", src, tgt, String(r.epsilon), "1e-4"]).seconds ?? NaN);
    if (r.potBest) {
      const p = r.potBest;
      pot.push(run("/usr/bin/python3", ["bench/potCase.py", src, tgt, String(r.epsilon), String(p.method), String(p.stopThr), "20000"]).seconds ?? NaN);
    }
  }
  const s = median(sb);
  const p = pot.length > 0 ? median(pot) : NaN;
  results.push({ n: r.n, d: r.d, factor: r.factor, sbkitSeconds: sb, potMethod: r.potBest?.method ?? null, potSeconds: pot });
  table.push(`| ${r.n} | ${r.d} | ${r.factor} | ${s.toFixed(2)} | ${sb.map((v) => v.toFixed(2)).join(", ")} | ${r.potBest?.method ?? "–"} | ${Number.isNaN(p) ? "–" : p.toFixed(2)} | ${pot.map((v) => v.toFixed(2)).join(", ")} | ${Number.isNaN(p) ? "–" : `${(p / s).toFixed(2)}×`} |`);
  if (outFile) writeFileSync(outFile, JSON.stringify(results, null, 1));
  console.error(table.at(-1));
}
console.log(table.join("\n"));
