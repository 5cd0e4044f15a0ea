/**
 * Fixed-grid integrators for SDEs `dX = b(t,X) dt + g(t) dW` (Euler–Maruyama, stochastic Heun) and ODEs
 * `dx/dt = v(t,x)` (Euler, Heun, RK4) on batches `[n, d]` (Kloeden & Platen 1992; Song et al. 2021, app. D).
 *
 * A grid may run forward (increasing) or backward (decreasing) in time; a backward SDE step uses `Δt < 0` and
 * noise `g(t)√|Δt| Z`, which is how the reverse-time SDE `dX = [f − g²∇log p_t] dt + g dW̄` is simulated.
 * Noise for step k is drawn with `foldIn(key, k)`, so results depend only on the key and the grid.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check, checkInteger, SbkitNumericalError } from "../core/errors.js";
import { foldIn, normal2d, type Key } from "../core/rng.js";
import { checkTimeGrid, uniformTimeGrid } from "./time.js";
import type { Sde, VectorField } from "./types.js";

/** Grid options shared by the SDE and ODE integrators. */
export interface GridOptions {
  /** An explicit monotone time grid; overrides `steps`, `t0`, `t1`. */
  readonly times?: ArrayLike<number>;
  /** Number of uniform steps from `t0` to `t1` (default 100). */
  readonly steps?: number;
  /** Start time (default 0). */
  readonly t0?: number;
  /** End time (default 1; `t1 < t0` integrates backward). */
  readonly t1?: number;
  /** Save the state every `saveEvery` steps (the start and end are always saved). Default: only start and end. */
  readonly saveEvery?: number;
}

/** SDE integrator options. */
export interface SdeOptions extends GridOptions {
  /** `"euler-maruyama"` (default; weak order 1) or `"heun"` (stochastic Heun, predictor–corrector). */
  readonly method?: "euler-maruyama" | "heun";
}

/** ODE integrator options. */
export interface OdeOptions extends GridOptions {
  /** `"euler"`, `"heun"` or `"rk4"` (default). */
  readonly method?: "euler" | "heun" | "rk4";
}

/** Result of an integration: the final state and the saved states with their times. */
export interface IntegrationResult {
  /** State at the last grid time, `[n, d]`. */
  readonly final: Array2D;
  /** The full time grid used. */
  readonly grid: Float64Array;
  /** Times of the saved states (always includes the first and last grid time). */
  readonly times: Float64Array;
  /** Saved states `[n, d]`, one per entry of `times`. */
  readonly states: readonly Array2D[];
}

function resolveGrid(options: GridOptions, fn: string): Float64Array {
  if (options.times !== undefined) return checkTimeGrid(options.times, fn);
  const steps = checkInteger(options.steps ?? 100, fn, "steps", 1);
  return uniformTimeGrid(steps, options.t0 ?? 0, options.t1 ?? 1);
}

/** `x + α u + β w` elementwise (shapes already agree). */
function axpy(x: Array2D, u: Array2D, alpha: number, w?: Array2D, beta = 0): Array2D {
  const out = new Float64Array(x.data.length);
  for (let k = 0; k < out.length; k++) out[k] = x.data[k] + alpha * u.data[k] + (w === undefined ? 0 : beta * w.data[k]);
  return { data: out, rows: x.rows, cols: x.cols };
}

function evaluate(field: VectorField, t: number, x: Array2D, fn: string): Array2D {
  const v = field(t, x);
  check(v.rows === x.rows && v.cols === x.cols, fn, "drift", `returned shape [${v.rows}, ${v.cols}] at t=${t}, expected [${x.rows}, ${x.cols}]`);
  return v;
}

