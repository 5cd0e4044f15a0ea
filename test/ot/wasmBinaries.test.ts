import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { denseModuleBytes } from "../../src/ot/denseWasm.js";
import { onlineModuleBytes } from "../../src/ot/onlineWasm.js";
import { prepModuleBytes } from "../../src/ot/prepWasm.js";
import { base64Bytes, bytesBase64 } from "../../src/ot/wasmAssembler.js";
import { DENSE_WASM, ONLINE_SHARED_WASM, ONLINE_WASM, PREP_WASM } from "../../src/ot/wasmBinaries.js";
import { wasmBinariesSource } from "../../src/ot/wasmBinariesSource.js";

describe("pre-generated WebAssembly binaries", () => {
  it("equal what the assemblers write (else run `npm run gen:wasm`)", () => {
    const file = readFileSync(new URL("../../src/ot/wasmBinaries.ts", import.meta.url), "utf8");
    expect(file).toBe(wasmBinariesSource(denseModuleBytes(), onlineModuleBytes(false), onlineModuleBytes(true), prepModuleBytes()));
    expect(base64Bytes(DENSE_WASM)).toEqual(denseModuleBytes());
    expect(base64Bytes(ONLINE_WASM)).toEqual(onlineModuleBytes(false));
    expect(base64Bytes(ONLINE_SHARED_WASM)).toEqual(onlineModuleBytes(true));
    expect(base64Bytes(PREP_WASM)).toEqual(prepModuleBytes());
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    for (const text of [DENSE_WASM, ONLINE_WASM, ONLINE_SHARED_WASM, PREP_WASM]) expect(wasm.validate(base64Bytes(text))).toBe(true);
  });

  it("base64 round trip covers every byte value", () => {
    const all = Uint8Array.from({ length: 256 }, (_, k) => k);
    expect(base64Bytes(bytesBase64(all))).toEqual(all);
    expect(bytesBase64(Uint8Array.of(0, 97, 115, 109))).toBe("AGFzbQ==");
  });
});
