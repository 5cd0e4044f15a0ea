#!/usr/bin/env node
/** Entry point of the `sbkit` binary. */
import { makeProgram } from "./program.js";
import { runCli } from "./run.js";

await runCli(makeProgram([]), process.argv);
