/** Dispatches one {@link SweepRequest} over a block of rows of a {@link Workspace} (any thread). */
import { lseRows, planRows } from "./lseKernel.js";
import { OnlineEngine } from "./onlineEngine.js";
import type { SweepRequest } from "./sinkhornSteps.js";
import type { Workspace } from "./workspace.js";

/** Rows a request runs over: target rows for a target sweep, source rows otherwise. */
export function sweepRowCount(req: SweepRequest, ws: Workspace): number {
  return req.kind === "lse" && req.side === "target" ? ws.m : ws.n;
}

/**
 * Runs `req` on rows `[r0, r1)`. A plan pass adds its column sums into `colSums` `[m]` (a private buffer per
 * thread, reduced by the caller) and returns its share of `⟨C, P⟩`; a log-sum-exp sweep returns its number of
 * exact-fallback rows.
 */
export function sweepBlock(req: SweepRequest, ws: Workspace, r0: number, r1: number, colSums: Float64Array): number {
  const { n, m, d } = ws;
  const engine = OnlineEngine.of(ws);
  if (engine !== null) return req.kind === "lse" ? engine.lse(req.side, req.invEps, r0, r1, req.single) : engine.plan(req.invEps, r0, r1, colSums);
  if (req.kind === "lse") {
    return req.side === "source"
      ? lseRows(ws.xs, ws.ys, d, m, ws.hY, req.invEps, ws.shiftX, ws.outX, r0, r1)
      : lseRows(ws.ys, ws.xs, d, n, ws.hX, req.invEps, ws.shiftY, ws.outY, r0, r1);
  }
  return planRows(ws.xs, ws.ys, d, m, ws.hX, ws.hY, req.invEps, ws.outX, colSums, r0, r1);
}

/** Runs `req` over all rows on the calling thread (a plan pass writes column sums to `ws.outY`). */
export function runSweep(req: SweepRequest, ws: Workspace): number {
  if (req.kind === "plan") ws.outY.fill(0);
  return sweepBlock(req, ws, 0, sweepRowCount(req, ws), ws.outY);
}
