/**
 * Uniform tensor grids in 1-D and 2-D for the grid Schrödinger system. Values on a grid are flat `Float64Array`s
 * in row-major order over the axes (`index = i0 * n1 + i1` in 2-D); a density is represented by its values at
 * the nodes, with mass `Σ_k p_k · cellVolume`.
 */
import type { Array2D } from "../core/array2d.js";
import { check, checkInteger } from "../core/errors.js";

/** A uniform tensor grid: one equally spaced axis per dimension (d = 1 or 2). */
export interface UniformGrid {
  /** Node coordinates per axis. */
  readonly axes: readonly Float64Array[];
  /** Spacing `h_a` per axis. */
  readonly spacings: Float64Array;
  /** Nodes per axis. */
  readonly shape: readonly number[];
  /** Total number of nodes `Π n_a`. */
  readonly size: number;
  /** `Π h_a`, the quadrature weight of one node. */
  readonly cellVolume: number;
}

/** An axis of `n` nodes from `lower` to `upper` inclusive. */
function axis(lower: number, upper: number, n: number, fn: string, index: number): Float64Array {
  checkInteger(n, fn, `nodes[${index}]`, 3);
  check(Number.isFinite(lower) && Number.isFinite(upper) && upper > lower, fn, `bounds[${index}]`, `must be finite with upper > lower (got [${lower}, ${upper}])`);
  const h = (upper - lower) / (n - 1);
  return Float64Array.from({ length: n }, (_, k) => lower + k * h);
}

/**
 * A uniform grid on the box `Π [lower_a, upper_a]` with `nodes[a]` nodes per axis (1 or 2 axes, ≥ 3 nodes each).
 */
export function uniformGrid(bounds: readonly (readonly [number, number])[], nodes: readonly number[]): UniformGrid {
  const fn = "uniformGrid";
  check(bounds.length === 1 || bounds.length === 2, fn, "bounds", `must describe 1 or 2 axes (got ${bounds.length})`);
  check(nodes.length === bounds.length, fn, "nodes", `must have one entry per axis (got ${nodes.length}, expected ${bounds.length})`);
  const axes = bounds.map(([lo, hi], a) => axis(lo, hi, nodes[a], fn, a));
  const spacings = Float64Array.from(axes, (x) => x[1] - x[0]);
  const shape = axes.map((x) => x.length);
  return { axes, spacings, shape, size: shape.reduce((p, n) => p * n, 1), cellVolume: spacings.reduce((p, h) => p * h, 1) };
}

/** The grid nodes as an `[size, d]` array (row-major node order). */
export function gridPoints(grid: UniformGrid): Array2D {
  const d = grid.axes.length;
  const data = new Float64Array(grid.size * d);
  if (d === 1) data.set(grid.axes[0]);
  else {
    const [x, y] = grid.axes;
    for (let i = 0; i < x.length; i++) {
      for (let j = 0; j < y.length; j++) {
        data[(i * y.length + j) * 2] = x[i];
        data[(i * y.length + j) * 2 + 1] = y[j];
      }
    }
  }
  return { data, rows: grid.size, cols: d };
}

/** Evaluates a density `p(x)` (any non-negative function of a point) at the nodes and normalizes it to mass 1. */
export function discretizeDensity(grid: UniformGrid, density: (x: Float64Array) => number): Float64Array {
  const pts = gridPoints(grid);
  const d = pts.cols;
  const out = new Float64Array(grid.size);
  let mass = 0;
  for (let k = 0; k < grid.size; k++) {
    const v = density(pts.data.subarray(k * d, (k + 1) * d));
    check(Number.isFinite(v) && v >= 0, "discretizeDensity", "density", `must return finite values ≥ 0 (got ${v} at node ${k})`);
    out[k] = v;
    mass += v * grid.cellVolume;
  }
  check(mass > 0, "discretizeDensity", "density", "has zero mass on the grid");
  for (let k = 0; k < grid.size; k++) out[k] /= mass;
  return out;
}

/** Mass `Σ_k p_k · cellVolume` of grid values. */
export function gridMass(grid: UniformGrid, values: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k];
  return s * grid.cellVolume;
}
