/**
 * Training-step time of sbkit's drift MLP (src/nn, jax-js on wasm) against PyTorch (Debian python3-torch,
 * 2 threads) in one run: the same architecture ([x, 64-d sinusoidal emb(t)] → SiLU MLP → x), batch, Adam and MSE.
 *
 * usage: node --import tsx bench/mlpStep.ts [--steps 30] [--out bench/out/mlpStep.json]
 * Cases: d = 2 with hidden 256,256,256 at batch 1024 (the 66→256→256→256→2 drift net), and d = 784 with hidden
 * 256,256,256 at batch 256 (an MNIST-sized MLP).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { makeKey, normal2d, uniform } from "../src/core/rng.js";
import { mlpConfig } from "../src/nn/mlp.js";
import { RegressionTrainer } from "../src/nn/regressionTrainer.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const steps = Number(args.get("steps") ?? 30);
const outFile = args.get("out") ?? "bench/out/mlpStep.json";
const cases = [
  { dim: 2, hidden: [256, 256, 256], batch: 1024 },
  { dim: 784, hidden: [256, 256, 256], batch: 256 },
];

async function sbkitMs(dim: number, hidden: number[], batch: number): Promise<number> {
  const trainer = await RegressionTrainer.create(mlpConfig(dim, dim, { hiddenDims: hidden }), makeKey(0), { emaDecay: 0 });
  const x = normal2d(makeKey(1), batch, dim);
  const y = normal2d(makeKey(2), batch, dim);
  const t = uniform(makeKey(3), batch);
  for (let k = 0; k < 5; k++) trainer.step({ x, t, target: y });
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) trainer.step({ x, t, target: y });
  const ms = (performance.now() - t0) / steps;
  trainer.dispose();
  return ms;
}

mkdirSync("bench/out", { recursive: true });
const rows: Record<string, unknown>[] = [];
for (const c of cases) {
  const sb = await sbkitMs(c.dim, c.hidden, c.batch);
  const torch = JSON.parse(execFileSync("/usr/bin/python3", ["bench/torchMlpStep.py", String(c.dim), c.hidden.join(","), String(c.batch), String(steps)]).toString().trim()) as { msPerStep: number; torch: string };
  const row = { ...c, sbkitMs: sb, torchMs: torch.msPerStep, torchVersion: torch.torch, ratio: sb / torch.msPerStep };
  rows.push(row);
  console.log(`d=${c.dim} hidden=${c.hidden.join("x")} batch=${c.batch}: sbkit ${sb.toFixed(1)} ms/step, PyTorch ${torch.msPerStep.toFixed(1)} ms/step, sbkit/PyTorch = ${row.ratio.toFixed(2)}`);
}
writeFileSync(outFile, JSON.stringify(rows, null, 1));
