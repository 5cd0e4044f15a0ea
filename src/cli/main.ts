#!/usr/bin/env node
/** Entry point of the `sbkit` binary. */
import { registerBenchmark } from "./commands/benchmark.js";
import { registerDemo } from "./commands/demo.js";
import { registerFit } from "./commands/fit.js";
import { registerGaussian } from "./commands/gaussian.js";
import { registerOt } from "./commands/ot.js";
import { registerPlot } from "./commands/plot.js";
import { registerSample } from "./commands/sample.js";
import { makeProgram } from "./program.js";
import { runCli } from "./run.js";

await runCli(makeProgram([registerDemo, registerOt, registerGaussian, registerFit, registerSample, registerPlot, registerBenchmark]), process.argv);
