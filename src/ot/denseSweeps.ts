/**
 * The dense (tensorized) backend of point-cloud Sinkhorn: it answers the same {@link SweepRequest}s as the online
 * log-sum-exp sweeps, from a cached `[n, m]` stabilized kernel, so the iteration, ε-scaling, acceleration and
 * stopping rule of `sinkhornSteps` are unchanged and both backends reach the same potentials up to rounding.
 * This is the "tensorized" mode of GeomLoss (Feydy et al. 2019, "Interpolating between optimal transport and MMD
 * using Sinkhorn divergences"); the stabilization is Schmitzer 2019, "Stabilized sparse scaling algorithms for
 * entropy regularized transport problems", Alg. 2 (absorption) and §3.2 (ε-scaling).
 *
 * With `K̃_ij = exp((f̃_i + g̃_j − c_ij)/ε)` and the current potentials `f = f̃ + ε log u`, `g = g̃ + ε log v`, the
 * target sweep `LSE_i(log a_i + (f_i − c_ij)/ε) = log s_j − g̃_j/ε` needs only `s = K̃ᵀ(a ⊙ u)` (a matrix–vector
 * product, no `exp` per pair), and the source sweep needs `K̃ (b ⊙ v)`. Kernel maintenance:
 * - absorption (same ε): when `max |log u|` (or `|log v|`) on the input side exceeds {@link ABSORB}, set
 *   `K̃ ← diag(u) K̃ diag(v)`, `(f̃, g̃) ← (f, g)` (one multiply per pair);
 * - ε-stage change ε → ε/2 (the default factor ½, all stages but the last): `K̃ ← (diag(u) K̃ diag(v))²` at the
 *   old ε, which is exactly the kernel at ε/2 with `(f̃, g̃) ← (f, g)`; other ratios (the last stage, which ends at
 *   the requested ε) rebuild `K̃` from the points (one dot product and one `exp` per pair).
 * Honest underflow: entries below `e^{−600}` (float32 kernels: `e^{−80}`) are stored as 0 (see `kernelFloor`). The
 * backend keeps a bound `e^{lost}` on the absolute error of every entry and a bound on the relative error accumulated
 * by in-place updates and float32 rounding (2⁻²⁴ per stored entry), rebuilds exactly when either grows too large (the
 * relative one beyond 1% of the tolerance), and accepts a sum `s_j` only when it is finite and
 * `e^{lost} · Σ w < 1e-15 · s_j` (float32: a tenth of the relative budget instead of 1e-15). A row that fails is
 * recomputed by the exact online log-sum-exp ({@link lseRows}) and counted in `fallbackRows`; the kernel is then
 * re-stabilized at the next request. Extreme cases (no ε-scaling at tiny ε, strongly unbalanced problems that empty whole rows) can fall back
 * often; the result stays exact, only slower.
 */
import { lseRows } from "./lseKernel.js";
import type { OtProblem } from "./problem.js";
import type { DenseStore } from "./denseStore.js";
import type { SinkhornBackendInfo } from "./sinkhornResult.js";
import type { SweepRequest } from "./sinkhornSteps.js";
import { runSweep } from "./sweep.js";
import { expInPlace, exponentOffsets, logSums, maxAbsDifference, scaledWeights, scalingExponents } from "./denseVectors.js";
import type { Workspace } from "./workspace.js";

/**
 * Absorb when a scaling on the input side leaves `[e^{−ABSORB}, e^{ABSORB}]` — sooner for float32 kernels, whose
 * flushed entries (below `e^{−80}` instead of `e^{−600}`) a large scaling would make count.
 */
const ABSORB = { double: 50, single: 20 } as const;
/**
 * Rebuild exactly instead of updating in place when the absolute error bound would exceed `e^{floor + LOST_ROOM}`
 * (`floor` the store's: −600 for float64 kernels, so `e^{−300}`; −80 for float32, `e^{−35}`, room for two absorptions).
 */
