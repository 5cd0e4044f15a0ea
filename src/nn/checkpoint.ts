/**
 * Model / checkpoint folders: `config.json` (what the model is: method, settings, network architectures, the
 * training step and loss history) beside `weights-<step>.safetensors` (every network's weights, EMA weights and
 * Adam moments as F32 tensors named `<network>/<part>/<tensor>`, e.g. `flow/ema/layer0.weight`).
 *
 * Crash safety: the weights file is written first (atomically, under a new name), then `config.json` is
 * atomically replaced to point at it, then older weight files are removed. A crash at any point leaves a
 * folder whose `config.json` names a complete weights file.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomicWrite.js";
import { check, SbkitInputError } from "../core/errors.js";
import { readSafetensors, writeSafetensors, type SafeTensor } from "../core/safetensors.js";
import { checkNetworkConfig, type NetworkConfig } from "./architecture.js";
import type { HostTensor, HostTensors } from "./hostTensor.js";
import type { TrainerState } from "./regressionTrainer.js";
import type { Checkpoint } from "./checkpointData.js";

export type { Checkpoint } from "./checkpointData.js";

/** The format tag of `config.json`. */
export const CHECKPOINT_FORMAT = "sbkit-model";
/** The current format version. */
export const CHECKPOINT_VERSION = 1;

interface ConfigJson {
  format: string;
  version: number;
  method: string;
  settings: Record<string, unknown>;
  step: number;
  totalSteps: number;
  weights: string;
  networks: Record<string, NetworkConfig>;
  hasEma: Record<string, boolean>;
  lossHistory: number[];
}

function put(out: Record<string, SafeTensor>, prefix: string, tensors: HostTensors): void {
  for (const [k, v] of Object.entries(tensors)) out[`${prefix}/${k}`] = { shape: v.shape, data: v.data };
}

/** Writes `checkpoint` into folder `dir` (created if needed), crash-safely. */
export function saveCheckpoint(dir: string, checkpoint: Checkpoint): void {
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, SafeTensor> = {};
  const hasEma: Record<string, boolean> = {};
  for (const [name, s] of Object.entries(checkpoint.states)) {
    check(checkpoint.networks[name] !== undefined, "saveCheckpoint", "checkpoint.states", `has network "${name}" with no architecture in checkpoint.networks`);
    put(tensors, `${name}/params`, s.params);
    if (s.ema !== undefined) put(tensors, `${name}/ema`, s.ema);
    put(tensors, `${name}/adam_m`, s.adamM);
    put(tensors, `${name}/adam_v`, s.adamV);
    hasEma[name] = s.ema !== undefined;
  }
  const weights = `weights-${checkpoint.step}.safetensors`;
  writeSafetensors(join(dir, weights), tensors, { format: CHECKPOINT_FORMAT, step: String(checkpoint.step) });
  const config: ConfigJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    method: checkpoint.method,
    settings: { ...checkpoint.settings },
    step: checkpoint.step,
    totalSteps: checkpoint.totalSteps,
    weights,
    networks: { ...checkpoint.networks },
    hasEma,
    lossHistory: [...checkpoint.lossHistory],
  };
  writeFileAtomic(join(dir, "config.json"), JSON.stringify(config, null, 1) + "\n", "saveCheckpoint");
  for (const f of readdirSync(dir)) {
    if (f !== weights && /^weights-\d+\.safetensors$/.test(f)) rmSync(join(dir, f), { force: true });
  }
}

function take(tensors: Record<string, SafeTensor>, prefix: string, dir: string): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [k, v] of Object.entries(tensors)) {
    if (!k.startsWith(`${prefix}/`)) continue;
    const data = v.data instanceof Float32Array ? v.data : Float32Array.from(v.data);
    out[k.slice(prefix.length + 1)] = { shape: v.shape, data };
  }
  if (Object.keys(out).length === 0) throw new SbkitInputError("loadCheckpoint", "dir", `"${dir}" has no tensors under "${prefix}/"`);
  return out;
}

/** Reads a model folder written by {@link saveCheckpoint}; clear errors for a missing or inconsistent folder. */
export function loadCheckpoint(dir: string): Checkpoint {
  const fn = "loadCheckpoint";
  let config: ConfigJson;
  try {
    config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as ConfigJson;
  } catch (e) {
    throw new SbkitInputError(fn, "dir", `"${dir}" is not a model folder (config.json: ${(e as Error).message})`);
  }
  check(config.format === CHECKPOINT_FORMAT, fn, "dir", `"${dir}/config.json" has format ${String(config.format)}, expected ${CHECKPOINT_FORMAT}`);
  check(config.version === CHECKPOINT_VERSION, fn, "dir", `"${dir}/config.json" has version ${String(config.version)}, this sbkit reads ${CHECKPOINT_VERSION}`);
  const file = readSafetensors(join(dir, config.weights), fn, "dir");
  check(file.metadata.step === String(config.step), fn, "dir", `weights file is for step ${file.metadata.step}, config.json says ${config.step}`);
  const states: Record<string, TrainerState> = {};
  for (const [name, net] of Object.entries(config.networks)) {
    checkNetworkConfig(net, fn);
    states[name] = {
      step: config.step,
      params: take(file.tensors, `${name}/params`, dir),
      ema: config.hasEma[name] ? take(file.tensors, `${name}/ema`, dir) : undefined,
      adamM: take(file.tensors, `${name}/adam_m`, dir),
      adamV: take(file.tensors, `${name}/adam_v`, dir),
    };
  }
  return {
    method: config.method,
    settings: config.settings,
    step: config.step,
    totalSteps: config.totalSteps,
    lossHistory: config.lossHistory,
    networks: config.networks,
    states,
  };
}
