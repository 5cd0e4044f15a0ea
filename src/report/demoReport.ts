/**
 * The summary of `sbkit demo` (what `summary.json` holds) and its HTML report (`index.html`): the W2 numbers, the
 * figures (PNG shown, SVG linked), the settings, the output files and the command that reproduces the run.
 */
import type { HtmlReport, ReportEntry, ReportFigure } from "./html.js";

/** Static SB between the evaluation clouds: entropic OT with ε = σ² (log-domain Sinkhorn). */
export interface StaticSbSummary {
  readonly epsilon: number;
  /** Transport cost `∫ ½‖x − y‖² dπ` of the entropic plan. */
  readonly cost: number;
  /** Entropic cost `∫ c dπ + ε KL(π ‖ μ⊗ν)`. */
  readonly regularizedCost: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly marginalError: number;
  readonly seconds: number;
}

/** What `sbkit demo` writes to `summary.json` (and prints with `--json`). */
export interface DemoSummary {
  readonly source: string;
  readonly target: string;
  readonly method: string;
  /** σ of the reference `σ dW` (cfm/otcfm: the constant path noise). */
  readonly sigma: number;
  /** ε = σ². */
  readonly epsilon: number;
  readonly dimension: number;
  /** Points per cloud. */
  readonly n: number;
  /** Simulated trajectories in `trajectory.npy`. */
  readonly paths: number;
  /** Training steps. */
  readonly steps: number;
  readonly batchSize: number;
  readonly hiddenDims: readonly number[];
  readonly learningRate: number;
  /** Integration steps of the sampler. */
  readonly sampleSteps: number;
  readonly mode: "sde" | "ode";
  readonly seed: number;
  readonly trainingSeconds: number;
  readonly samplingSeconds: number;
  /** Wall time of the whole command up to writing the report. */
  readonly totalSeconds: number;
  /** Mean loss of the last 50 steps (or fewer). */
  readonly finalLoss: number;
  /** Points per cloud in the W2 and static-SB numbers. */
  readonly evaluationPoints: number;
  /** Exact W2 of generated samples to a target sample. */
  readonly w2GeneratedTarget: number;
  /** Exact W2 of the source to the target, for scale. */
  readonly w2SourceTarget: number;
  /** Exact W2 between two independent target samples (the noise floor); null when the target is a file. */
  readonly w2TargetResample: number | null;
  readonly staticSb: StaticSbSummary;
  /** Figure files by figure name (relative to the output folder). */
  readonly figures: Readonly<Record<"samples" | "trajectories" | "loss", readonly string[]>>;
}

const METHOD_TEXT: Readonly<Record<string, string>> = {
  sf2m: "[SF]²M (Tong et al. 2024): minibatch Sinkhorn coupling with ε = σ², Brownian-bridge paths, flow and score matching",
  otcfm: "OT-CFM (Tong et al. 2024): exact minibatch OT coupling, straight paths with noise σ, flow matching",
  cfm: "I-CFM (Lipman et al. 2023; Tong et al. 2024): independent coupling, straight paths with noise σ, flow matching",
};

const SAMPLER_TEXT = {
  sde: "SDE dX = [v + (σ²/2) s] dt + σ dW (Euler–Maruyama)",
  ode: "ODE dx/dt = v (Heun)",
} as const;

