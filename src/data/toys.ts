/**
 * The standard 2-D toy distributions of the flow / Schrödinger-bridge literature, by name.
 * Definitions follow FFJORD (Grathwohl et al. 2019, `toy_data.py`); DSB (De Bortoli et al. 2021) uses the same
 * toys scaled by about 7. Each toy lives in its own file under `./toys/`; this file only dispatches.
 */
import type { Array2D } from "../core/array2d.js";
import { check } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import { sampleCheckerboard } from "./toys/checkerboard.js";
import { sampleCircles, sampleRings } from "./toys/circles.js";
import { checkToyCount } from "./toys/common.js";
import { sampleEightGaussians } from "./toys/eightGaussians.js";
import { sampleMoons } from "./toys/moons.js";
import { samplePinwheel } from "./toys/pinwheel.js";
import { sampleSwissRoll } from "./toys/swissRoll.js";
import { sampleTwoSpirals } from "./toys/twoSpirals.js";

/** The names accepted by {@link sampleToy}, in the order used for help text. */
export const TOY_NAMES = ["8gaussians", "moons", "circles", "rings", "swissroll", "pinwheel", "2spirals", "checkerboard"] as const;

/** One of {@link TOY_NAMES}. */
export type ToyName = (typeof TOY_NAMES)[number];

const SAMPLERS: Readonly<Record<ToyName, (n: number, key: Key) => Array2D>> = {
  "8gaussians": sampleEightGaussians,
  moons: sampleMoons,
  circles: sampleCircles,
  rings: sampleRings,
  swissroll: sampleSwissRoll,
  pinwheel: samplePinwheel,
  "2spirals": sampleTwoSpirals,
  checkerboard: sampleCheckerboard,
};

/** True when `s` is one of {@link TOY_NAMES} (exact, case-sensitive). */
export function isToyName(s: string): s is ToyName {
  return (TOY_NAMES as readonly string[]).includes(s);
}

/**
 * `n` points of the named 2-D toy, shape `[n, 2]`. The same key gives the same points. For toys made of parts
 * (8gaussians, moons, circles, rings, pinwheel, 2spirals) `n` is split over the parts as evenly as possible and
 * the rows are shuffled with the key, so exactly `n` rows come back and any prefix is a fair sample.
 * Formulas: see each sampler (`sampleEightGaussians`, `sampleMoons`, …) and FFJORD (Grathwohl et al. 2019).
 *
 * @throws SbkitInputError for an unknown `name` (the message lists the valid names) or a bad `n`.
 */
export function sampleToy(name: ToyName, n: number, key: Key): Array2D {
  check(typeof name === "string" && isToyName(name), "sampleToy", "name", `must be one of ${TOY_NAMES.join(", ")} (got ${JSON.stringify(name)})`);
  checkToyCount(n, "sampleToy");
  return SAMPLERS[name](n, key);
}