const LOST_ROOM = { double: 300, single: 45 } as const;
/** In-place updates may add a relative error of at most this fraction of the tolerance (≥ 1e-15 absolute). */
const DRIFT_SHARE = 0.01;
/** In-place updates need factors within `e^{±UPDATE_MAX}` (no overflow); larger moves rebuild exactly. */
const UPDATE_MAX = 300;
/**
 * A sum is trusted when the lost (flushed) mass is below this fraction of it — for float64 kernels; a float32 kernel's
 * entries already carry a relative error of 2⁻²⁴, so there the flushed mass may take a tenth of the relative error
 * budget (0.1 · 1% of the tolerance), which a sum's relative error turns into at most that much marginal error.
 */
const ACCEPT = 1e-15;
const ACCEPT_BUDGET_SHARE = 0.1;
const ULP = 2 ** -52;
/** Up to this dimension the plan pass uses d + 2 matrix–vector products; above it one `log` per entry. */
const EXPANDED_MAX_DIM = 16;

/** Evaluates Sinkhorn sweep requests from a cached stabilized kernel (see the module doc). */
export class DenseSweeps {
  private readonly ws: Workspace;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly store: DenseStore;
  private readonly fTilde: Float64Array;
  private readonly gTilde: Float64Array;
  /** `1/ε` of the kernel; `NaN` before the first build. */
  private invEpsK = NaN;
  private lost: number;
  private drift = 0;
  private readonly driftMax: number;
  private readonly lostMax: number;
  /** Fraction of a sum the flushed mass may be (see {@link ACCEPT}). */
  private readonly accept: number;
  private restabilize = false;
  /** Set when a sum was not finite (an entry overflowed: in-place updates would keep it), so the next request rebuilds. */
  private overflowed = false;
  private builds = 0;
  private updates = 0;
  private fallbacks = 0;

  /**
   * `store` holds the `[n, m]` kernel (8·n·m bytes, 4·n·m in float32; allocated by the caller within the memory
   * budget). `tolerance` (the L1 marginal error to reach) bounds the relative error in-place updates may accumulate
   * before an exact rebuild: a relative error δ in every entry moves each marginal by at most δ in L1.
   */
  constructor(problem: OtProblem, ws: Workspace, store: DenseStore, tolerance: number) {
    this.ws = ws;
    this.driftMax = Math.max(1e-15, DRIFT_SHARE * tolerance);
    this.a = problem.sourceWeights;
    this.b = problem.targetWeights;
    this.store = store;
    this.lost = store.floor;
    this.lostMax = store.floor + LOST_ROOM[store.precision];
    this.accept = store.precision === "single" ? Math.max(ACCEPT, ACCEPT_BUDGET_SHARE * this.driftMax) : ACCEPT;
    this.fTilde = new Float64Array(ws.n);
    this.gTilde = new Float64Array(ws.m);
  }

  /** Diagnostics for the result. */
  info(): SinkhornBackendInfo {
    return {
      kind: "dense", kernelBuilds: this.builds, kernelUpdates: this.updates, fallbackRows: this.fallbacks, singlePrecisionSweeps: 0,
      kernelPrecision: this.store.precision,
    };
  }

  /**
   * Answers one request. The generator makes a target sweep while `ws.f` holds the potential `hX` was built from
   * and a source sweep while `ws.g` holds the one behind `hY`; the kernel is re-stabilized at `(ws.f, ws.g)`.
   */
  run(req: SweepRequest): number {
    if (req.kind === "plan") return this.plan(req.invEps);
    const target = req.side === "target";
    this.prepare(req.invEps, target ? this.ws.f : this.ws.g, target ? this.fTilde : this.gTilde);
    return target ? this.targetSweep(req.invEps) : this.sourceSweep(req.invEps);
  }

