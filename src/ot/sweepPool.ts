/**
 * A lazily created, process-wide pool of `worker_threads` for pairwise sweeps. Workers are `unref`'d so an idle
 * pool never keeps the process alive. Data travels in `SharedArrayBuffer`s (no copies); each request sends only
 * a row range. Under a TypeScript test runner the worker loads its `.ts` source through `tsx`.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { SbkitNumericalError } from "../core/errors.js";
import type { SweepRequest } from "./sinkhornSteps.js";
import { sweepRowCount } from "./sweep.js";
import type { WorkerMessage } from "./sweepWorker.js";
import type { Workspace } from "./workspace.js";

interface Reply { ok: boolean; value: number; colSums?: Float64Array; message?: string }

class PooledWorker {
  private readonly worker: Worker;
  private pending: ((r: Reply) => void) | undefined;

  constructor() {
    this.worker = spawnSweepWorker();
    this.worker.on("message", (r: Reply) => this.settle(r));
    this.worker.on("error", (e) => this.settle({ ok: false, value: 0, message: e.message }));
    this.worker.unref();
  }

  /** Sends one request; the worker is ref'd only while a reply is pending, so an idle pool never holds the process. */
  send(msg: WorkerMessage): Promise<Reply> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker.ref();
      this.worker.postMessage(msg);
    });
  }

  private settle(r: Reply): void {
    const p = this.pending;
    this.pending = undefined;
    this.worker.unref();
    p?.(r);
  }
}

/**
 * Starts the worker. From compiled JS it loads `sweepWorker.js`; from TypeScript sources (tests) it boots a tiny
 * CommonJS script that registers tsx's loader (a dev dependency) and then imports `sweepWorker.ts`.
 */
function spawnSweepWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./sweepWorker.js", import.meta.url));
  const tsxApi = createRequire(import.meta.url).resolve("tsx/esm/api");
  const entry = new URL("./sweepWorker.ts", import.meta.url).href;
  const boot = `require(${JSON.stringify(tsxApi)}).register(); import(${JSON.stringify(entry)});`;
  return new Worker(boot, { eval: true });
}

const pool: PooledWorker[] = [];

/** Default number of helper workers: available cores − 1 (the calling thread works too). */
export function defaultThreads(): number {
  return Math.max(0, availableParallelism() - 1);
}

function workers(count: number): PooledWorker[] {
  while (pool.length < count) pool.push(new PooledWorker());
  return pool.slice(0, count);
}

function check(r: Reply): Reply {
  if (!r.ok) throw new SbkitNumericalError("sinkhornAsync", `worker failed: ${r.message}`);
  return r;
}

/** Splits sweeps of one workspace over the calling thread plus `count` workers. */
export class SweepTeam {
  private readonly team: PooledWorker[];
  private readonly ws: Workspace;

  private constructor(team: PooledWorker[], ws: Workspace) {
    this.team = team;
    this.ws = ws;
  }

  /**
   * Attaches `ws` (which must be SharedArrayBuffer-backed) to `count` workers; worker p uses slot p + 1 of a shared
   * engine memory (`shareOnlineEngine`), the calling thread slot 0.
   */
  static async create(ws: Workspace, count: number): Promise<SweepTeam> {
    const team = workers(count);
    await Promise.all(team.map(async (w, p) => check(await w.send({ type: "attach", ws, slot: p + 1 }))));
    return new SweepTeam(team, ws);
  }

  /** Runs `req` over all rows: the workers take the first blocks, `local` runs the last block here. */
  async run(req: SweepRequest, local: (r0: number, r1: number) => number): Promise<number> {
    const rows = sweepRowCount(req, this.ws);
    const parts = this.team.length + 1;
    const bounds = Array.from({ length: parts + 1 }, (_, p) => Math.round((p * rows) / parts));
    if (req.kind === "plan") this.ws.outY.fill(0);
    const replies = this.team.map((w, p) => w.send({ type: "run", req, r0: bounds[p], r1: bounds[p + 1] }));
    let total = local(bounds[parts - 1], bounds[parts]);
    for (const reply of await Promise.all(replies)) {
      const r = check(reply);
      total += r.value;
      if (r.colSums) for (let j = 0; j < r.colSums.length; j++) this.ws.outY[j] += r.colSums[j];
    }
    return total;
  }
}
