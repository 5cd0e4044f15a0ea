/**
 * Parallel driver of the point-cloud Sinkhorn solver: the same iteration as {@link sinkhorn}, with every online
 * sweep split over `worker_threads` when `n·m` is large enough to pay for it (below 2.5e5 pairs it runs inline,
 * which is faster; the numbers are identical either way up to summation order). When the dense backend is chosen
 * (the kernel fits `denseMemoryMB`), it runs on the calling thread.
 */
import { check, checkInteger } from "../core/errors.js";
import type { OtProblem } from "./problem.js";
import { finishResult, sinkhorn } from "./sinkhorn.js";
import { resolveSinkhornOptions, type SinkhornOptions } from "./sinkhornOptions.js";
import type { SinkhornResult } from "./sinkhornResult.js";
import { sinkhornSteps } from "./sinkhornSteps.js";
import { sweepBlock } from "./sweep.js";
import { defaultThreads, SweepTeam } from "./sweepPool.js";
import { chooseBackend, OnlineSweepCount } from "./sweepRunner.js";
import { makeWorkspace } from "./workspace.js";
import { shareOnlineEngine } from "./onlineLayout.js";

/** Pairs below which the parallel driver runs on the calling thread. */
export const PARALLEL_MIN_PAIRS = 250_000;

/**
 * {@link sinkhorn} with sweeps split over the calling thread and `options.threads` workers (default: cores − 1).
 * Same options, same result type.
 */
export async function sinkhornAsync(problem: OtProblem, options: SinkhornOptions = {}): Promise<SinkhornResult> {
  const threads = options.threads ?? defaultThreads();
  checkInteger(threads, "sinkhornAsync", "threads", 0, 256);
  check(typeof problem === "object" && problem !== null, "sinkhornAsync", "problem", "must be built with otProblem()");
  const opts = resolveSinkhornOptions(options, "sinkhornAsync");
  const backend = chooseBackend(problem, opts, "sinkhornAsync");
  if (threads === 0 || backend === "dense" || problem.source.rows * problem.target.rows < PARALLEL_MIN_PAIRS) return sinkhorn(problem, options);
  const started = performance.now();
  // One WebAssembly memory holds the clouds for the engines of all threads (slot 0 here, p + 1 for worker p).
  const ws = shareOnlineEngine(makeWorkspace(problem, true), threads + 1);
  const team = await SweepTeam.create(ws, threads);
  const steps = sinkhornSteps(problem, opts, ws);
  const count = new OnlineSweepCount();
  let reply = 0;
  for (;;) {
    const next = steps.next(reply);
    if (next.done) return finishResult(problem, ws, next.value, started, count.info());
    const req = next.value;
    reply = await team.run(req, (r0, r1) => sweepBlock(req, ws, r0, r1, ws.outY));
    count.record(req, ws, reply);
  }
}
