/**
 * The Sinkhorn benchmark's clouds (bench/sinkhorn.ts, bench/float32Kernel.ts): `x ~ N(0, I_d)`,
 * `y ~ N(2/√d · 1, 0.25 I_d)`, n points each, seeded by `1000 n + d`; written to `bench/out/{src,tgt}_n_d.npy`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeKey, normal2d, split } from "../src/core/rng.js";
import { writeNpy2D } from "../src/core/npy.js";
import { meanCost, otProblem } from "../src/ot/problem.js";

/** Writes the clouds for (n, d); returns their paths and the mean cost (the scale of ε). */
export function writeBenchmarkClouds(n: number, d: number): { src: string; tgt: string; mean: number } {
  const [k1, k2] = split(makeKey(1000 * n + d));
  const x = normal2d(k1, n, d);
  const y = normal2d(k2, n, d);
  for (let i = 0; i < y.data.length; i++) y.data[i] = 0.5 * y.data[i] + 2 / Math.sqrt(d);
  mkdirSync("bench/out", { recursive: true });
  const src = join("bench/out", `src_${n}_${d}.npy`);
  const tgt = join("bench/out", `tgt_${n}_${d}.npy`);
  writeNpy2D(src, x);
  writeNpy2D(tgt, y);
  return { src, tgt, mean: meanCost(otProblem(x, y, { epsilon: 1 })) };
}
