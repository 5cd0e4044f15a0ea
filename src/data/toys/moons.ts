/** The `moons` toy: two interleaving half circles (scikit-learn's `make_moons`), shifted and scaled. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, split, type Key } from "../../core/rng.js";
import { checkToyCount, evenLabels, shuffleRows } from "./common.js";

/** Standard deviation of the Gaussian noise before the final affine map (FFJORD `noise=0.1`). */
export const MOONS_NOISE = 0.1;

/**
 * `n` points of `moons`, shape `[n, 2]`. With `θ ~ U[0, π]` and `z ~ N(0, I₂)`:
 * - outer moon: `m = (cos θ, sin θ)`,
 * - inner moon: `m = (1 − cos θ, 0.5 − sin θ)`,
 * - `x = 2·(m + 0.1·z) + (−1, −0.2)`.
 *
 * The first `⌈n/2⌉` points are outer and the rest inner, then the rows are shuffled with the key.
 * Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`, via `sklearn.datasets.make_moons(noise=0.1)`).
 * scikit-learn places θ on an evenly spaced grid; here θ is drawn i.i.d. uniform, so every row is an independent
 * draw from the same limiting distribution. Expected means: outer `(−1, 4/π − 0.2)`, inner `(1, 0.8 − 4/π)`.
 */
export function sampleMoons(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleMoons");
  const [drawKey, shuffleKey] = split(key);
  const stream = new KeyStream(drawKey);
  const labels = evenLabels(n, 2);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const theta = Math.PI * stream.nextUniform();
    const mx = labels[i] === 0 ? Math.cos(theta) : 1 - Math.cos(theta);
    const my = labels[i] === 0 ? Math.sin(theta) : 0.5 - Math.sin(theta);
    data[2 * i] = 2 * (mx + MOONS_NOISE * stream.nextNormal()) - 1;
    data[2 * i + 1] = 2 * (my + MOONS_NOISE * stream.nextNormal()) - 0.2;
  }
  return shuffleRows(array2d(data, n, 2), shuffleKey);
}
