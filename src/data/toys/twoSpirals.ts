/** The `2spirals` toy: two interleaved spirals, point-symmetric about the origin. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, split, type Key } from "../../core/rng.js";
import { checkToyCount, evenLabels, shuffleRows } from "./common.js";

/** Noise standard deviation added after the division by 3 (FFJORD `0.1`). */
export const TWO_SPIRALS_NOISE = 0.1;

/**
 * `n` points of `2spirals`, shape `[n, 2]`. With independent `u₁, u₂, u₃ ~ U[0, 1)` and `z ~ N(0, I₂)`:
 * `r = √u₁ · 3π` (540° in radians), `d = (−r cos r + 0.5u₂, r sin r + 0.5u₃)`, and
 * `x = s·d/3 + 0.1·z` with `s = +1` for the first `⌈n/2⌉` points and `s = −1` for the rest (the `[d; −d]` of
 * the source, each half drawn independently); rows shuffled with the key. So the distribution is symmetric
 * under `x ↦ −x`. Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`).
 */
export function sampleTwoSpirals(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleTwoSpirals");
  const [drawKey, shuffleKey] = split(key);
  const stream = new KeyStream(drawKey);
  const labels = evenLabels(n, 2);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(stream.nextUniform()) * 3 * Math.PI;
    const dx = -r * Math.cos(r) + 0.5 * stream.nextUniform();
    const dy = r * Math.sin(r) + 0.5 * stream.nextUniform();
    const sign = labels[i] === 0 ? 1 : -1;
    data[2 * i] = (sign * dx) / 3 + TWO_SPIRALS_NOISE * stream.nextNormal();
    data[2 * i + 1] = (sign * dy) / 3 + TWO_SPIRALS_NOISE * stream.nextNormal();
  }
  return shuffleRows(array2d(data, n, 2), shuffleKey);
}
