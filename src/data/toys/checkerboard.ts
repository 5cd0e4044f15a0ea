/** The `checkerboard` toy: uniform on the black squares of a 4×4 board. */
import { array2d, type Array2D } from "../../core/array2d.js";
import { KeyStream, type Key } from "../../core/rng.js";
import { checkToyCount } from "./common.js";

/**
 * `n` points of `checkerboard`, shape `[n, 2]`, uniform on the 8 squares of `[−4, 4]²` (side 2) whose cell
 * indices `⌊x₁/2⌋ + ⌊x₂/2⌋` are even. With `u₁, u₂ ~ U[0, 1)` and `b ~ Bernoulli(½)`:
 * `x₁ = 4u₁ − 2`, `x₂ = u₂ − 2b + (⌊x₁⌋ mod 2)` (mod with a non-negative result, as Python's `%`), `x = 2·(x₁, x₂)`.
 * The rows are i.i.d. Source: FFJORD (Grathwohl et al. 2019, `toy_data.py`).
 */
export function sampleCheckerboard(n: number, key: Key): Array2D {
  checkToyCount(n, "sampleCheckerboard");
  const stream = new KeyStream(key);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x1 = 4 * stream.nextUniform() - 2;
    const parity = ((Math.floor(x1) % 2) + 2) % 2;
    const x2 = stream.nextUniform() - 2 * stream.nextInt(2) + parity;
    data[2 * i] = 2 * x1;
    data[2 * i + 1] = 2 * x2;
  }
  return array2d(data, n, 2);
}
