/**
 * Choice of how Sinkhorn's pairwise sweeps are evaluated — the "tensorized vs online" choice of GeomLoss
 * (Feydy et al. 2019): the dense backend caches an `[n, m]` kernel (8·n·m bytes, or 4·n·m in float32) and makes each sweep a
 * matrix–vector product; the online backend recomputes costs on the fly in O(n + m) memory. `"auto"` goes dense
 * when the kernel fits the `denseMemoryMB` budget. Both answer the same {@link SweepRequest}s.
 */
import { SbkitInputError } from "../core/errors.js";
import { allocateDenseStore, kernelEntryBytes, singleKernelAvailable, type DenseStore, type KernelPrecision } from "./denseStore.js";
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

/**
 * The loosest tolerance at which the dense kernel is kept in float32: its rounding (2⁻²⁴ per entry) and that of a few
 * in-place updates must fit the backend's relative error budget, 1% of the tolerance (`denseSweeps.ts`):
 * `0.01 · 5e-5 = 5e-7 ≥ 8 · 2⁻²⁴`.
 */
export const SINGLE_KERNEL_MIN_TOLERANCE = 5e-5;

/**
 * How the dense kernel of an n×m problem is stored: float32 (`"single"`, half the memory, and each sweep streams half
 * the bytes) when the float64 kernel does not fit `denseMemoryMB`, with `precision: "mixed"` (the default), a
 * tolerance of at least {@link SINGLE_KERNEL_MIN_TOLERANCE} and WebAssembly SIMD; else float64. Where float64 fits it
 * is kept: float32's narrower range (entries below e^−80 flushed) costs exact rebuilds when the potentials move far
 * in the first iterations, and measured no faster there (n = m = 5000, tolerance 1e-4: 0.9–1.1× the float64 time).
 * Beyond it, the float32 kernel keeps problems dense that would go online: n = m = 7000, ε = 0.01 × mean cost,
 * 2.5 s instead of 4.3 s online at d = 2, 4.4 s instead of 10.6 s at d = 64 (`bench/float32Kernel.ts`).
 */
export function denseKernelPrecision(n: number, m: number, opts: Pick<ResolvedSinkhornOptions, "precision" | "tolerance" | "denseMemoryMB">): KernelPrecision {
  const single = opts.precision === "mixed" && opts.tolerance >= SINGLE_KERNEL_MIN_TOLERANCE;
  return single && denseKernelBytes(n, m) > opts.denseMemoryMB * MIB && singleKernelAvailable() ? "single" : "double";
}

/** Bytes of the dense kernel of an n×m problem (8 per entry, 4 in float32). */
export function denseKernelBytes(n: number, m: number, precision: KernelPrecision = "double"): number {
  return kernelEntryBytes(precision) * n * m;
}

/**
 * The backend that `opts.backend` selects for `problem`: `"online"`/`"dense"` as asked, `"auto"` → dense iff the
 * kernel (`denseKernelBytes` at {@link denseKernelPrecision}) fits `denseMemoryMB · 2^20` bytes. Asking for
 * `"dense"` above the budget is an error naming `fn` and `backend`.
 */
export function chooseBackend(problem: OtProblem, opts: Pick<ResolvedSinkhornOptions, "backend" | "denseMemoryMB" | "precision" | "tolerance">, fn: string): "online" | "dense" {
  const n = problem.source.rows;
  const m = problem.target.rows;
  const precision = denseKernelPrecision(n, m, opts);
  const fits = denseKernelBytes(n, m, precision) <= opts.denseMemoryMB * MIB;
  if (opts.backend === "online") return "online";
  if (opts.backend === "auto") return fits ? "dense" : "online";
  if (!fits) {
    const need = (denseKernelBytes(n, m, precision) / MIB).toFixed(1);
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
    store = allocateDenseStore(ws.n, ws.m, ws.d, "auto", denseKernelPrecision(ws.n, ws.m, opts));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    if (opts.backend === "auto") return new OnlineSweeps(ws);
    throw new SbkitInputError(fn, "backend", `"dense" could not allocate the ${ws.n}×${ws.m} kernel (${error.message}); use "online"`);
  }
  return new DenseSweeps(problem, ws, store, opts.tolerance);
}