  /** Brings the kernel to `invEps` and re-stabilizes it when the input scalings left the safe range. */
  private prepare(invEps: number, input: Float64Array, inputTilde: Float64Array): void {
    if (Number.isNaN(this.invEpsK)) return this.build(invEps);
    if (invEps !== this.invEpsK) {
      // ε → ε/2 exactly (ε-scaling with factor ½): square the absorbed kernel at the old ε.
      if (invEps === 2 * this.invEpsK && this.tryUpdate(this.invEpsK, true)) this.invEpsK = invEps;
      else this.build(invEps);
      return;
    }
    const worst = maxAbsDifference(input, inputTilde);
    if (this.restabilize || worst * invEps > ABSORB[this.store.precision]) {
      if (!this.tryUpdate(invEps, false)) this.build(invEps);
    }
  }

  /** Exact build at the current potentials. */
  private build(invEps: number): void {
    const { xs, ys, f, g, halfSqX, halfSqY } = this.ws;
    const alpha = this.store.rowVec;
    const beta = this.store.colVec;
    exponentOffsets(alpha, f, halfSqX, invEps);
    exponentOffsets(beta, g, halfSqY, invEps);
    this.store.build(xs, ys, alpha, beta, invEps);
    this.fTilde.set(f);
    this.gTilde.set(g);
    this.invEpsK = invEps;
    this.lost = this.store.floor;
    this.drift = this.store.rounding;
    this.restabilize = false;
    this.overflowed = false;
    this.builds++;
  }

  /**
   * In-place absorption of `(f, g)` into the kernel at `1/ε = invEps` (then squared when `square`). Returns false,
   * changing nothing, when the error bounds or the factor range do not allow it.
   */
  private tryUpdate(invEps: number, square: boolean): boolean {
    const { f, g } = this.ws;
    const { rowVec, colVec } = this.store;
    if (this.overflowed) return false;
    const rows = scalingExponents(rowVec, f, this.fTilde, invEps);
    const cols = scalingExponents(colVec, g, this.gTilde, invEps);
    const [maxP, maxQ, span] = [rows.max, cols.max, Math.max(rows.span, cols.span)];
    // Absolute bound: flushed entries grow with the factors (squaring only shrinks them); new flushes ≤ e^{floor}.
    const lost = Math.max(this.store.floor, this.lost + maxP + maxQ);
    // Relative: three roundings, and the exponents t = (f − f̃)/ε carry ≈ 2·ULP·|t| each, plus the rounding of the
    // stored result (float32 kernels); squaring doubles it.
    const step = ULP * (4 + 4 * span) + this.store.rounding;
    const drift = square ? 2 * (this.drift + step) : this.drift + step;
    if (!(span <= UPDATE_MAX) || lost > this.lostMax || drift > this.driftMax) return false;
    expInPlace(rowVec);
    expInPlace(colVec);
    this.store.rescale(square);
    this.fTilde.set(f);
    this.gTilde.set(g);
    this.lost = lost;
    this.drift = drift;
    this.restabilize = false;
    this.updates++;
    return true;
  }

  /** `outY_j = LSE_i(hX_i + x_i·y_j/ε) = log (K̃ᵀ(a ⊙ u))_j + (½‖y_j‖² − g̃_j)/ε`. */
  private targetSweep(invEps: number): number {
    const { n, f, halfSqY, outY, shiftY, ys, xs, d, hX } = this.ws;
    const total = scaledWeights(this.store.rowVec, this.a, f, this.fTilde, invEps);
    this.store.transposeTimesVector();
    const s = this.store.colOut;
    const floor = Math.exp(this.lost) * total / this.accept;
    const bad = logSums(s, floor, halfSqY, this.gTilde, invEps, outY, shiftY);
    return this.recompute(bad, s, floor, ys, xs, d, n, hX, invEps, shiftY, outY);
  }

