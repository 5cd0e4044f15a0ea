/** The `pinwheel` toy: five curved arms. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, split, type Key } from "../../core/rng.js";
import { checkToyCount, evenLabels, shuffleRows } from "./common.js";

/** Number of arms. */
export const PINWHEEL_ARMS = 5;
/** Radial and tangential standard deviations of the features (FFJORD `0.3`, `0.1`). */
export const PINWHEEL_RADIAL_STD = 0.3;
export const PINWHEEL_TANGENTIAL_STD = 0.1;
/** How fast the arms curl (FFJORD `rate = 0.25`). */
export const PINWHEEL_RATE = 0.25;

/**
 * `n` points of `pinwheel`, shape `[n, 2]`. For arm `k ∈ {0,…,4}` (counts as even as possible) and
 * `ε ~ N(0, I₂)`: `f = (1 + 0.3ε₁, 0.1ε₂)`, `θ = 2πk/5 + 0.25·e^{f₀}`,
 * `x = 2·(f₀ cos θ + f₁ sin θ, −f₀ sin θ + f₁ cos θ)`; rows shuffled with the key.
 * Note `‖x‖ = 2‖f‖` and the rotation is clockwise by θ.
 * Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`), which returns `5⌊n/5⌋` rows; here exactly `n`.
 */
export function samplePinwheel(n: number, key: Key): Array2D {
  checkToyCount(n, "samplePinwheel");
  const [drawKey, shuffleKey] = split(key);
  const stream = new KeyStream(drawKey);
  const labels = evenLabels(n, PINWHEEL_ARMS);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const f0 = 1 + PINWHEEL_RADIAL_STD * stream.nextNormal();
    const f1 = PINWHEEL_TANGENTIAL_STD * stream.nextNormal();
    const theta = (2 * Math.PI * labels[i]) / PINWHEEL_ARMS + PINWHEEL_RATE * Math.exp(f0);
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    data[2 * i] = 2 * (f0 * c + f1 * s);
    data[2 * i + 1] = 2 * (-f0 * s + f1 * c);
  }
  return shuffleRows(array2d(data, n, 2), shuffleKey);
}
