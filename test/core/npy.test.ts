import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SbkitInputError } from "../../src/core/errors.js";
import { encodeNpy, parseNpy, readNpy, readNpy1D, readNpy2D, writeNpy, writeNpy2D } from "../../src/core/npy.js";
import { readArray2D, writeArray2D } from "../../src/core/arrayFile.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sbkit-npy-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A `.npy` file built by hand from the format spec: magic, version, uint16/uint32 LE length, padded dict. */
function handMade(dict: string, payload: Uint8Array, major = 1, pad = true): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  let header = dict;
  if (pad) while ((prefix + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const out = new Uint8Array(prefix + header.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(payload, prefix + header.length);
  return out;
}

function f64Bytes(values: number[], little = true): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => view.setFloat64(8 * i, x, little));
  return out;
}

function errorOf(f: () => unknown): SbkitInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SbkitInputError);
    return e as SbkitInputError;
  }
  throw new Error("expected an SbkitInputError");
}

describe("encodeNpy", () => {
  it("matches a header built by hand from the NumPy format spec, byte for byte", () => {
    const values = [1, -2.5, 3e-300, 0, Math.PI, -0];
    const expected = handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f64Bytes(values));
    const got = encodeNpy(Float64Array.from(values), [2, 3]);
    expect(Array.from(got)).toEqual(Array.from(expected));
    expect(got.length).toBe(128 + 48); // header 128 bytes (multiple of 64), then 6 × 8 data bytes
    expect(got[127]).toBe(0x0a);
  });

  it("writes the 1-D shape as (n,) and float32 as <f4, data 64-byte aligned", () => {
    const got = encodeNpy(Float64Array.from([1.5, 2.5]), [2], "float32");
    const headerLength = new DataView(got.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(got.subarray(10, 10 + headerLength));
    expect(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")).toBe(true);
    expect(header.endsWith(" \n")).toBe(true);
    expect(got.length).toBe(10 + headerLength + 8);
  });

  it("rejects bad shapes, lengths and float32 overflow", () => {
    expect(errorOf(() => encodeNpy(new Float64Array(8), [2, 2, 2])).message).toMatch(/encodeNpy: shape must have 1 or 2 dimensions \(got \(2, 2, 2\)\)/);
    expect(errorOf(() => encodeNpy(new Float64Array(5), [2, 3])).argument).toBe("data");
    expect(errorOf(() => encodeNpy(Float64Array.from([1e300]), [1], "float32")).message).toMatch(/overflows float32/);
  });
});

describe("parseNpy", () => {
  it("round-trips float64 and float32, 1-D and 2-D, including empty [0, d]", () => {
    const values = Float64Array.from([0.1, -1e-310, 1e308, NaN, Infinity, -0]);
    const a = parseNpy(encodeNpy(values, [3, 2]));
    expect(a.shape).toEqual([3, 2]);
    expect(a.dtype).toBe("float64");
    expect(Array.from(a.data)).toEqual(Array.from(values));
    expect(Object.is(a.data[5], -0)).toBe(true);

    const small = [0.1, -1e-310, 3e38, NaN, -Infinity];
    const b = parseNpy(encodeNpy(Float64Array.from(small), [5], "float32"));
    expect(b.dtype).toBe("float32");
    expect(b.shape).toEqual([5]);
    expect(Array.from(b.data)).toEqual(small.map(Math.fround));

    const empty = parseNpy(encodeNpy(new Float64Array(0), [0, 4]));
    expect(empty.shape).toEqual([0, 4]);
    expect(empty.data.length).toBe(0);
  });

  it("reads format versions 2.0 and 3.0, big-endian floats and integer dtypes", () => {
    const v2 = parseNpy(handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64Bytes([1, 2]), 2));
    expect(Array.from(v2.data)).toEqual([1, 2]);
    const v3 = parseNpy(handMade("{'descr': '>f8', 'fortran_order': False, 'shape': (1, 2), }", f64Bytes([3, -4], false), 3));
    expect(v3.shape).toEqual([1, 2]);
    expect(Array.from(v3.data)).toEqual([3, -4]);
    const ints = new Uint8Array(12);
    new DataView(ints.buffer).setInt32(0, -7, true);
    new DataView(ints.buffer).setInt32(4, 8, true);
    new DataView(ints.buffer).setInt32(8, 2 ** 31 - 1, true);
    const i4 = parseNpy(handMade("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", ints));
    expect(i4.dtype).toBe("int32");
    expect(Array.from(i4.data)).toEqual([-7, 8, 2 ** 31 - 1]);
    const u1 = parseNpy(handMade("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }", Uint8Array.from([0, 255])));
    expect(Array.from(u1.data)).toEqual([0, 255]);
    const i8 = new Uint8Array(8);
    new DataView(i8.buffer).setBigInt64(0, -(2n ** 40n), true);
    expect(Array.from(parseNpy(handMade("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", i8)).data)).toEqual([-(2 ** 40)]);
  });

  it("reads unaligned input (a subarray of a larger buffer)", () => {
    const bytes = encodeNpy(Float64Array.from([1, 2, 3]), [3]);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(parseNpy(shifted.subarray(3)).data)).toEqual([1, 2, 3]);
  });

  it("rejects bad magic, truncation, trailing bytes and unsupported versions, dtypes, order and ndim", () => {
    const dict = (descr: string, order: string, shape: string) => `{'descr': ${descr}, 'fortran_order': ${order}, 'shape': ${shape}, }`;
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode("x,y\n1,2\n"), /parseNpy: bytes <bytes> is not a .npy file \(bad magic bytes\)/],
      [new Uint8Array(4), /bad magic/],
      [encodeNpy(Float64Array.from([1, 2, 3]), [3]).subarray(0, 128 + 20), /truncated: shape \(3,\) of '<f8' needs 24 data bytes, found 20/],
      [encodeNpy(Float64Array.from([1]), [1]).subarray(0, 40), /truncated \(header needs 128 bytes/],
      [handMade(dict("'<f8'", "False", "(1,)"), f64Bytes([1, 2])), /8 unexpected bytes after the data/],
      [handMade(dict("'<f8'", "True", "(2, 2)"), f64Bytes([1, 2, 3, 4])), /Fortran order \(fortran_order: True\); only C order/],
      [handMade(dict("'<f8'", "False", "(2, 1, 1)"), f64Bytes([1, 2])), /has shape \(2, 1, 1\) \(3-D\); only 1-D and 2-D/],
      [handMade(dict("'<f8'", "False", "()"), f64Bytes([1])), /has shape \(\) \(0-D\)/],
      [handMade(dict("'<c16'", "False", "(1,)"), new Uint8Array(16)), /dtype '<c16', which is not supported/],
      [handMade(dict("'<U3'", "False", "(1,)"), new Uint8Array(12)), /dtype '<U3', which is not supported/],
      [handMade(dict("[('a', '<f8')]", "False", "(1,)"), new Uint8Array(8)), /structured dtype/],
      [handMade(dict("'|f8'", "False", "(1,)"), new Uint8Array(8)), /no byte order/],
      [handMade("not a dict", new Uint8Array(0)), /malformed .npy header/],
    ];
    for (const [bytes, pattern] of cases) expect(errorOf(() => parseNpy(bytes)).message).toMatch(pattern);
    const v9 = encodeNpy(Float64Array.from([1]), [1]);
    v9[6] = 9;
    expect(errorOf(() => parseNpy(v9)).message).toMatch(/format version 9.0/);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 60n, true);
    expect(errorOf(() => parseNpy(handMade(dict("'<i8'", "False", "(1,)"), big))).message).toMatch(/too large to convert exactly/);
  });
});

