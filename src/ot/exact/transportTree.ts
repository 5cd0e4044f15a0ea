/**
 * The spanning-tree machinery of the primal network simplex for the transportation problem (Dantzig 1951;
 * Ahuja, Magnanti & Orlin 1993, ch. 11; the layout of LEMON's `NetworkSimplex` as used by Bonneel et al. 2011
 * and POT's `emd`). Internal to `networkSimplex.ts`.
 *
 * Graph: supply nodes `0..n−1`, demand nodes `n..n+m−1`, an artificial root `r = n+m`. Real arcs `i → n+j` with
 * cost `C_ij` and no capacity; artificial arcs `i → r` (cost 0) and `r → n+j` (cost `artificialCost`). The tree
 * is stored by node: `parent`, `depth`, a circular preorder `thread` (with `revThread`) and, for each non-root
 * node, the flow on the arc to its parent. Because every arc points from a supply node to a demand node (or runs
 * `i → r → n+j`), the arc to the parent points up exactly when the child is a supply node: no arc ids needed,
 * and non-tree arcs always carry zero flow, so no n×m flow array either.
 *
 * Reduced cost of arc `u → w`: `c + π_u − π_w` (0 on tree arcs). Flows are integers held exactly in float64
 * (see `integerMasses.ts`), so degeneracy is detected exactly. The leaving arc follows Cunningham's (1976) rule
 * for strongly feasible trees — the last blocking arc met when walking the cycle from its apex in the direction
 * of the entering arc — which rules out cycling.
 */
import { SbkitNumericalError } from "../../core/errors.js";

/** A spanning tree of the transportation network with its flows and potentials. */
export class TransportTree {
  readonly n: number;
  readonly m: number;
  readonly root: number;
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly thread: Int32Array;
  readonly revThread: Int32Array;
  /** Flow on the arc between a node and its parent (integer-valued). */
  readonly flow: Float64Array;
  /** Node potentials π: `f_i = −π_i`, `g_j = π_{n+j}` are the OT dual variables. */
  readonly pi: Float64Array;
  private readonly c: Float64Array;
  private readonly artificialCost: number;
  private readonly path: Int32Array;
  private readonly segmentEnd: Int32Array;
  private readonly pieceLast: Int32Array;
  private readonly pieceNext: Int32Array;

  /**
   * The initial, strongly feasible tree: every node hangs from the root by its artificial arc carrying its
   * whole (positive) supply or demand. `c` is the row-major `[n, m]` cost matrix; `supply` and `demand` hold
   * positive integers with equal sums; `artificialCost > max C_ij`.
   */
  constructor(c: Float64Array, n: number, m: number, supply: Float64Array, demand: Float64Array, artificialCost: number) {
    const size = n + m + 1;
    this.n = n;
    this.m = m;
    this.root = n + m;
    this.c = c;
    this.artificialCost = artificialCost;
    this.parent = new Int32Array(size).fill(this.root);
    this.parent[this.root] = -1;
    this.depth = new Int32Array(size).fill(1);
    this.depth[this.root] = 0;
    this.thread = new Int32Array(size);
    this.revThread = new Int32Array(size);
    for (let w = 0; w < size; w++) {
      this.thread[w] = w + 1 === size ? 0 : w + 1;
      this.revThread[w] = w === 0 ? size - 1 : w - 1;
    }
    this.flow = new Float64Array(size);
    this.flow.set(supply, 0);
    this.flow.set(demand, n);
    this.pi = new Float64Array(size);
    this.path = new Int32Array(size);
    this.segmentEnd = new Int32Array(size);
    this.pieceLast = new Int32Array(size);
    this.pieceNext = new Int32Array(size);
    this.refreshPotentials();
  }

  /** Cost of the tree arc between non-root node `w` and its parent. */
  arcCost(w: number): number {
    const p = this.parent[w];
    if (p === this.root) return w < this.n ? 0 : this.artificialCost;
    return w < this.n ? this.c[w * this.m + (p - this.n)] : this.c[p * this.m + (w - this.n)];
  }

  /** Recomputes π from the tree (π_r = 0, tree arcs tight), clearing drift from incremental updates. O(n+m). */
  refreshPotentials(): void {
    const { pi, parent, thread, root, n } = this;
    pi[root] = 0;
    for (let w = thread[root]; w !== root; w = thread[w]) {
      pi[w] = w < n ? pi[parent[w]] - this.arcCost(w) : pi[parent[w]] + this.arcCost(w);
    }
  }

