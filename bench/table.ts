/**
 * Prints the results of bench/sinkhorn.ts as a Markdown table (the tables in BENCHMARKS.md).
 * usage: node --import tsx bench/table.ts bench/out/s_small.json [more.json ...] [--methods sinkhorn,sinkhorn_log]
 */
import { readFileSync } from "node:fs";

interface Trial { method?: string; stopThr?: number; seconds?: number; peakMB?: number; marginalError?: number; finite?: boolean; error?: string; cost?: number }
interface Row {
  n: number; d: number; factor: number; epsilon: number;
  sbkit: Trial & { iterations?: number; stages?: number };
  potBest: Trial | null; potTrials: Trial[]; speedup: number | null; costRelDiff: number | null;
}

const fmt = (v: number | undefined, digits = 2) => (v === undefined ? "–" : v.toFixed(digits));

/** What each POT method did: its best time to ≤ 1e-4, or why it has none. */
function potNotes(trials: Trial[]): string {
  const byMethod = new Map<string, Trial[]>();
  for (const t of trials) {
    const key = t.method ?? "?";
    byMethod.set(key, [...(byMethod.get(key) ?? []), t]);
  }
  const parts: string[] = [];
  for (const [method, ts] of byMethod) {
    const ok = ts.filter((t) => t.finite && (t.marginalError ?? Infinity) <= 1e-4);
    if (ok.length > 0) {
      const best = ok.sort((p, q) => (p.seconds ?? 0) - (q.seconds ?? 0))[0];
      parts.push(`${method} ${fmt(best.seconds)} s (stopThr ${best.stopThr?.toExponential(0)})`);
    } else {
      const last = ts.at(-1);
      const why = last?.error ?? (last?.finite === false ? "non-finite plan" : `L1 error ${last?.marginalError?.toExponential(1)} at stopThr ${last?.stopThr?.toExponential(0)}`);
      parts.push(`${method}: ${why}`);
    }
  }
  return parts.join("; ");
}

const lines = [
  "| n | d | ε / mean cost | sbkit s | sbkit peak MB | sbkit iterations | best POT | POT s | POT peak MB | speedup (POT/sbkit) | cost rel. diff | POT methods (best time to ≤ 1e-4, or why none) |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
];
for (const file of process.argv.slice(2).filter((a, k, all) => a !== "--methods" && all[k - 1] !== "--methods")) {
  const rows = JSON.parse(readFileSync(file, "utf8")) as Row[];
  for (const r of rows) {
    const s = r.sbkit;
    const b = r.potBest;
    const trials = withMethods(r.potTrials);
    lines.push(`| ${r.n} | ${r.d} | ${r.factor} | ${s.error ? s.error : fmt(s.seconds)} | ${fmt(s.peakMB, 0)} | ${s.iterations ?? "–"} | ${b?.method ?? "none ≤ 1e-4"} | ${fmt(b?.seconds)} | ${fmt(b?.peakMB, 0)} | ${r.speedup === null ? "–" : `${r.speedup.toFixed(2)}×`} | ${r.costRelDiff === null ? "–" : r.costRelDiff.toExponential(1)} | ${potNotes(trials)} |`);
  }
}
console.log(lines.join("\n"));

/**
 * Older runs recorded a failed trial (timeout, crash) without its method. bench/sinkhorn.ts tries the methods in
 * order (default list below, or --methods), each with stopThr 1e-4, 1e-5, 1e-6, 1e-7 until one reaches 1e-4, fails,
 * or gives a non-finite plan; that order identifies the method of such a trial.
 */
function withMethods(trials: Trial[]): Trial[] {
  const flag = process.argv.indexOf("--methods");
  const methods = (flag > 0 ? process.argv[flag + 1] : "sinkhorn,sinkhorn_log,sinkhorn_stabilized").split(",");
  let index = -1;
  let count = 0;
  let moveOn = true;
  return trials.map((t) => {
    if (t.method !== undefined) {
      if (t.method !== methods[index]) count = 0;
      index = methods.indexOf(t.method);
    } else if (moveOn || count >= 4) {
      index++;
      count = 0;
    }
    count++;
    moveOn = t.error !== undefined || t.finite === false || (t.marginalError ?? Infinity) <= 1e-4 || count >= 4;
    return { ...t, method: t.method ?? methods[index] };
  });
}
