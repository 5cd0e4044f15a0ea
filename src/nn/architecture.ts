/**
 * The network architectures a {@link TimeNetwork} or a trainer can hold, behind one set of functions that
 * dispatch on `kind`: `"mlp"` (mlp.ts: vectors, 2-D to 128-D) and `"unet"` (unet.ts: flattened images). Both
 * map `[B, inputDim]` and times `[B, 1]` to `[B, outputDim]`.
 */
import type { numpy as np } from "@jax-js/jax";
import { SbkitInputError } from "../core/errors.js";
import type { Key } from "../core/rng.js";
import type { DeviceTensors } from "./device.js";
import type { HostTensor } from "./hostTensor.js";
import { checkMlpConfig, initMlp, mlpForward, mlpParameterCount, mlpWidths, type MlpConfig } from "./mlp.js";
import { checkUnetConfig, initUnet, unetForward, unetImageSize, unetParameterCount, unetTensorSpecs, type UnetConfig } from "./unet.js";

/** Any supported architecture (a tagged union on `kind`; JSON-serializable, as saved in checkpoints). */
export type NetworkConfig = MlpConfig | UnetConfig;

function unknownKind(cfg: { kind?: unknown }, fn: string): never {
  throw new SbkitInputError(fn, "config.kind", `must be "mlp" or "unet" (got ${JSON.stringify(cfg.kind)})`);
}

/** Validates a config of any kind (e.g. one read from a checkpoint). */
export function checkNetworkConfig(cfg: NetworkConfig, fn: string): void {
  if (typeof cfg !== "object" || cfg === null) throw new SbkitInputError(fn, "config", `must be an object (got ${String(cfg)})`);
  if (cfg.kind === "mlp") checkMlpConfig(cfg, fn);
  else if (cfg.kind === "unet") checkUnetConfig(cfg, fn);
  else unknownKind(cfg, fn);
}

/** Width of `x`: `inputDim` of an MLP, `H·W·C` of a U-Net. */
export function networkInputDim(cfg: NetworkConfig): number {
  return cfg.kind === "unet" ? unetImageSize(cfg) : cfg.inputDim;
}

/** Width of the output: `outputDim` of an MLP, `H·W·C` of a U-Net. */
export function networkOutputDim(cfg: NetworkConfig): number {
  return cfg.kind === "unet" ? unetImageSize(cfg) : cfg.outputDim;
}

/** Number of trainable parameters. */
export function networkParameterCount(cfg: NetworkConfig): number {
  return cfg.kind === "unet" ? unetParameterCount(cfg) : mlpParameterCount(cfg);
}

/** Fresh weights drawn from `key`. */
export function initNetwork(cfg: NetworkConfig, key: Key): Record<string, HostTensor> {
  if (cfg.kind === "mlp") return initMlp(cfg, key);
  if (cfg.kind === "unet") return initUnet(cfg, key);
  return unknownKind(cfg, "initNetwork");
}

/** Names and shapes of the weights (with empty data), for layout checks against checkpoints. */
export function networkLayout(cfg: NetworkConfig): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  if (cfg.kind === "unet") {
    for (const s of unetTensorSpecs(cfg)) out[s.name] = { shape: [...s.shape], data: new Float32Array(0) };
    return out;
  }
  const dims = mlpWidths(cfg);
  for (let l = 0; l + 1 < dims.length; l++) {
    out[`layer${l}.weight`] = { shape: [dims[l], dims[l + 1]], data: new Float32Array(0) };
    out[`layer${l}.bias`] = { shape: [dims[l + 1]], data: new Float32Array(0) };
  }
  return out;
}

/**
 * Device forward pass (internal; jax-js ownership: consumes `params`, `x` `[B, inputDim]` and `t` `[B, 1]`).
 * Returns `[B, outputDim]`.
 */
export function networkForward(cfg: NetworkConfig, params: DeviceTensors, x: np.Array, t: np.Array): np.Array {
  if (cfg.kind === "mlp") return mlpForward(cfg, params, x, t);
  if (cfg.kind === "unet") return unetForward(cfg, params, x, t);
  return unknownKind(cfg, "networkForward");
}

/** Rows per device call when evaluating many inputs (bounds the activations of a U-Net to a few hundred MB). */
export function networkChunkRows(cfg: NetworkConfig): number {
  return cfg.kind === "unet" ? 256 : 8192;
}