describe("npy files", () => {
  it("writes atomically and reads back as NpyArray, Array2D and vectors", () => {
    const path = join(dir, "a.npy");
    writeNpy(path, Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(readNpy(path).shape).toEqual([2, 3]);
    const a = readNpy2D(path);
    expect([a.rows, a.cols]).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);

    writeNpy(path, Float64Array.from([0.5, 0.25, 0.25]), [3], "float32");
    const column = readNpy2D(path);
    expect([column.rows, column.cols]).toEqual([3, 1]);
    expect(Array.from(readNpy1D(path))).toEqual([0.5, 0.25, 0.25]);
    writeNpy2D(path, { data: Float64Array.from([7, 8]), rows: 1, cols: 2 });
    expect(Array.from(readNpy1D(path))).toEqual([7, 8]);
    writeNpy2D(path, { data: new Float64Array(4), rows: 2, cols: 2 });
    expect(errorOf(() => readNpy1D(path, "fit", "--weights")).message).toMatch(/^fit: --weights ".*a.npy" has shape \(2, 2\); expected a vector/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("names the caller, argument and path in errors", () => {
    const csv = join(dir, "x.csv");
    writeFileSync(csv, "1,2\n");
    expect(errorOf(() => readNpy(csv)).message).toBe(`readNpy: path "${csv}" is not a .npy file (bad magic bytes)`);
    const e = errorOf(() => readNpy2D(join(dir, "missing.npy"), "fit", "--source"));
    expect([e.fn, e.argument]).toEqual(["fit", "--source"]);
    expect(e.message).toMatch(/could not be read \(ENOENT: no such file or directory\)/);
    mkdirSync(join(dir, "sub.npy"), { recursive: true });
    expect(errorOf(() => readNpy(join(dir, "sub.npy"))).message).toMatch(/EISDIR/);
    expect(errorOf(() => writeNpy(join(dir, "no", "such", "dir.npy"), new Float64Array(1), [1])).message).toMatch(/^writeNpy: path ".*dir.npy" could not be written \(ENOENT/);
  });
});

describe("arrayFile", () => {
  it("dispatches on the extension and round-trips both formats", () => {
    const a = { data: Float64Array.from([0.1, 2e-20, -3, 4.5]), rows: 2, cols: 2 };
    for (const name of ["b.npy", "b.CSV"]) {
      const path = join(dir, name);
      writeArray2D(path, a);
      const back = readArray2D(path);
      expect([back.rows, back.cols, ...back.data]).toEqual([2, 2, ...a.data]);
    }
    writeArray2D(join(dir, "c.csv"), a, { header: ["x", "y"] });
    expect(readFileSync(join(dir, "c.csv"), "utf8").split("\n")[0]).toBe("x,y");
    writeArray2D(join(dir, "c.npy"), a, { dtype: "float32" });
    expect(readNpy(join(dir, "c.npy")).dtype).toBe("float32");
  });

  it("rejects other extensions, listing the supported ones", () => {
    expect(errorOf(() => readArray2D("data.txt", "fit", "--source")).message).toBe('fit: --source "data.txt" has extension ".txt"; supported: .npy, .csv');
    expect(errorOf(() => writeArray2D("out", { data: new Float64Array(0), rows: 0, cols: 0 })).message).toMatch(/has no extension; supported: .npy, .csv/);
  });
});
