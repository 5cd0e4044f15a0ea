/**
 * The `sbkit` command-line program: argument parsing only. Each command lives in `src/cli/commands/` and calls the
 * public API. Exit codes: 0 success, 1 bad input or failure, 3 a solver that did not converge.
 */
import { Command } from "commander";

/** Exit code of a run whose solver did not converge (results are still written). */
export const EXIT_NOT_CONVERGED = 3;

/** A fresh commander program with every sbkit command registered. */
export function makeProgram(registrations: ReadonlyArray<(program: Command) => void>): Command {
  const program = new Command();
  program
    .name("sbkit")
    .description("Schrödinger bridges and entropic optimal transport (reference dX = σ dW on [0,1], ε = σ², cost ½‖x−y‖²)")
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const register of registrations) register(program);
  return program;
}
