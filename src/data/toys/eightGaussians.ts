/** The `8gaussians` toy: eight isotropic Gaussians on a circle of radius 4, rescaled by 1/1.414. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, split, type Key } from "../../core/rng.js";
import { checkToyCount, evenLabels, shuffleRows } from "./common.js";

const S = 1 / Math.SQRT2;

/** The eight centres before scaling, in FFJORD's order: `(±1,0), (0,±1), (±1/√2, ±1/√2)`. */
const UNIT_CENTRES: readonly (readonly [number, number])[] = [
  [1, 0], [-1, 0], [0, 1], [0, -1], [S, S], [S, -S], [-S, S], [-S, -S],
];

/** Radius of the circle of centres (FFJORD `scale = 4`). */
export const EIGHT_GAUSSIANS_RADIUS = 4;
/** Per-axis standard deviation of each component before the final division (FFJORD `0.5`). */
export const EIGHT_GAUSSIANS_STD = 0.5;
/** The final divisor, FFJORD's literal `1.414` (not exactly √2). */
export const EIGHT_GAUSSIANS_DIVISOR = 1.414;

/**
 * The centres of the eight components after the final division: `4·c_k / 1.414` for the unit centres
 * `c_k ∈ {(±1,0), (0,±1), (±1/√2, ±1/√2)}`, as a `[8, 2]` array (FFJORD order).
 */
export function eightGaussiansCentres(): Array2D {
  const data = new Float64Array(16);
  UNIT_CENTRES.forEach(([cx, cy], k) => {
    data[2 * k] = (EIGHT_GAUSSIANS_RADIUS * cx) / EIGHT_GAUSSIANS_DIVISOR;
    data[2 * k + 1] = (EIGHT_GAUSSIANS_RADIUS * cy) / EIGHT_GAUSSIANS_DIVISOR;
  });
  return array2d(data, 8, 2);
}

/**
 * `n` points of `8gaussians`, shape `[n, 2]`:
 * `x = (4·c_k + 0.5·z) / 1.414`, `z ~ N(0, I₂)`, `c_k` one of the eight unit centres.
 * So each component is `N(4c_k/1.414, (0.5/1.414)² I)`; the mixture has mean 0.
 *
 * FFJORD (Grathwohl et al. 2019, `toy_data.py`) draws `k` uniformly at random per point; here the `n` points are
 * split as evenly as possible over the eight centres (counts differ by at most one) and the rows are then
 * shuffled with the key, so every prefix is a fair sample. DSB (De Bortoli et al. 2021) uses the same toys
 * scaled by about 7.
 */
export function sampleEightGaussians(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleEightGaussians");
  const [drawKey, shuffleKey] = split(key);
  const stream = new KeyStream(drawKey);
  const labels = evenLabels(n, 8);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [cx, cy] = UNIT_CENTRES[labels[i]];
    data[2 * i] = (EIGHT_GAUSSIANS_RADIUS * cx + EIGHT_GAUSSIANS_STD * stream.nextNormal()) / EIGHT_GAUSSIANS_DIVISOR;
    data[2 * i + 1] = (EIGHT_GAUSSIANS_RADIUS * cy + EIGHT_GAUSSIANS_STD * stream.nextNormal()) / EIGHT_GAUSSIANS_DIVISOR;
  }
  return shuffleRows(array2d(data, n, 2), shuffleKey);
}
