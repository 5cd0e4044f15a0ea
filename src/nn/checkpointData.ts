/**
 * What a training run's checkpoint holds, as plain data (no file system): the type shared by checkpoint folders
 * (checkpoint.ts) and in-memory runs (trainingSession.ts, which browsers use).
 */
import type { NetworkConfig } from "./architecture.js";
import type { TrainerState } from "./regressionTrainer.js";

/** Everything saved in a model folder. */
export interface Checkpoint {
  /** Solver name, e.g. `"sf2m"`. */
  readonly method: string;
  /** Solver settings (JSON-serializable), e.g. `{sigma, coupling, ...}`. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Training step reached. */
  readonly step: number;
  /** Total steps the run was asked for. */
  readonly totalSteps: number;
  /** Mean loss per logged step (for loss curves). */
  readonly lossHistory: readonly number[];
  /** Architecture of each network, by name (e.g. `flow`, `score`). */
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  /** Full trainer state of each network. */
  readonly states: Readonly<Record<string, TrainerState>>;
}
