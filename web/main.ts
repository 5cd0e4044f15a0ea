/**
 * The playground page: pick (or draw) source and target, σ, method and steps; train in the page; then loop an
 * animation of particles flowing along the learned bridge. `document.body.dataset.state` says where the page is
 * ("idle", "training", "animating", "error") — the headless-browser test waits on it.
 */
import { array2d, foldIn, KeyStream, makeKey, sampleToy, SbkitInputError, TOY_NAMES, type Array2D, type BridgeMatchingMethod, type ToyName } from "../src/browser.js";
import { trainBridge, type TrainedBridge, type TrainSettings } from "./trainer.js";
import { drawClouds, drawFrame, drawLoss, toData } from "./view.js";

/** Points per built-in toy cloud. */
const TOY_POINTS = 512;
/** Particles simulated along the bridge. */
const PARTICLES = 384;
/** Integration steps of the simulation (frames of the animation). */
const SAMPLE_STEPS = 80;
/** Seconds of one pass of the animation, and of the pause at t = 1. */
const PASS_SECONDS = 3;
const HOLD_SECONDS = 0.8;
const DRAWN = "drawn";

type Side = "source" | "target";

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: the page lacks #${id}`);
  return el as T;
}

const canvas = element<HTMLCanvasElement>("view");
const lossCanvas = element<HTMLCanvasElement>("loss");
const status = element<HTMLParagraphElement>("status");
const selects: Record<Side, HTMLSelectElement> = { source: element("source"), target: element("target") };
const trainButton = element<HTMLButtonElement>("train");
const stopButton = element<HTMLButtonElement>("stop");

/** Points drawn with the mouse, per side (data coordinates, flat x, y pairs). */
const drawn: Record<Side, number[]> = { source: [], target: [] };
const spray = new KeyStream(makeKey(20260601));
let stopRequested = false;
let animation = 0;

function setState(state: "idle" | "training" | "animating" | "error"): void {
  document.body.dataset.state = state;
}

function numberInput(id: string, min: number, integer: boolean): number {
  const input = element<HTMLInputElement>(id);
  const v = Number(input.value);
  if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new Error(`${input.labels?.[0]?.textContent?.trim() ?? id} must be ${integer ? "an integer" : "a number"} ≥ ${min} (got "${input.value}")`);
  }
  return v;
}

function seed(): number {
  return numberInput("seed", 0, true);
}

/** The cloud of one side: a built-in toy (seeded) or the points drawn so far. */
function cloudOf(side: Side): Array2D {
  const choice = selects[side].value;
  if (choice === DRAWN) {
    const pts = drawn[side];
    return array2d(Float64Array.from(pts), pts.length / 2, 2);
  }
  return sampleToy(choice as ToyName, TOY_POINTS, foldIn(makeKey(seed()), side === "source" ? 1 : 2));
}

function clouds(): { source: Array2D; target: Array2D } {
  return { source: cloudOf("source"), target: cloudOf("target") };
}

function showClouds(): void {
  cancelAnimationFrame(animation);
  try {
    const { source, target } = clouds();
    drawClouds(canvas, source, target);
    if (document.body.dataset.state !== "training") setState("idle");
  } catch (e) {
    fail(e);
  }
}

function fail(e: unknown): void {
  setState("error");
  status.textContent = (e as Error).message ?? String(e);
}

function settings(): TrainSettings {
  const method = element<HTMLSelectElement>("method").value as BridgeMatchingMethod;
  return {
    method,
    sigma: numberInput("sigma", 0, false),
    steps: numberInput("steps", 1, true),
    batchSize: numberInput("batch", 1, true),
    hiddenWidth: numberInput("width", 1, true),
    learningRate: 2e-3,
    seed: seed(),
    sampleSteps: SAMPLE_STEPS,
    particles: PARTICLES,
  };
}

