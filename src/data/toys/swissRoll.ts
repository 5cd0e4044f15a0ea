/** The `swissroll` toy: the 2-D cross-section of scikit-learn's swiss roll. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, type Key } from "../../core/rng.js";
import { checkToyCount } from "./common.js";

/**
 * `n` points of `swissroll`, shape `[n, 2]`: `t = 1.5π(1 + 2u)`, `u ~ U[0, 1)`, `z ~ N(0, I₂)`,
 * `x = ((t cos t, t sin t) + z) / 5`. The rows are i.i.d. (no parts, no shuffle needed).
 * Radius before noise: `t/5 ∈ [0.3π, 0.9π)`, mean `0.6π`.
 * Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`: `make_swiss_roll(noise=1.0)[:, [0, 2]] / 5`).
 */
export function sampleSwissRoll(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleSwissRoll");
  const stream = new KeyStream(key);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * stream.nextUniform());
    data[2 * i] = (t * Math.cos(t) + stream.nextNormal()) / 5;
    data[2 * i + 1] = (t * Math.sin(t) + stream.nextNormal()) / 5;
  }
  return array2d(data, n, 2);
}
