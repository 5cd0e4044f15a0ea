/**
 * Worker-thread side of the parallel Sinkhorn driver: holds views of a solve's shared buffers and runs
 * {@link lseRows} / {@link planRows} on the block of rows it is given.
 */
import { parentPort } from "node:worker_threads";
import { sweepBlock } from "./sweep.js";
import type { SweepRequest } from "./sinkhornSteps.js";
import type { Workspace } from "./workspace.js";

/** Messages from the pool to a worker. */
export type WorkerMessage =
  | { type: "attach"; ws: Workspace; slot: number }
  | { type: "run"; req: SweepRequest; r0: number; r1: number };

let ws: Workspace | undefined;

function run(req: SweepRequest, r0: number, r1: number): { value: number; colSums?: Float64Array } {
  if (ws === undefined) throw new Error("sweepWorker: no workspace attached");
  const colSums = req.kind === "plan" ? new Float64Array(ws.m) : undefined;
  const value = sweepBlock(req, ws, r0, r1, colSums ?? ws.outY);
  return colSums ? { value, colSums } : { value };
}

parentPort?.on("message", (msg: WorkerMessage) => {
  try {
    if (msg.type === "attach") {
      ws = { ...msg.ws, engineSlot: msg.slot };
      parentPort?.postMessage({ ok: true, value: 0 });
    } else {
      const out = run(msg.req, msg.r0, msg.r1);
      parentPort?.postMessage({ ok: true, ...out }, out.colSums ? [out.colSums.buffer as ArrayBuffer] : []);
    }
  } catch (error) {
    parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
