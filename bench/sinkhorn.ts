/**
 * Sinkhorn benchmark: sbkit vs POT (Debian python3-pot) on the same data in one run.
 * For each size n = m, dimension d and ε ∈ {0.01, 0.1} × mean cost: the time to an L1 marginal error ≤ 1e-4 of
 * sbkit's default solver and of the best POT method that gets there (each POT method is retried with a smaller
 * stopThr until its plan's L1 error is ≤ 1e-4, since POT stops on the L2 error of one marginal), peak memory of
 * each trial process, and the relative agreement of the transport cost ⟨C, P⟩.
 *
 * usage: npm run build && node --import tsx bench/sinkhorn.ts [--sizes 1000,5000,20000] [--dims 2,64]
 *        [--factors 0.01,0.1] [--pot-timeout 300] [--pot-max-iter 20000] [--pot-methods sinkhorn,sinkhorn_log,...]
 *        [--out bench/out/sinkhorn.json]
 * A POT trial that exceeds the timeout or the iteration cap is recorded as such (it did not reach 1e-4).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { writeBenchmarkClouds } from "./clouds.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const sizes = (args.get("sizes") ?? "1000,5000,20000").split(",").map(Number);
const dims = (args.get("dims") ?? "2,64").split(",").map(Number);
const factors = (args.get("factors") ?? "0.01,0.1").split(",").map(Number);
const potTimeout = Number(args.get("pot-timeout") ?? 300);
const potMaxIter = args.get("pot-max-iter") ?? "20000";
const potMethods = (args.get("pot-methods") ?? "sinkhorn,sinkhorn_log,sinkhorn_stabilized").split(",");
const outFile = args.get("out") ?? "bench/out/sinkhorn.json";
const TOL = 1e-4;
const python = "/usr/bin/python3";
mkdirSync("bench/out", { recursive: true });

function runJson(cmd: string, argv: string[], timeoutS: number): Record<string, number | string | boolean> | { error: string } {
  try {
    const out = execFileSync(cmd, argv, { timeout: timeoutS * 1000, maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "pipe"] }).toString();
    return JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
  } catch (e) {
    const err = e as { signal?: string; stderr?: Buffer; message: string };
    return { error: err.signal === "SIGTERM" ? `timeout ${timeoutS}s` : (err.stderr?.toString().trim().split("\n").at(-1) ?? err.message) };
  }
}

const results: Record<string, unknown>[] = [];
for (const n of sizes) {
  for (const d of dims) {
    const { src, tgt, mean: mc } = writeBenchmarkClouds(n, d);
    for (const factor of factors) {
      const eps = factor * mc;
      const sb = runJson("node", ["bench/sbkitCase.mjs", src, tgt, String(eps), String(TOL)], 7200);
      const pot: Record<string, unknown>[] = [];
      for (const method of potMethods) {
        for (const thr of [1e-4, 1e-5, 1e-6, 1e-7]) {
          const r: Record<string, number | string | boolean> = { method, stopThr: thr, ...runJson(python, ["bench/potCase.py", src, tgt, String(eps), method, String(thr), potMaxIter], potTimeout) };
          pot.push(r);
          if ("error" in r || !r.finite || (r.marginalError as number) <= TOL) break;
        }
      }
      const ok = pot.filter((r) => !("error" in r) && r.finite && (r.marginalError as number) <= TOL) as Record<string, number | string>[];
      const best = ok.sort((p, q) => (p.seconds as number) - (q.seconds as number))[0];
      const row = {
        n, d, factor, epsilon: eps, sbkit: sb, potBest: best ?? null, potTrials: pot,
        speedup: best && !("error" in sb) ? (best.seconds as number) / (sb.seconds as number) : null,
        costRelDiff: best && !("error" in sb) ? Math.abs((sb.cost as number) - (best.cost as number)) / Math.abs(best.cost as number) : null,
      };
      results.push(row);
      writeFileSync(outFile, JSON.stringify(results, null, 1));
      const s = sb as Record<string, number>;
      console.log(`n=${n} d=${d} eps=${factor}×mean: sbkit ${s.seconds?.toFixed?.(2)}s ${s.peakMB?.toFixed?.(0)}MB it=${s.iterations} | POT best ${best ? `${best.method} ${(best.seconds as number).toFixed(2)}s ${(best.peakMB as number).toFixed(0)}MB` : "none reached 1e-4"} | speedup ${row.speedup?.toFixed(2) ?? "-"} | cost rel diff ${row.costRelDiff?.toExponential(1) ?? "-"}`);
    }
  }
}
