import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from "../../src/core/safetensors.js";

describe("safetensors", () => {
  it("round-trips F32 and F64 tensors with metadata, in the documented byte layout", () => {
    const a = new Float32Array([1.5, -2, 3.25, 0, 7, 8]);
    const b = new Float64Array([Math.PI, -Math.E]);
    const bytes = encodeSafetensors({ "net/w": { shape: [2, 3], data: a }, b: { shape: [2], data: b } }, { step: "12" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header["net/w"]).toEqual({ dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
    expect(header.b).toEqual({ dtype: "F64", shape: [2], data_offsets: [24, 40] });
    expect(bytes.length).toBe(8 + n + 40);
    const back = decodeSafetensors(bytes);
    expect(Array.from(back.tensors["net/w"].data)).toEqual(Array.from(a));
    expect(Array.from(back.tensors.b.data)).toEqual(Array.from(b));
    expect(back.metadata).toEqual({ step: "12" });
  });

  it("writes files atomically and rejects unreadable or corrupt files with clear errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "sbkit-st-"));
    writeSafetensors(join(dir, "x.safetensors"), { x: { shape: [1], data: new Float32Array([4]) } });
    expect(Array.from(readSafetensors(join(dir, "x.safetensors")).tensors.x.data)).toEqual([4]);
    expect(() => readSafetensors(join(dir, "missing.safetensors"))).toThrow(/readSafetensors: path cannot read/);
    writeFileSync(join(dir, "bad.safetensors"), "not a safetensors file at all");
    expect(() => readSafetensors(join(dir, "bad.safetensors"))).toThrow(/is not a valid safetensors file/);
    const good = encodeSafetensors({ x: { shape: [2], data: new Float32Array([1, 2]) } });
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4))).toThrow(/inconsistent/);
    expect(() => encodeSafetensors({ x: { shape: [3], data: new Float32Array(2) } })).toThrow(/encodeSafetensors: tensors\["x"\] has 2 values/);
  });
});
