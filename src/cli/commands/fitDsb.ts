/**
 * The `dsb` and `dsbm` branches of `sbkit fit`: DSB (IPF; De Bortoli et al. 2021) and DSBM-IPF (IMF; Shi et al.
 * 2023) between `--source` and `--target` with `--epsilon` (required; σ = √ε), saved as a two-drift model folder
 * (networks `forward` and `backward`; `sbkit sample --direction forward|backward`).
 *
 * `--iterations K` outer iterations (dsb default 5, dsbm 4), each two stages (one per network) of
 * `--steps-per-stage N` optimizer steps (default: `--steps` split evenly over the 2K stages); `--time-steps T` is
 * dsb's number of uniform steps (default 20) or dsbm's simulation steps (default 50); `--trajectories M` is the
 * number of paths (dsb, default 8192 in low dimension) or simulated pairs (dsbm, default 4096) per stage;
 * `--coupling C` is dsbm's initial coupling (independent, exact or sinkhorn), `--loss-weighting uniform|linear` its
 * bridge-matching loss weights (dsbmBridge.ts). After every stage a line with its marginal mismatch goes to stderr;
 * `--json` prints them in the summary. Ctrl-C checkpoints and exits with 130; `--resume` continues exactly.
 */
import { check, SbkitInputError } from "../../core/errors.js";
import { COUPLING_KINDS, type CouplingKind } from "../../solvers/coupling.js";
import { BRIDGE_LOSS_WEIGHTINGS, type BridgeLossWeighting } from "../../solvers/dsbmBridge.js";
import { fitDsb } from "../../solvers/dsb.js";
import { fitDsbm, type TwoDriftFitResult } from "../../solvers/dsbm.js";
import type { StageReport } from "../../solvers/ipfStages.js";
import { parseInteger, parseNumber } from "../inputs.js";
import { loadFitPair, requiredEpsilon, watchSigint } from "./fitPair.js";
import { ProgressBar } from "../progress.js";

/** The `sbkit fit` flags the DSB / DSBM branch reads. */
export interface DsbFitFlags {
  method: string;
  source?: string;
  target: string;
  epsilon?: string;
  out: string;
  steps: string;
  batchSize: string;
  hidden: string;
  learningRate: string;
  checkpointEvery: string;
  n: string;
  seed: string;
  iterations?: string;
  stepsPerStage?: string;
  timeSteps?: string;
  trajectories?: string;
  coupling?: string;
  lossWeighting?: string;
  resume?: boolean;
  json?: boolean;
}

/** Exit code of an interrupted (checkpointed) run, as for SIGINT. */
const EXIT_INTERRUPTED = 130;

function stageLine(r: StageReport): string {
  const m = r.mismatch;
  const against = r.network === "forward" ? "x1 vs target" : "x0 vs source";
  return `iteration ${r.iteration} ${r.network.padEnd(8)} loss ${r.loss.toPrecision(4)}  ${against}: mean error ${m.meanError.toPrecision(3)}, covariance error ${m.covarianceError.toPrecision(3)}, Sinkhorn divergence ${m.sinkhornDivergence.toPrecision(3)}; transport cost ${r.transportCost.toPrecision(4)}`;
}

/** Runs `sbkit fit --method dsb|dsbm ...`. */
export async function runDsbFit(flags: DsbFitFlags): Promise<void> {
  const fn = "fit";
  const method = flags.method;
  check(method === "dsb" || method === "dsbm", fn, "--method", `must be dsb or dsbm here (got "${method}")`);
  if (flags.source === undefined) throw new SbkitInputError(fn, "--source", `is required for --method ${method}`);
  const epsilon = requiredEpsilon(flags.epsilon, method);
  check(method === "dsbm" || flags.coupling === undefined, fn, "--coupling", "is a dsbm option (the initial coupling); dsb starts from the reference process");
  const coupling = (flags.coupling ?? "independent") as CouplingKind;
  check(COUPLING_KINDS.includes(coupling), fn, "--coupling", `must be one of ${COUPLING_KINDS.join(", ")} (got "${flags.coupling}")`);
  check(method === "dsbm" || flags.lossWeighting === undefined, fn, "--loss-weighting", "is a dsbm option (bridge matching); dsb fits by mean matching");
  const lossWeighting = (flags.lossWeighting ?? "uniform") as BridgeLossWeighting;
  check(BRIDGE_LOSS_WEIGHTINGS.includes(lossWeighting), fn, "--loss-weighting", `must be one of ${BRIDGE_LOSS_WEIGHTINGS.join(", ")} (got "${flags.lossWeighting}")`);
  const seed = parseInteger(flags.seed, fn, "--seed");
  const n = parseInteger(flags.n, fn, "--n");
  const iterations = parseInteger(flags.iterations ?? (method === "dsb" ? "5" : "4"), fn, "--iterations");
  check(iterations >= 1, fn, "--iterations", `must be ≥ 1 (got ${iterations})`);
  const steps = parseInteger(flags.steps, fn, "--steps");
  const stepsPerStage = flags.stepsPerStage === undefined ? Math.max(1, Math.round(steps / (2 * iterations))) : parseInteger(flags.stepsPerStage, fn, "--steps-per-stage");
  const timeSteps = flags.timeSteps === undefined ? undefined : parseInteger(flags.timeSteps, fn, "--time-steps");
  const trajectories = flags.trajectories === undefined ? undefined : parseInteger(flags.trajectories, fn, "--trajectories");
  const { source, target } = loadFitPair(flags.source, flags.target, seed, n);
  const interrupt = watchSigint();
  const bar = new ProgressBar(`fit ${method}`);
  const t0 = performance.now();
  const common = {
    sigma: Math.sqrt(epsilon),
    iterations,
    stepsPerStage,
    batchSize: parseInteger(flags.batchSize, fn, "--batch-size"),
    hiddenDims: flags.hidden.split(",").map((h) => parseInteger(h, fn, "--hidden")),
    learningRate: parseNumber(flags.learningRate, fn, "--learning-rate"),
    checkpointEvery: parseInteger(flags.checkpointEvery, fn, "--checkpoint-every"),
    seed,
    checkpointDir: flags.out,
    resume: flags.resume === true,
    onStep: (r: { step: number; steps: number; loss: number }) => bar.update(r.step / r.steps, `step ${r.step}/${r.steps} loss ${r.loss.toPrecision(4)}`),
    onStage: (r: StageReport) => {
      process.stderr.write(`${process.stderr.isTTY === true ? "\r\x1b[K" : ""}${stageLine(r)}\n`);
    },
    shouldStop: interrupt.stopped,
  };
  let result: TwoDriftFitResult;
  try {
    result = method === "dsb"
      ? await fitDsb(source, target, { ...common, timeSteps, trajectories })
      : await fitDsbm(source, target, { ...common, simulationSteps: timeSteps, pairs: trajectories, initialCoupling: coupling, lossWeighting });
  } finally {
    bar.done();
    interrupt.release();
  }
  const { outcome, model, stages } = result;
  const history = model.lossHistory;
  const tail = history.slice(-Math.min(100, history.length));
  const summary = {
    method,
    status: outcome.status,
    steps: outcome.step,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    seconds: (performance.now() - t0) / 1000,
    out: flags.out,
  };
  model.dispose();
  process.stdout.write(flags.json ? `${JSON.stringify({ ...summary, stages })}\n` : `${Object.entries(summary).map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);
  if (outcome.status === "interrupted") {
    process.stderr.write(`sbkit fit: interrupted at step ${outcome.step}; checkpoint saved in ${flags.out} (continue with --resume)\n`);
    process.exitCode = EXIT_INTERRUPTED;
  }
}