function run(
  x0: Array2DLike,
  options: GridOptions,
  fn: string,
  step: (k: number, t: number, dt: number, x: Array2D) => Array2D,
): IntegrationResult {
  const start = toArray2D(x0, fn, "x0");
  checkAllFinite(start.data, fn, "x0", start.cols);
  const grid = resolveGrid(options, fn);
  const steps = grid.length - 1;
  const saveEvery = checkInteger(options.saveEvery ?? steps, fn, "saveEvery", 1);
  const times: number[] = [grid[0]];
  const states: Array2D[] = [start];
  let x = start;
  for (let k = 0; k < steps; k++) {
    x = step(k, grid[k], grid[k + 1] - grid[k], x);
    if ((k + 1) % saveEvery === 0 || k + 1 === steps) {
      for (const v of x.data) if (!Number.isFinite(v)) throw new SbkitNumericalError(fn, `state became non-finite at t=${grid[k + 1]} (step ${k + 1}); reduce the step size`);
      times.push(grid[k + 1]);
      states.push(x);
    }
  }
  return { final: x, grid, times: Float64Array.from(times), states };
}

/**
 * Integrates `dX = b(t,X) dt + g(t) dW` from `x0` (`[n, d]`, n independent paths) on a fixed grid.
 * Euler–Maruyama: `X' = X + b(t,X)Δt + g(t)ΔW`, `ΔW = √|Δt| Z`. Stochastic Heun:
 * `X̃ = X + b(t,X)Δt + g(t)ΔW`, `X' = X + ½[b(t,X) + b(t',X̃)]Δt + ½[g(t) + g(t')]ΔW`.
 */
export function integrateSde(sde: Sde, x0: Array2DLike, key: Key, options: SdeOptions = {}): IntegrationResult {
  const fn = "integrateSde";
  const method = options.method ?? "euler-maruyama";
  check(method === "euler-maruyama" || method === "heun", fn, "method", `must be "euler-maruyama" or "heun" (got ${String(method)})`);
  return run(x0, options, fn, (k, t, dt, x) => {
    const z = normal2d(foldIn(key, k), x.rows, x.cols);
    const sq = Math.sqrt(Math.abs(dt));
    const g = sde.diffusion(t);
    check(Number.isFinite(g) && g >= 0, fn, "diffusion", `must return a finite g(t) ≥ 0 (got ${g} at t=${t})`);
    const b = evaluate(sde.drift, t, x, fn);
    const predictor = axpy(x, b, dt, z, g * sq);
    if (method === "euler-maruyama") return predictor;
    const g2 = sde.diffusion(t + dt);
    const b2 = evaluate(sde.drift, t + dt, predictor, fn);
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < out.length; i++) out[i] = x.data[i] + 0.5 * (b.data[i] + b2.data[i]) * dt + 0.5 * (g + g2) * sq * z.data[i];
    return { data: out, rows: x.rows, cols: x.cols };
  });
}

/** Integrates the ODE `dx/dt = v(t,x)` from `x0` (`[n, d]`) with Euler, Heun (RK2) or classical RK4. */
export function integrateOde(velocity: VectorField, x0: Array2DLike, options: OdeOptions = {}): IntegrationResult {
  const fn = "integrateOde";
  const method = options.method ?? "rk4";
  check(method === "euler" || method === "heun" || method === "rk4", fn, "method", `must be "euler", "heun" or "rk4" (got ${String(method)})`);
  return run(x0, options, fn, (_k, t, dt, x) => {
    const k1 = evaluate(velocity, t, x, fn);
    if (method === "euler") return axpy(x, k1, dt);
    if (method === "heun") {
      const k2 = evaluate(velocity, t + dt, axpy(x, k1, dt), fn);
      return axpy(x, k1, dt / 2, k2, dt / 2);
    }
    const k2 = evaluate(velocity, t + dt / 2, axpy(x, k1, dt / 2), fn);
    const k3 = evaluate(velocity, t + dt / 2, axpy(x, k2, dt / 2), fn);
    const k4 = evaluate(velocity, t + dt, axpy(x, k3, dt), fn);
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < out.length; i++) out[i] = x.data[i] + (dt / 6) * (k1.data[i] + 2 * k2.data[i] + 2 * k3.data[i] + k4.data[i]);
    return { data: out, rows: x.rows, cols: x.cols };
  });
}
