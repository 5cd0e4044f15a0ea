/** Runs the sbkit CLI in-process with the given commands, capturing stdout, stderr and the exit code. */
import type { Command } from "commander";
import { vi } from "vitest";
import { makeProgram } from "../../src/cli/program.js";
import { runCli } from "../../src/cli/run.js";

export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `sbkit ...args` with only `registers`' commands; restores the streams and `process.exitCode` afterwards. */
export async function runInProcess(registers: ((program: Command) => void)[], args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
  process.exitCode = 0;
  try {
    await runCli(makeProgram(registers).exitOverride(), ["node", "sbkit", ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout, stderr, code };
}
