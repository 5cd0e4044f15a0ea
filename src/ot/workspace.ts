/**
 * The O(n + m) buffers of one point-cloud Sinkhorn solve. Points are centred by a common shift (costs are
 * translation invariant) to limit cancellation in `½‖x‖² + ½‖y‖² − x·y`. Buffers can live in
 * `SharedArrayBuffer`s so `worker_threads` read and write them without copies.
 */
import type { SharedEngineMemory } from "./onlineLayout.js";
import type { OtProblem } from "./problem.js";
import { wasmCentre, type CentredClouds } from "./prepWasm.js";

/** Buffers shared by the Sinkhorn driver and the sweep kernels. */
export interface Workspace {
  readonly n: number;
  readonly m: number;
  readonly d: number;
  /** Centred source points `[n, d]`. */
  readonly xs: Float64Array;
  /** Centred target points `[m, d]`. */
  readonly ys: Float64Array;
  /** `½‖x_i‖²` of the centred source points. */
  readonly halfSqX: Float64Array;
  /** `½‖y_j‖²` of the centred target points. */
  readonly halfSqY: Float64Array;
  readonly logA: Float64Array;
  readonly logB: Float64Array;
  /** Source potential f `[n]`. */
  readonly f: Float64Array;
  /** Target potential g `[m]`. */
  readonly g: Float64Array;
  /** Sweep input over source keys: `h_i = log a_i + (f_i − ½‖x_i‖²)/ε`; also `rowConst` of plan passes. */
  readonly hX: Float64Array;
  /** Sweep input over target keys: `h_j = log b_j + (g_j − ½‖y_j‖²)/ε`; also `colConst` of plan passes. */
  readonly hY: Float64Array;
  /** Centring guesses of the source-row log-sums. */
  readonly shiftX: Float64Array;
  /** Centring guesses of the target-row log-sums. */
  readonly shiftY: Float64Array;
  /** Log-sums of source rows (output of a source sweep); row sums of plan passes. */
  readonly outX: Float64Array;
  /** Log-sums of target rows (output of a target sweep); column sums of plan passes. */
  readonly outY: Float64Array;
  /** The online engine's memory, shared by the threads of a parallel solve (`shareOnlineEngine`); absent otherwise. */
  readonly engineMemory?: SharedEngineMemory;
  /** This thread's slot in {@link engineMemory} (0, the default, is the calling thread's). */
  readonly engineSlot?: number;
  /**
   * Mean cost `Σ_ij a_i b_j ½‖x_i − y_j‖² = Σ a ½‖x̃‖² + Σ b ½‖ỹ‖² + ¼‖x̄ − ȳ‖²` of the centred points (centre
   * `(x̄ + ȳ)/2`, weighted means x̄, ȳ), from the norms already computed here: the scale of the default ε-scaling.
   */
  readonly meanCost: number;
  /**
   * An upper bound on every cost, `½(max‖x̃_i‖ + max‖ỹ_j‖)²` (triangle inequality through the centre): sets the ε
   * from which a frozen Sinkhorn solve restarts its schedule (`couplingStart` in `sinkhornSteps.ts`).
   */
  readonly maxCostBound: number;
}

function maxOf(v: Float64Array): number {
  let best = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > best) best = v[i];
  return best;
}

function alloc(length: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8), 0, length) : new Float64Array(length);
}

