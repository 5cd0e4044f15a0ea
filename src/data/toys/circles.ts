/** The `circles` and `rings` toys: noisy concentric circles. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, split, type Key } from "../../core/rng.js";
import { checkToyCount, evenLabels, shuffleRows } from "./common.js";

/** Radii of `circles` before the ×3 scaling (scikit-learn `make_circles(factor=0.5)`). */
export const CIRCLES_RADII: readonly number[] = [1, 0.5];
/** Radii of `rings` before the ×3 scaling. */
export const RINGS_RADII: readonly number[] = [1, 0.75, 0.5, 0.25];
/** Noise standard deviation of both toys (`0.08`; applied before ×3 for circles, after ×3 for rings). */
export const CIRCLES_NOISE = 0.08;
/** The common scale factor of both toys. */
export const CIRCLES_SCALE = 3;

/**
 * `n` points on concentric circles: part `p` gets radius `radii[p]`, counts as even as possible, rows shuffled.
 * `x = a·(r cos θ, r sin θ) + b·z` with `θ ~ U[0, 2π)`, `z ~ N(0, I₂)`.
 */
function concentric(n: number, key: Key, radii: readonly number[], a: number, b: number): Array2D {
  const [drawKey, shuffleKey] = split(key);
  const stream = new KeyStream(drawKey);
  const labels = evenLabels(n, radii.length);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = radii[labels[i]];
    const theta = 2 * Math.PI * stream.nextUniform();
    data[2 * i] = a * r * Math.cos(theta) + b * stream.nextNormal();
    data[2 * i + 1] = a * r * Math.sin(theta) + b * stream.nextNormal();
  }
  return shuffleRows(array2d(data, n, 2), shuffleKey);
}

/**
 * `n` points of `circles`, shape `[n, 2]`: `x = 3·(r (cos θ, sin θ) + 0.08·z)`, `r ∈ {1, 0.5}` (half each,
 * the first `⌈n/2⌉` on the outer circle), `θ ~ U[0, 2π)`, `z ~ N(0, I₂)`; rows shuffled with the key.
 * Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`, via `sklearn.datasets.make_circles(factor=.5, noise=.08)`),
 * which uses an evenly spaced grid of angles; here θ is i.i.d. uniform.
 */
export function sampleCircles(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleCircles");
  return concentric(n, key, CIRCLES_RADII, CIRCLES_SCALE, CIRCLES_SCALE * CIRCLES_NOISE);
}

/**
 * `n` points of `rings`, shape `[n, 2]`: `x = 3r (cos θ, sin θ) + 0.08·z`, `r ∈ {1, 0.75, 0.5, 0.25}` (a quarter
 * each, counts differing by at most one), `θ ~ U[0, 2π)`, `z ~ N(0, I₂)`; rows shuffled with the key.
 * Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`), which adds the noise after the ×3 and uses an evenly
 * spaced grid of angles; here θ is i.i.d. uniform.
 */
export function sampleRings(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleRings");
  return concentric(n, key, RINGS_RADII, CIRCLES_SCALE, CIRCLES_NOISE);
}
