/**
 * Writes `src/ot/wasmBinaries.ts`: the WebAssembly modules of the OT kernels as base64, produced by their assemblers
 * (`denseModuleBytes`, `onlineModuleBytes`, `prepModuleBytes`). Run `npm run gen:wasm` after changing a kernel; the test
 * `test/ot/wasmBinaries.test.ts` fails while the file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { denseModuleBytes } from "../src/ot/denseWasm.js";
import { onlineModuleBytes } from "../src/ot/onlineWasm.js";
import { prepModuleBytes } from "../src/ot/prepWasm.js";
import { wasmBinariesSource } from "../src/ot/wasmBinariesSource.js";

const target = fileURLToPath(new URL("../src/ot/wasmBinaries.ts", import.meta.url));
writeFileSync(target, wasmBinariesSource(denseModuleBytes(), onlineModuleBytes(false), onlineModuleBytes(true), prepModuleBytes()));
console.log(`wrote ${target}`);