/** Allocates and fills a workspace for `problem`; `shared` backs it with `SharedArrayBuffer`s. */
export function makeWorkspace(problem: OtProblem, shared: boolean): Workspace {
  const { source, target, sourceWeights: a, targetWeights: b } = problem;
  const n = source.rows;
  const m = target.rows;
  const d = source.cols;
  const xs = alloc(n * d, shared);
  const ys = alloc(m * d, shared);
  const halfSqX = alloc(n, shared);
  const halfSqY = alloc(m, shared);
  const { meanX, meanY } = centreClouds(source.data, target.data, a, b, d, { xs, ys, halfSqX, halfSqY });
  let gap = 0;
  for (let k = 0; k < d; k++) gap += (meanX[k] - meanY[k]) ** 2;
  let meanCost = 0.25 * gap;
  meanCost = addDot(meanCost, a, halfSqX);
  meanCost = addDot(meanCost, b, halfSqY);
  const ws: Workspace = {
    n, m, d, xs, ys, halfSqX, halfSqY,
    logA: alloc(n, shared), logB: alloc(m, shared),
    f: alloc(n, shared), g: alloc(m, shared),
    hX: alloc(n, shared), hY: alloc(m, shared),
    shiftX: alloc(n, shared), shiftY: alloc(m, shared),
    outX: alloc(n, shared), outY: alloc(m, shared),
    meanCost,
    maxCostBound: 0.5 * (Math.sqrt(2 * maxOf(halfSqX)) + Math.sqrt(2 * maxOf(halfSqY))) ** 2,
  };
  logInto(ws.logA, a);
  logInto(ws.logB, b);
  ws.shiftX.fill(NaN);
  ws.shiftY.fill(NaN);
  return ws;
}

/**
 * Centres both clouds at `(x̄ + ȳ)/2` (x̄, ȳ the weighted means, accumulated term by term: x̄ = 2·centre after the
 * source rows, exactly) into `out` and returns x̄, ȳ. `"auto"` runs the loops in WebAssembly for mid-sized clouds
 * (`prepWasm.ts`; cold JavaScript costs ≈ 15–25 ms at n = m = 1000, d = 64), with bit-identical results.
 */
export function centreClouds(
  x: Float64Array, y: Float64Array, a: Float64Array, b: Float64Array, d: number, out: CentredClouds, engine: "auto" | "js" = "auto",
): { meanX: Float64Array; meanY: Float64Array } {
  const fast = engine === "auto" ? wasmCentre(x, y, a, b, d, out) : undefined;
  if (fast !== undefined) return fast;
  const centre = new Float64Array(d);
  const meanY = new Float64Array(d);
  addSource(x, a, d, centre);
  const meanX = centre.map((c) => 2 * c);
  addTarget(y, b, d, centre, meanY);
  fillCentred(x, centre, d, out.xs, out.halfSqX);
  fillCentred(y, centre, d, out.ys, out.halfSqY);
  return { meanX, meanY };
}

// The JavaScript loops are leaf functions: in one big function, V8's on-stack replacement of the first loop
// deoptimizes at the next (no type feedback there yet).

/** `centre_k += ½ a_i x_ik` over all rows. */
function addSource(x: Float64Array, a: Float64Array, d: number, centre: Float64Array): void {
  const n = a.length;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) centre[k] += 0.5 * a[i] * x[i * d + k];
}

/** `v = b_j y_jk`: `centre_k += ½ v`, `meanY_k += v` over all rows. */
function addTarget(y: Float64Array, b: Float64Array, d: number, centre: Float64Array, meanY: Float64Array): void {
  const m = b.length;
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < d; k++) {
      const v = b[j] * y[j * d + k];
      centre[k] += 0.5 * v;
      meanY[k] += v;
    }
  }
}

/** `s + Σ_i w_i v_i`, accumulated in order. */
function addDot(s: number, w: Float64Array, v: Float64Array): number {
  for (let i = 0; i < w.length; i++) s += w[i] * v[i];
  return s;
}

function logInto(out: Float64Array, w: Float64Array): void {
  for (let i = 0; i < w.length; i++) out[i] = Math.log(w[i]);
}

function fillCentred(src: Float64Array, centre: Float64Array, d: number, out: Float64Array, halfSq: Float64Array): void {
  const count = halfSq.length;
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = src[i * d + k] - centre[k];
      out[i * d + k] = v;
      s += v * v;
    }
    halfSq[i] = 0.5 * s;
  }
}