/** The command line that reproduces the run (output folder left at its default). */
export function demoCommand(s: DemoSummary): string {
  const quote = (v: string) => (/^[\w.,:/+=-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  const args: [string, string | number][] = [
    ["--source", s.source], ["--target", s.target], ["--method", s.method], ["--sigma", s.sigma], ["--steps", s.steps],
    ["--n", s.n], ["--paths", s.paths], ["--sample-steps", s.sampleSteps], ["--mode", s.mode], ["--batch-size", s.batchSize],
    ["--hidden", s.hiddenDims.join(",")], ["--learning-rate", s.learningRate], ["--seed", s.seed],
  ];
  return `sbkit demo ${args.map(([flag, v]) => `${flag} ${quote(String(v))}`).join(" ")}`;
}

/** The {@link HtmlReport} of a demo run; numbers are shown with the digits `sbkit demo` prints. */
export function demoReport(s: DemoSummary): HtmlReport {
  const f = (x: number) => x.toFixed(4);
  const seconds = (x: number) => `${x.toFixed(1)} s`;
  const metrics: ReportEntry[] = [
    { label: "W2(generated, target)", value: f(s.w2GeneratedTarget), note: `exact W2 between ${s.evaluationPoints} generated points and ${s.evaluationPoints} target points (lower is better)` },
    { label: "W2(source, target)", value: f(s.w2SourceTarget), note: "before transport, for scale" },
  ];
  if (s.w2TargetResample !== null) {
    metrics.push({ label: "W2(target, target)", value: f(s.w2TargetResample), note: "two independent samples of the target: the noise floor at this sample size" });
  }
  metrics.push(
    { label: "training time", value: seconds(s.trainingSeconds), note: `${s.steps} steps, ${(1000 * s.trainingSeconds / s.steps).toFixed(1)} ms per step` },
    { label: "sampling time", value: seconds(s.samplingSeconds), note: `the generated points and ${s.paths} paths, ${s.sampleSteps} steps each` },
    { label: "total time", value: seconds(s.totalSeconds), note: "the whole command, data to figures" },
    { label: "final training loss", value: s.finalLoss.toPrecision(4), note: "mean of the last 50 steps" },
    { label: "static SB entropic cost", value: f(s.staticSb.regularizedCost),
      note: `∫ ½‖x−y‖² dπ + ε KL(π ‖ μ⊗ν) between the evaluation clouds, ε = ${s.staticSb.epsilon}; Sinkhorn ${s.staticSb.converged ? "converged" : "did NOT converge"} in ${s.staticSb.iterations} iterations (marginal error ${s.staticSb.marginalError.toExponential(2)})` },
    { label: "static SB transport cost", value: f(s.staticSb.cost), note: "∫ ½‖x−y‖² dπ of the entropic plan" },
  );
  const figures: ReportFigure[] = [
    { title: "Samples", files: s.figures.samples,
      caption: `Left: source points (${s.source}). Middle: target points (${s.target}). Right: the model's samples, simulated from the source points, over the target in grey.` },
    { title: "Trajectories", files: s.figures.trajectories,
      caption: s.mode === "sde"
        ? `Left: ${s.paths} simulated paths from t = 0 (dark) to t = 1 (yellow), by the ${SAMPLER_TEXT.sde}. Right: the same starting points under the probability-flow ${SAMPLER_TEXT.ode}, which has the same marginal at every t.`
        : `${s.paths} simulated paths from t = 0 (dark) to t = 1 (yellow), by the ${SAMPLER_TEXT.ode}.` },
    { title: "Training loss", files: s.figures.loss,
      caption: s.method === "sf2m" ? "Flow-matching plus score-matching loss per step, and its moving average." : "Flow-matching loss per step, and its moving average." },
  ];
  const settings: ReportEntry[] = [
    { label: "method", value: s.method, note: METHOD_TEXT[s.method] },
    { label: "source → target", value: `${s.source} → ${s.target}`, note: `dimension ${s.dimension}` },
    { label: "σ", value: String(s.sigma), note: s.method === "sf2m" ? "reference process dX = σ dW" : "constant noise of the conditional path" },
    { label: "ε = σ²", value: String(s.epsilon), note: "entropic regularization of the coupling and of the static SB" },
    { label: "points per cloud", value: String(s.n), note: "training data; built-in data is drawn again for evaluation" },
    { label: "training steps", value: String(s.steps) },
    { label: "batch size", value: String(s.batchSize) },
    { label: "MLP hidden widths", value: s.hiddenDims.join(", "), note: s.method === "sf2m" ? "two networks: flow v and score s" : "one network: flow v" },
    { label: "learning rate", value: String(s.learningRate), note: "Adam, EMA of the weights for sampling" },
    { label: "sampler", value: `${s.mode}, ${s.sampleSteps} steps`, note: SAMPLER_TEXT[s.mode] },
    { label: "seed", value: String(s.seed) },
  ];
  return {
    title: `sbkit demo: ${s.source} → ${s.target} (${s.method})`,
    subtitle: `A neural Schrödinger bridge for dX = σ dW with σ = ${s.sigma} (ε = ${s.epsilon}), trained in ${seconds(s.trainingSeconds)}.`,
    metrics,
    figures,
    settings,
    files: [
      { path: "source.npy", description: "starting points [n, d]; row i of generated.npy was simulated from row i" },
      { path: "target.npy", description: "target sample [n, d] the generated points are compared with" },
      { path: "generated.npy", description: "model samples [n, d]" },
      { path: "trajectory.npy", description: "paths, time-major [(S+1)·paths, d]: rows k·paths … (k+1)·paths − 1 are the states at times[k]" },
      { path: "times.npy", description: "the S+1 times of trajectory.npy" },
      { path: "loss.npy", description: "training loss per step" },
      { path: "summary.json", description: "every number on this page" },
    ],
    notes: [`Reproduce: ${demoCommand(s)}`],
  };
}

/** The plain-text summary `sbkit demo` prints (same digits as the report); `reportPath` is where the HTML is. */
export function demoText(s: DemoSummary, reportPath: string): string {
  const f = (x: number) => x.toFixed(4);
  const lines = [
    `sbkit demo: ${s.method} bridge ${s.source} → ${s.target}, σ = ${s.sigma} (ε = σ² = ${s.epsilon}), d = ${s.dimension}`,
    `  trained ${s.steps} steps (batch ${s.batchSize}, MLP ${s.hiddenDims.join("×")}) in ${s.trainingSeconds.toFixed(1)} s, final loss ${s.finalLoss.toPrecision(4)}`,
    `  sampled the generated points and ${s.paths} paths (${s.mode}, ${s.sampleSteps} steps) in ${s.samplingSeconds.toFixed(1)} s`,
    `  W2(generated, target) = ${f(s.w2GeneratedTarget)}   on ${s.evaluationPoints} points`,
    `  W2(source, target)    = ${f(s.w2SourceTarget)}   for scale`,
  ];
  if (s.w2TargetResample !== null) lines.push(`  W2(target, target)    = ${f(s.w2TargetResample)}   two samples of the target: the noise floor`);
  lines.push(
    `  static SB (Sinkhorn, ε = ${s.epsilon}): entropic cost ${f(s.staticSb.regularizedCost)}, transport cost ${f(s.staticSb.cost)}, ${s.staticSb.converged ? "converged" : "DID NOT converge"} in ${s.staticSb.iterations} iterations`,
    `  report: ${reportPath}   (figures, .npy data and summary.json beside it); total ${s.totalSeconds.toFixed(1)} s`,
  );
  return `${lines.join("\n")}\n`;
}
