/**
 * Canvas drawing of the playground: the data window `[-LIMIT, LIMIT]²` mapped onto the canvas, the source and
 * target clouds, particles at time t of the simulated bridge with short trails, and the loss curve.
 */
import type { Array2D, IntegrationResult } from "../src/browser.js";

/** Half-width of the data window shown (the built-in toys lie within about ±4.5). */
export const LIMIT = 5;

export const SOURCE_COLOR = "#2f6fde";
export const TARGET_COLOR = "#e8772e";

/** Canvas pixel of data point (x, y) (y up). */
export function toPixel(canvas: HTMLCanvasElement, x: number, y: number): [number, number] {
  return [((x + LIMIT) / (2 * LIMIT)) * canvas.width, ((LIMIT - y) / (2 * LIMIT)) * canvas.height];
}

/** Data point of canvas pixel (px, py) (inverse of {@link toPixel}). */
export function toData(canvas: HTMLCanvasElement, px: number, py: number): [number, number] {
  return [(px / canvas.width) * 2 * LIMIT - LIMIT, LIMIT - (py / canvas.height) * 2 * LIMIT];
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("playground: this browser gives no 2-D canvas context");
  return ctx;
}

function cloud(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, points: Array2D, color: string, radius: number): void {
  ctx.fillStyle = color;
  for (let i = 0; i < points.rows; i++) {
    const [px, py] = toPixel(canvas, points.data[2 * i], points.data[2 * i + 1]);
    ctx.fillRect(px - radius, py - radius, 2 * radius, 2 * radius);
  }
}

function background(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement): void {
  ctx.globalAlpha = 1;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#e4e4e4";
  ctx.lineWidth = 1;
  for (let v = -LIMIT + 1; v < LIMIT; v++) {
    const [px] = toPixel(canvas, v, 0);
    const [, py] = toPixel(canvas, 0, v);
    ctx.beginPath();
    ctx.moveTo(px, 0);
    ctx.lineTo(px, canvas.height);
    ctx.moveTo(0, py);
    ctx.lineTo(canvas.width, py);
    ctx.stroke();
  }
}

/** Source and target clouds on a clean canvas (the picture before and during training). */
export function drawClouds(canvas: HTMLCanvasElement, source: Array2D, target: Array2D): void {
  const ctx = context(canvas);
  background(ctx, canvas);
  ctx.globalAlpha = 0.55;
  cloud(ctx, canvas, source, SOURCE_COLOR, 2);
  cloud(ctx, canvas, target, TARGET_COLOR, 2);
  ctx.globalAlpha = 1;
}

/** Colour of bridge time t ∈ [0, 1]: source blue to target orange. */
export function timeColor(t: number): string {
  const a = [0x2f, 0x6f, 0xde];
  const b = [0xe8, 0x77, 0x2e];
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * One animation frame: faint clouds, then each particle's trail over the last `trail` saved states up to frame
 * `frame` of `path`, and the particles themselves coloured by time.
 */
export function drawFrame(canvas: HTMLCanvasElement, source: Array2D, target: Array2D, path: IntegrationResult, frame: number, trail = 6): void {
  const ctx = context(canvas);
  background(ctx, canvas);
  ctx.globalAlpha = 0.18;
  cloud(ctx, canvas, source, SOURCE_COLOR, 2);
  cloud(ctx, canvas, target, TARGET_COLOR, 2);
  const k = Math.max(0, Math.min(path.states.length - 1, frame));
  const first = Math.max(0, k - trail);
  ctx.globalAlpha = 0.35;
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#555555";
  ctx.beginPath();
  const n = path.states[k].rows;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = toPixel(canvas, path.states[first].data[2 * i], path.states[first].data[2 * i + 1]);
    ctx.moveTo(x0, y0);
    for (let j = first + 1; j <= k; j++) {
      const [x, y] = toPixel(canvas, path.states[j].data[2 * i], path.states[j].data[2 * i + 1]);
      ctx.lineTo(x, y);
    }
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  cloud(ctx, canvas, path.states[k], timeColor(path.times[k]), 2.5);
  ctx.fillStyle = "#222222";
  ctx.font = "14px sans-serif";
  ctx.fillText(`t = ${path.times[k].toFixed(2)}`, 10, 20);
}

/** The loss curve (log scale) of the steps so far: each step faint, a moving average over ~1/30 of them bold. */
export function drawLoss(canvas: HTMLCanvasElement, losses: readonly number[]): void {
  const ctx = context(canvas);
  ctx.globalAlpha = 1;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const logs = losses.filter((v) => Number.isFinite(v) && v > 0).map(Math.log10);
  if (logs.length < 2) return;
  const window = Math.max(1, Math.round(logs.length / 30));
  const smooth = logs.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += logs[j];
    return sum / (i - from + 1);
  });
  const lo = Math.min(...logs);
  const span = Math.max(...logs) - lo || 1;
  const line = (values: readonly number[], color: string, width: number): void => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = (i / (values.length - 1)) * (canvas.width - 8) + 4;
      const y = canvas.height - 4 - ((v - lo) / span) * (canvas.height - 8);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  };
  line(logs, "#c8c8c8", 1);
  line(smooth, "#222222", 2);
}
