#!/usr/bin/env node
/** Entry point of the `sbkit` binary. */
import { registerDemo } from "./commands/demo.js";
import { registerGaussian } from "./commands/gaussian.js";
import { registerOt } from "./commands/ot.js";
import { makeProgram } from "./program.js";
import { runCli } from "./run.js";

await runCli(makeProgram([registerDemo, registerOt, registerGaussian]), process.argv);
