/**
 * Conditional probability paths as small objects (TorchCFM's design): given endpoints `(x0, x1)` and noise
 * `z ~ N(0, I)`, the stochastic interpolant (Albergo, Boffi & Vanden-Eijnden 2023)
 *
 *   x_t = α(t) x0 + β(t) x1 + γ(t) z,
 *
 * has mean `μ_t = α x0 + β x1`, std `γ(t)`, conditional velocity `u_t = α' x0 + β' x1 + γ' z` (so that
 * `d x_t/dt = u_t` for fixed `x0, x1, z`), and conditional score `∇log p_t(x_t | x0, x1) = −z/γ(t)`.
 * Flow matching regresses a network on `u_t` (Lipman et al. 2023), score matching on the score weighted by γ².
 * Every batch method takes one time per row.
 */
import { array2d, type Array2D } from "../core/array2d.js";
import { check } from "../core/errors.js";

/** The scalar coefficients of an interpolant and their time derivatives. */
export interface PathCoefficients {
  alpha(t: number): number;
  beta(t: number): number;
  gamma(t: number): number;
  dAlpha(t: number): number;
  dBeta(t: number): number;
  dGamma(t: number): number;
}

function checkRows(fn: string, t: Float64Array, ...xs: Array2D[]): void {
  for (const x of xs) {
    check(x.rows === t.length, fn, "t", `has length ${t.length}, expected one time per row (${x.rows})`);
    check(x.cols === xs[0].cols, fn, "x", `arrays have ${x.cols} and ${xs[0].cols} columns`);
  }
}

/** A conditional path `x_t = α x0 + β x1 + γ z` (see the module doc). */
export class ConditionalPath {
  constructor(
    /** Name saved in model settings, e.g. `"brownian-bridge"`. */
    readonly name: string,
    private readonly c: PathCoefficients,
    /** Times are drawn from `[tMin, tMax]` when `γ'` or `α'` is singular at an end (documented per path). */
    readonly tMin = 0,
    readonly tMax = 1,
  ) {}

  /** `μ_t = α(t) x0 + β(t) x1` row by row. */
  mean(t: Float64Array, x0: Array2D, x1: Array2D): Array2D {
    checkRows("ConditionalPath.mean", t, x0, x1);
    return this.combine(t, x0, x1, undefined, (s) => this.c.alpha(s), (s) => this.c.beta(s), () => 0);
  }

  /** `γ(t)`, the std of `x_t` given the endpoints. */
  std(t: number): number {
    return this.c.gamma(t);
  }

  /** A draw `x_t = μ_t + γ(t) z`. */
  sample(t: Float64Array, x0: Array2D, x1: Array2D, z: Array2D): Array2D {
    checkRows("ConditionalPath.sample", t, x0, x1, z);
    return this.combine(t, x0, x1, z, (s) => this.c.alpha(s), (s) => this.c.beta(s), (s) => this.c.gamma(s));
  }

  /** The conditional velocity `u_t = α' x0 + β' x1 + γ' z` at the point `x_t` drawn with noise `z`. */
  velocity(t: Float64Array, x0: Array2D, x1: Array2D, z: Array2D): Array2D {
    checkRows("ConditionalPath.velocity", t, x0, x1, z);
    return this.combine(t, x0, x1, z, (s) => this.c.dAlpha(s), (s) => this.c.dBeta(s), (s) => this.c.dGamma(s));
  }

  /** The conditional score `∇log p_t(x_t | x0, x1) = −z/γ(t)` (γ(t) must be > 0). */
  score(t: Float64Array, z: Array2D): Array2D {
    checkRows("ConditionalPath.score", t, z);
    const out = new Float64Array(z.data.length);
    const d = z.cols;
    for (let i = 0; i < z.rows; i++) {
      const g = this.c.gamma(t[i]);
      check(g > 0, "ConditionalPath.score", "t", `gives γ(t) = ${g} at t = ${t[i]}; the score needs γ > 0`);
      for (let k = 0; k < d; k++) out[i * d + k] = -z.data[i * d + k] / g;
    }
    return array2d(out, z.rows, d);
  }

  private combine(t: Float64Array, x0: Array2D, x1: Array2D, z: Array2D | undefined, a: (t: number) => number, b: (t: number) => number, g: (t: number) => number): Array2D {
    const d = x0.cols;
    const out = new Float64Array(x0.rows * d);
    for (let i = 0; i < x0.rows; i++) {
      const ai = a(t[i]);
      const bi = b(t[i]);
      const gi = z === undefined ? 0 : g(t[i]);
      const o = i * d;
      for (let k = 0; k < d; k++) out[o + k] = ai * x0.data[o + k] + bi * x1.data[o + k] + (gi === 0 ? 0 : gi * (z as Array2D).data[o + k]);
    }
    return array2d(out, x0.rows, d);
  }
}
