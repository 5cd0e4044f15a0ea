/**
 * Exact sampling of whole bridge paths of a linear reference pinned at both ends: a mixture of conditional
 * bridges. Given pairs `(x0_i, x1_i)` drawn from a coupling π (e.g. the entropic plan of `sinkhorn`), the paths are
 * draws of `Π = ∫ R_{·|x0,x1} dπ(x0,x1)` — the static-to-dynamic construction of the Schrödinger bridge (the SB is
 * the mixture of reference bridges over the static SB plan; Léonard 2014, section 4.1 of the SB monograph).
 *
 * Each step conditions the Gaussian transition on the endpoint (Doob's h-transform in closed form): for
 * `s < t < 1`, `X_t | X_s = x, X_1 = x1 ~ N(a(s,t)x + k (x1 − a(s,1)x), v(s,t)v(t,1)/v(s,1) I)` with
 * `k = v(s,t) a(t,1) / v(s,1)`. For the Brownian reference this gives the Brownian-bridge marginals
 * `N((1−t)x0 + t x1, σ² t(1−t) I)` at every grid time, with no discretisation error.
 */
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "../core/array2d.js";
import { check } from "../core/errors.js";
import { normal2d, split, type Key } from "../core/rng.js";
import type { LinearReference } from "./reference.js";
import { checkTimeGrid } from "./time.js";

/** Paths on a grid: `paths[k]` is the `[n, d]` state at `times[k]`. */
export interface BridgePaths {
  readonly times: Float64Array;
  readonly paths: readonly Array2D[];
}

/**
 * Samples one path per pair of rows of `x0`, `x1` (`[n, d]` each) on the increasing grid `times` from 0 to 1
 * (`times[0] = 0`, last = 1), under `reference` pinned at both ends.
 *
 * @throws SbkitInputError naming `sampleBridgePaths` for mismatched shapes, non-finite points or a grid that is not
 * increasing from 0 to 1.
 */
export function sampleBridgePaths(reference: LinearReference, key: Key, x0: Array2DLike, x1: Array2DLike, times: ArrayLike<number>): BridgePaths {
  const fn = "sampleBridgePaths";
  const a = toArray2D(x0, fn, "x0");
  const b = toArray2D(x1, fn, "x1");
  checkAllFinite(a.data, fn, "x0", a.cols);
  checkAllFinite(b.data, fn, "x1", b.cols);
  check(a.rows === b.rows && a.cols === b.cols, fn, "x1", `has shape [${b.rows}, ${b.cols}], expected [${a.rows}, ${a.cols}] like x0`);
  const grid = checkTimeGrid(times, fn);
  check(grid[0] === 0 && grid[grid.length - 1] === 1 && grid[1] > grid[0], fn, "times", `must increase from 0 to 1 (got ${grid[0]} … ${grid[grid.length - 1]})`);

  const paths: Array2D[] = [{ data: Float64Array.from(a.data), rows: a.rows, cols: a.cols }];
  let rest = key;
  for (let k = 1; k < grid.length; k++) {
    const prev = paths[k - 1].data;
    const s = grid[k - 1];
    const t = grid[k];
    if (k === grid.length - 1) {
      paths.push({ data: Float64Array.from(b.data), rows: b.rows, cols: b.cols });
      break;
    }
    const vst = reference.transitionVariance(s, t);
    const vt1 = reference.transitionVariance(t, 1);
    const vs1 = reference.transitionVariance(s, 1);
    const ast = reference.transitionScale(s, t);
    const as1 = reference.transitionScale(s, 1);
    const gain = (vst * reference.transitionScale(t, 1)) / vs1;
    const sd = Math.sqrt((vst * vt1) / vs1);
    const [stepKey, next] = split(rest);
    rest = next;
    const z = normal2d(stepKey, a.rows, a.cols);
    const out = new Float64Array(prev.length);
    for (let i = 0; i < out.length; i++) out[i] = ast * prev[i] + gain * (b.data[i] - as1 * prev[i]) + sd * z.data[i];
    paths.push({ data: out, rows: a.rows, cols: a.cols });
  }
  return { times: grid, paths };
}