  /**
   * Pivots the real arc `i → n+j` (reduced cost `reducedCost < 0`) into the tree: finds the apex of its cycle,
   * the leaving arc by Cunningham's rule, pushes the bottleneck flow `δ` (possibly 0) around the cycle, then
   * re-hangs the cut-off subtree from the entering arc, updating thread, depth and π in O(cycle + subtree).
   */
  pivot(i: number, j: number, reducedCost: number): void {
    const { parent, depth, flow, n } = this;
    const uIn = i;
    const vIn = n + j;
    let a = uIn;
    let b = vIn;
    while (a !== b) {
      if (depth[a] >= depth[b]) a = parent[a];
      else b = parent[b];
    }
    const apex = a;
    // Walking the cycle apex → uIn → vIn → apex, flow falls on source-side arcs pointing up (child < n) and on
    // target-side arcs pointing down (child ≥ n). Ties go to the last blocking arc in that walk.
    let delta = Infinity;
    let out = -1;
    let sourceSide = true;
    for (let w = uIn; w !== apex; w = parent[w]) {
      if (w < n && flow[w] < delta) {
        delta = flow[w];
        out = w;
      }
    }
    for (let w = vIn; w !== apex; w = parent[w]) {
      if (w >= n && flow[w] <= delta) {
        delta = flow[w];
        out = w;
        sourceSide = false;
      }
    }
    if (out < 0) throw new SbkitNumericalError("networkSimplex", "found a cycle without a blocking arc (unbounded problem)");
    if (delta > 0) {
      for (let w = uIn; w !== apex; w = parent[w]) flow[w] += w < n ? -delta : delta;
      for (let w = vIn; w !== apex; w = parent[w]) flow[w] += w < n ? delta : -delta;
    }
    if (sourceSide) this.rehang(uIn, vIn, out, delta, -reducedCost);
    else this.rehang(vIn, uIn, out, delta, reducedCost);
  }

  /**
   * Cuts the arc above `out`, re-roots the cut subtree S at `q` (a descendant of `out`) and hangs it below `p`
   * by the entering arc carrying `enteringFlow`; π on S moves by `shift`. With the path `q = w₀, w₁, …, w_k = out`,
   * the new preorder of S is seg(w₀), then seg(w₁) without seg(w₀), …, then seg(w_k) without seg(w_{k−1}), where
   * seg(w) is w's old preorder segment; each difference is at most two runs of the old thread.
   */
  private rehang(q: number, p: number, out: number, enteringFlow: number, shift: number): void {
    const { parent, depth, flow, thread, revThread, pi, path, segmentEnd, pieceLast, pieceNext } = this;
    let k = 0;
    path[0] = q;
    while (path[k] !== out) {
      path[k + 1] = parent[path[k]];
      k++;
    }
    // The old segments are nested around q; they end (in order w₀, w₁, …) where the depth first drops to theirs.
    let s = 0;
    let previous = q;
    let x = thread[q];
    for (;;) {
      while (s <= k && depth[x] <= depth[path[s]]) segmentEnd[s++] = previous;
      if (s > k) break;
      previous = x;
      x = thread[x];
    }
    for (let t = 1; t <= k; t++) {
      pieceLast[t] = revThread[path[t - 1]];
      pieceNext[t] = thread[segmentEnd[t - 1]];
    }
    const link = (from: number, to: number): void => {
      thread[from] = to;
      revThread[to] = from;
    };
    link(revThread[out], thread[segmentEnd[k]]);
    let tail = segmentEnd[0];
    for (let t = 1; t <= k; t++) {
      link(tail, path[t]);
      tail = pieceLast[t];
      if (segmentEnd[t - 1] !== segmentEnd[t]) {
        link(tail, pieceNext[t]);
        tail = segmentEnd[t];
      }
    }
    const after = thread[p];
    link(p, q);
    link(tail, after);
    // Reverse the path: the arc between w_{t−1} and w_t now hangs below w_{t−1}.
    for (let t = k; t >= 1; t--) {
      parent[path[t]] = path[t - 1];
      flow[path[t]] = flow[path[t - 1]];
    }
    parent[q] = p;
    flow[q] = enteringFlow;
    for (x = q; ; x = thread[x]) {
      depth[x] = depth[parent[x]] + 1;
      pi[x] += shift;
      if (x === tail) break;
    }
  }
}