  /** `outX_i = LSE_j(hY_j + x_i·y_j/ε) = log (K̃(b ⊙ v))_i + (½‖x_i‖² − f̃_i)/ε`. */
  private sourceSweep(invEps: number): number {
    const { m, g, halfSqX, outX, shiftX, xs, ys, d, hY } = this.ws;
    const total = scaledWeights(this.store.colVec, this.b, g, this.gTilde, invEps);
    this.store.timesVector();
    const s = this.store.rowOut;
    const floor = Math.exp(this.lost) * total / this.accept;
    const bad = logSums(s, floor, halfSqX, this.fTilde, invEps, outX, shiftX);
    return this.recompute(bad, s, floor, xs, ys, d, m, hY, invEps, shiftX, outX);
  }

  /**
   * The `bad` sums of `s` that {@link logSums} did not accept (not in `(floor, ∞)`), recomputed by the exact online
   * log-sum-exp over the `keyCount` keys (rows of `keys` with weights `h`) for the matching `queries` rows; a
   * non-finite sum marks the kernel for an exact rebuild. Returns `bad`, counted in the fallbacks.
   */
  private recompute(
    bad: number, s: Float64Array, floor: number, queries: Float64Array, keys: Float64Array, d: number, keyCount: number,
    h: Float64Array, invEps: number, shift: Float64Array, out: Float64Array,
  ): number {
    for (let r = 0; bad > 0 && r < s.length; r++) {
      if (s[r] > floor && s[r] < Infinity) continue;
      if (!(s[r] < Infinity)) this.overflowed = true;
      lseRows(queries, keys, d, keyCount, h, invEps, shift, out, r, r + 1);
    }
    return this.settle(bad);
  }

  /** Counts fallback rows; a kernel that needed them is re-stabilized at the next request. */
  private settle(bad: number): number {
    if (bad > 0) {
      this.fallbacks += bad;
      this.restabilize = true;
    }
    return bad;
  }

  /**
   * Plan pass (marginals and ⟨C, P⟩ at the final potentials) from the kernel, absorbed (or rebuilt, when the kernel
   * is at another ε because the iteration cap stopped an earlier stage) at the final potentials, so `P = a K̃ b`.
   * Falls back to the online pass if the kernel's error bound is not small against the plan's mass.
   */
  private plan(invEps: number): number {
    const { n, d, outX, outY } = this.ws;
    if (invEps !== this.invEpsK || !this.tryUpdate(invEps, false)) this.build(invEps);
    const transport = d <= EXPANDED_MAX_DIM
      ? this.planByProducts()
      : this.store.plan(this.a, this.b, this.fTilde, this.gTilde, 1 / invEps, outX, outY);
    let mass = 0;
    for (let i = 0; i < n; i++) mass += outX[i];
    if (Number.isFinite(transport) && Math.exp(this.lost) < this.accept * mass) return transport;
    this.fallbacks += n;
    return runSweep({ kind: "plan", invEps }, this.ws);
  }

  /**
   * Marginals and `⟨C, P⟩` of `P = diag(a) K̃ diag(b)` by d + 2 matrix–vector products, with the expanded cost on
   * the centred points: `Σ P c = Σ_i r_i ½‖x_i‖² + Σ_j c_j ½‖y_j‖² − Σ_k Σ_i a_i x_ik (K̃ (b ⊙ y_{·k}))_i`.
   */
  private planByProducts(): number {
    const { n, m, d, xs, ys, halfSqX, halfSqY, outX, outY } = this.ws;
    const { rowVec, colVec, rowOut, colOut } = this.store;
    let transport = 0;
    colVec.set(this.b);
    this.store.timesVector();
    for (let i = 0; i < n; i++) {
      outX[i] = this.a[i] * rowOut[i];
      transport += outX[i] * halfSqX[i];
    }
    rowVec.set(this.a);
    this.store.transposeTimesVector();
    for (let j = 0; j < m; j++) {
      outY[j] = this.b[j] * colOut[j];
      transport += outY[j] * halfSqY[j];
    }
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < m; j++) colVec[j] = this.b[j] * ys[j * d + k];
      this.store.timesVector();
      for (let i = 0; i < n; i++) transport -= this.a[i] * xs[i * d + k] * rowOut[i];
    }
    return transport;
  }
}