function animate(source: Array2D, target: Array2D, result: TrainedBridge): void {
  const frames = result.path.states.length;
  const started = performance.now();
  const tick = (now: number): void => {
    const cycle = PASS_SECONDS + HOLD_SECONDS;
    const s = ((now - started) / 1000) % cycle;
    const frame = Math.min(frames - 1, Math.floor((s / PASS_SECONDS) * (frames - 1)));
    drawFrame(canvas, source, target, result.path, frame);
    animation = requestAnimationFrame(tick);
  };
  animation = requestAnimationFrame(tick);
}

async function train(): Promise<void> {
  cancelAnimationFrame(animation);
  let data: { source: Array2D; target: Array2D };
  let chosen: TrainSettings;
  try {
    data = clouds();
    chosen = settings();
    for (const side of ["source", "target"] as const) {
      const n = data[side].rows;
      if (n < 8) throw new Error(`the ${side} has ${n} points; draw at least 8 (or pick a built-in cloud)`);
    }
  } catch (e) {
    fail(e);
    return;
  }
  drawClouds(canvas, data.source, data.target);
  drawLoss(lossCanvas, []);
  setState("training");
  stopRequested = false;
  trainButton.disabled = true;
  stopButton.disabled = false;
  status.textContent = "Starting jax-js…";
  const losses: number[] = [];
  try {
    const result = await trainBridge(data.source, data.target, chosen, {
      onProgress(report, device) {
        losses.push(report.loss);
        status.textContent = `Training ${chosen.method} on ${device}: step ${report.step} / ${report.steps}, loss ${report.loss.toFixed(4)}`;
        drawLoss(lossCanvas, losses);
      },
      shouldStop: () => stopRequested,
    });
    drawLoss(lossCanvas, result.lossHistory);
    status.textContent = [
      `${result.stopped ? "Stopped" : "Trained"} ${chosen.method} on ${result.device}: ${result.steps} steps in ${result.seconds.toFixed(1)} s, final loss ${result.lossHistory[result.lossHistory.length - 1].toFixed(4)}.`,
      `W2(simulated end points, target) = ${result.w2.toFixed(3)} (${result.path.final.rows} particles).`,
    ].join("\n");
    setState("animating");
    animate(data.source, data.target, result);
  } catch (e) {
    // A bad setting is the user's to fix (shown in the status line); anything else is a bug worth a stack trace.
    if (!(e instanceof SbkitInputError)) console.error(e);
    fail(e);
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
}

function addDrawn(event: PointerEvent): void {
  const side = (document.querySelector<HTMLInputElement>('input[name="brush"]:checked')?.value ?? "source") as Side;
  const rect = canvas.getBoundingClientRect();
  const [x, y] = toData(canvas, ((event.clientX - rect.left) / rect.width) * canvas.width, ((event.clientY - rect.top) / rect.height) * canvas.height);
  for (let k = 0; k < 4; k++) drawn[side].push(x + 0.15 * spray.nextNormal(), y + 0.15 * spray.nextNormal());
  if (selects[side].value !== DRAWN) selects[side].value = DRAWN;
  showClouds();
}

function setUp(): void {
  for (const side of ["source", "target"] as const) {
    for (const name of [...TOY_NAMES, DRAWN]) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name === DRAWN ? "drawn with the mouse" : name;
      selects[side].append(option);
    }
    selects[side].addEventListener("change", showClouds);
  }
  selects.source.value = "8gaussians";
  selects.target.value = "moons";
  element<HTMLInputElement>("seed").addEventListener("change", showClouds);
  element<HTMLButtonElement>("clear").addEventListener("click", () => {
    drawn.source.length = 0;
    drawn.target.length = 0;
    showClouds();
  });
  trainButton.addEventListener("click", () => void train());
  stopButton.addEventListener("click", () => {
    stopRequested = true;
  });
  let drawing = false;
  canvas.addEventListener("pointerdown", (e) => {
    if (document.body.dataset.state === "training") return;
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    addDrawn(e);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (drawing) addDrawn(e);
  });
  canvas.addEventListener("pointerup", () => {
    drawing = false;
  });
  showClouds();
}

setUp();
