/**
 * The pivot loop of the primal network simplex for the transportation problem, with LEMON's block-search pricing
 * (Bonneel, van de Panne, Paris & Heidrich 2011, "Displacement interpolation using Lagrangian mass transport";
 * LEMON `NetworkSimplex`, Kovács 2015). Internal to `networkSimplex.ts`.
 */
import { TransportTree } from "./transportTree.js";

/** π is recomputed from the tree after this many pivots, so rounding from incremental updates cannot build up. */
const REFRESH_INTERVAL = 1024;

/** What the pivot loop returns: the final tree and its diagnostics. */
export interface TransportSimplexRun {
  readonly tree: TransportTree;
  /** Number of pivots made. */
  readonly iterations: number;
  /** True when no arc has reduced cost below `−tolerance` (optimal up to that tolerance). */
  readonly converged: boolean;
}

/**
 * Runs the network simplex on the row-major `[n, m]` cost matrix `c` with positive integer supplies and demands
 * of equal sums, starting from the artificial tree. Pricing: arcs are scanned cyclically in blocks of
 * `blockSize`; after each block, the most negative reduced cost of a non-tree arc seen (if below `−tolerance`)
 * enters. Stops when a
 * full cycle over the n·m arcs finds no candidate (right after a refresh of π), or after `maxIterations` pivots.
 * O(n·m / blockSize + cycle + subtree) per pivot; in practice a few pivots per node.
 */
export function transportSimplex(
  c: Float64Array,
  n: number,
  m: number,
  supply: Float64Array,
  demand: Float64Array,
  artificialCost: number,
  tolerance: number,
  maxIterations: number,
  blockSize: number,
): TransportSimplexRun {
  const tree = new TransportTree(c, n, m, supply, demand, artificialCost);
  const { pi, parent } = tree;
  const total = n * m;
  let nextI = 0;
  let nextJ = 0;
  let iterations = 0;
  let sinceRefresh = 0;
  for (;;) {
    // Block search from (nextI, nextJ).
    let best = -tolerance;
    let bestI = -1;
    let bestJ = -1;
    let i = nextI;
    let j = nextJ;
    let io = i * m;
    let piI = pi[i];
    let inBlock = 0;
    for (let scanned = 0; scanned < total; scanned++) {
      const reduced = c[io + j] + piI - pi[n + j];
      // Tree arcs have reduced cost 0 up to rounding; they are skipped, never priced in.
      if (reduced < best && parent[i] !== n + j && parent[n + j] !== i) {
        best = reduced;
        bestI = i;
        bestJ = j;
      }
      if (++j === m) {
        j = 0;
        if (++i === n) i = 0;
        io = i * m;
        piI = pi[i];
      }
      if (++inBlock === blockSize) {
        if (bestI >= 0) break;
        inBlock = 0;
      }
    }
    nextI = i;
    nextJ = j;
    if (bestI < 0) {
      // No candidate: optimal, once confirmed on potentials freshly computed from the tree.
      if (sinceRefresh === 0) return { tree, iterations, converged: true };
      tree.refreshPotentials();
      sinceRefresh = 0;
      continue;
    }
    if (iterations >= maxIterations) return { tree, iterations, converged: false };
    tree.pivot(bestI, bestJ, best);
    iterations++;
    if (++sinceRefresh >= REFRESH_INTERVAL) {
      tree.refreshPotentials();
      sinceRefresh = 0;
    }
  }
}
