/** Runs a commander program, turning sbkit's typed errors into one clear line on stderr and exit code 1. */
import type { Command } from "commander";
import { SbkitInputError, SbkitNumericalError } from "../core/errors.js";

/** Parses `argv` and runs the matching command; known errors print `sbkit: <message>` and exit 1. */
export async function runCli(program: Command, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof SbkitInputError || error instanceof SbkitNumericalError) {
      process.stderr.write(`sbkit: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
