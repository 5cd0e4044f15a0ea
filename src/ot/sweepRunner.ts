/**
 * Choice of how Sinkhorn's pairwise sweeps are evaluated — the "tensorized vs online" choice of GeomLoss
 * (Feydy et al. 2019): the dense backend caches an `[n, m]` kernel (8·n·m bytes) and makes each sweep a
 * matrix–vector product; the online backend recomputes costs on the fly in O(n + m) memory. `"auto"` goes dense
 * when the kernel fits the `denseMemoryMB` budget. Both answer the same {@link SweepRequest}s.
 */
import { SbkitInputError } from "../core/errors.js";
import { allocateDenseStore, type DenseStore } from "./denseStore.js";
import { DenseSweeps } from "./denseSweeps.js";
import type { OtProblem } from "./problem.js";
import type { ResolvedSinkhornOptions } from "./sinkhornOptions.js";
import type { SinkhornBackendInfo } from "./sinkhornResult.js";
import type { SweepRequest } from "./sinkhornSteps.js";
import { OnlineEngine } from "./onlineEngine.js";
import { runSweep } from "./sweep.js";
import type { Workspace } from "./workspace.js";

/** Evaluates sweep requests on the calling thread and reports what it did. */
export interface SweepRunner {
  run(req: SweepRequest): number;
  info(): SinkhornBackendInfo;
}

const MIB = 2 ** 20;

/** Bytes of the dense kernel of an n×m problem. */
export function denseKernelBytes(n: number, m: number): number {
  return 8 * n * m;
}

/**
 * The backend that `opts.backend` selects for `problem`: `"online"`/`"dense"` as asked, `"auto"` → dense iff
 * `8·n·m ≤ denseMemoryMB · 2^20`. Asking for `"dense"` above the budget is an error naming `fn` and `backend`.
 */
export function chooseBackend(problem: OtProblem, opts: Pick<ResolvedSinkhornOptions, "backend" | "denseMemoryMB">, fn: string): "online" | "dense" {
  const n = problem.source.rows;
  const m = problem.target.rows;
  const fits = denseKernelBytes(n, m) <= opts.denseMemoryMB * MIB;
  if (opts.backend === "online") return "online";
  if (opts.backend === "auto") return fits ? "dense" : "online";
  if (!fits) {
    const need = (denseKernelBytes(n, m) / MIB).toFixed(1);
    throw new SbkitInputError(fn, "backend", `"dense" needs ${need} MiB for the ${n}×${m} kernel, above denseMemoryMB = ${opts.denseMemoryMB}; raise denseMemoryMB or use "online" or "auto"`);
  }
  return "dense";
}

class OnlineSweeps implements SweepRunner {
  private readonly ws: Workspace;
  private readonly count = new OnlineSweepCount();

  constructor(ws: Workspace) {
    this.ws = ws;
  }

  run(req: SweepRequest): number {
    const reply = runSweep(req, this.ws);
    this.count.record(req, this.ws, reply);
    return reply;
  }

  info(): SinkhornBackendInfo {
    return this.count.info();
  }
}

/**
 * Counts what the online sweeps did: `sweeps` that ran in float32 (requested `single` and served by the WebAssembly
 * engine) and `fallbackRows`, the log-sum-exp rows recomputed around their exact maximum (a sweep's reply).
 */
export class OnlineSweepCount {
  private sweeps = 0;
  private fallbackRows = 0;

  /** Records one finished request and its reply. */
  record(req: SweepRequest, ws: Workspace, reply: number): void {
    if (req.kind !== "lse") return;
    if (req.single && OnlineEngine.of(ws) !== null) this.sweeps++;
    this.fallbackRows += reply;
  }

  /** The diagnostics so far. */
  info(): SinkhornBackendInfo {
    return onlineBackendInfo(this.sweeps, this.fallbackRows);
  }
}

/** The diagnostics of a solve whose sweeps all ran online (no kernel cached). */
export function onlineBackendInfo(singlePrecisionSweeps = 0, fallbackRows = 0): SinkhornBackendInfo {
  return { kind: "online", kernelBuilds: 0, kernelUpdates: 0, fallbackRows, singlePrecisionSweeps };
}

/**
 * A runner for `problem` on the calling thread. If the kernel cannot be allocated (the budget exceeds what the
 * process can get), `"auto"` runs online — visible as `backend.kind` in the result — and `"dense"` throws.
 */
export function makeSweepRunner(problem: OtProblem, opts: ResolvedSinkhornOptions, ws: Workspace, fn: string): SweepRunner {
  if (chooseBackend(problem, opts, fn) === "online") return new OnlineSweeps(ws);
  let store: DenseStore;
  try {
    store = allocateDenseStore(ws.n, ws.m, ws.d);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    if (opts.backend === "auto") return new OnlineSweeps(ws);
    throw new SbkitInputError(fn, "backend", `"dense" could not allocate the ${ws.n}×${ws.m} kernel (${error.message}); use "online"`);
  }
  return new DenseSweeps(problem, ws, store, opts.tolerance);
}
