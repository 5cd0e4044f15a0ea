/**
 * LightSB model folders: `config.json` (`{format: "sbkit-lightsb", version, method: "lightsb", epsilon, dimension,
 * components, steps, lossHistory}`) beside `weights.safetensors` (F64 tensors `log_weights` `[K]`, `means` `[K, d]`,
 * `log_scales` `[K, d]`). Both are written atomically, weights first, so a folder whose config.json parses always
 * names complete weights.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomicWrite.js";
import { check, SbkitInputError } from "../../core/errors.js";
import { readSafetensors, writeSafetensors } from "../../core/safetensors.js";
import { LightSb } from "./lightSbModel.js";

/** The format tag of a LightSB `config.json`. */
export const LIGHTSB_FORMAT = "sbkit-lightsb";
const VERSION = 1;
const WEIGHTS = "weights.safetensors";

/** What `config.json` of a LightSB folder holds. */
export interface LightSbConfig {
  readonly format: string;
  readonly version: number;
  readonly method: "lightsb";
  readonly epsilon: number;
  readonly dimension: number;
  readonly components: number;
  readonly steps: number;
  readonly weights: string;
  readonly lossHistory: number[];
}

/** Saves `model` into folder `dir` (created if needed); `lossHistory` and `steps` document the fit. */
export function saveLightSb(dir: string, model: LightSb, fit: { steps?: number; lossHistory?: ArrayLike<number> } = {}): void {
  mkdirSync(dir, { recursive: true });
  const { components: K, dimension: d } = model;
  const p = model.parameters;
  writeSafetensors(join(dir, WEIGHTS), {
    log_weights: { shape: [K], data: Float64Array.from(p.logWeights) },
    means: { shape: [K, d], data: Float64Array.from(p.means) },
    log_scales: { shape: [K, d], data: Float64Array.from(p.logScales) },
  }, { format: LIGHTSB_FORMAT });
  const config: LightSbConfig = {
    format: LIGHTSB_FORMAT,
    version: VERSION,
    method: "lightsb",
    epsilon: model.epsilon,
    dimension: d,
    components: K,
    steps: fit.steps ?? 0,
    weights: WEIGHTS,
    lossHistory: Array.from(fit.lossHistory ?? []),
  };
  writeFileAtomic(join(dir, "config.json"), JSON.stringify(config, null, 1) + "\n", "saveLightSb", "dir");
}

/** True when `dir/config.json` describes a LightSB model (a cheap check for dispatching loaders). */
export function isLightSbFolder(dir: string): boolean {
  try {
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { method?: unknown; format?: unknown };
    return c.method === "lightsb" || c.format === LIGHTSB_FORMAT;
  } catch {
    return false;
  }
}

/** Loads a folder written by {@link saveLightSb}; clear errors for a missing or inconsistent folder. */
export function loadLightSb(dir: string): { model: LightSb; config: LightSbConfig } {
  const fn = "loadLightSb";
  let config: LightSbConfig;
  try {
    config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as LightSbConfig;
  } catch (e) {
    throw new SbkitInputError(fn, "dir", `"${dir}" is not a model folder (config.json: ${(e as Error).message})`);
  }
  check(config.format === LIGHTSB_FORMAT && config.method === "lightsb", fn, "dir", `"${dir}/config.json" is not a LightSB model (format ${String(config.format)}, method ${String(config.method)})`);
  check(config.version === VERSION, fn, "dir", `"${dir}/config.json" has version ${String(config.version)}, this sbkit reads ${VERSION}`);
  const file = readSafetensors(join(dir, config.weights), fn, "dir");
  const { components: K, dimension: d } = config;
  const get = (name: string, length: number): Float64Array => {
    const t = file.tensors[name];
    check(t !== undefined && t.data.length === length, fn, "dir", `weights lack tensor "${name}" of ${length} values`);
    return Float64Array.from(t.data);
  };
  const model = new LightSb(config.epsilon, { logWeights: get("log_weights", K), means: get("means", K * d), logScales: get("log_scales", K * d) });
  return { model, config };
}
