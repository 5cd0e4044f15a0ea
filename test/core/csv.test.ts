import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SbkitInputError } from "../../src/core/errors.js";
import { formatCsv, parseCsv, readCsv, writeCsv } from "../../src/core/csv.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sbkit-csv-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function errorOf(f: () => unknown): SbkitInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SbkitInputError);
    return e as SbkitInputError;
  }
  throw new Error("expected an SbkitInputError");
}

describe("parseCsv", () => {
  it("reads numbers, detects a header, skips blank lines, BOM and CRLF", () => {
    const t = parseCsv("\ufeffx, y\r\n1,2\r\n\r\n-3.5e2 , .25\r\n");
    expect(t.header).toEqual(["x", "y"]);
    expect([t.data.rows, t.data.cols, ...t.data.data]).toEqual([2, 2, 1, 2, -350, 0.25]);
    const noHeader = parseCsv("1,2\n3,4");
    expect(noHeader.header).toBeUndefined();
    expect(Array.from(noHeader.data.data)).toEqual([1, 2, 3, 4]);
  });

  it("honours header: true / false and quoted header fields", () => {
    expect(parseCsv("1,2\n3,4", { header: true }).header).toEqual(["1", "2"]);
    expect(parseCsv('"1","a,b"\n3,4').header).toEqual(["1", "a,b"]);
    expect(errorOf(() => parseCsv("x,y\n1,2", { header: false })).message).toBe('parseCsv: text line 1, column 1 is not a number: "x"');
  });

  it("accepts nan / inf spellings from numpy, pandas and String(x)", () => {
    const t = parseCsv("nan,inf,-inf,NaN,Infinity,-Infinity,+1");
    expect(Array.from(t.data.data)).toEqual([NaN, Infinity, -Infinity, NaN, Infinity, -Infinity, 1]);
  });

  it("supports other delimiters; a space delimiter collapses runs of spaces", () => {
    expect(Array.from(parseCsv("1;2\n3;4", { delimiter: ";" }).data.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseCsv("1\t2\n3\t4", { delimiter: "\t" }).data.data)).toEqual([1, 2, 3, 4]);
    const spaced = parseCsv("  1.0   2.0\n3 4  \n", { delimiter: " " });
    expect([spaced.data.rows, spaced.data.cols, ...spaced.data.data]).toEqual([2, 2, 1, 2, 3, 4]);
    expect(errorOf(() => parseCsv("1,2", { delimiter: "::" })).argument).toBe("delimiter");
    expect(errorOf(() => parseCsv("1,2", { delimiter: "." })).argument).toBe("delimiter");
  });

  it("gives [0, cols] for empty input or a header only", () => {
    expect([parseCsv("").data.rows, parseCsv("").data.cols]).toEqual([0, 0]);
    const t = parseCsv("a,b,c\n");
    expect([t.data.rows, t.data.cols, t.header]).toEqual([0, 3, ["a", "b", "c"]]);
  });

  it("reports ragged rows, bad fields and bad quotes with line and column", () => {
    expect(errorOf(() => parseCsv("x,y\n1,2\n\n3\n")).message).toBe("parseCsv: text line 4 has 1 field, expected 2 (as on line 1)");
    expect(errorOf(() => parseCsv("1,2\n3,4,5")).message).toBe("parseCsv: text line 2 has 3 fields, expected 2 (as on line 1)");
    expect(errorOf(() => parseCsv("1,2\n3,abc")).message).toBe('parseCsv: text line 2, column 2 is not a number: "abc"');
    expect(errorOf(() => parseCsv("1,2\n3,")).message).toBe("parseCsv: text line 2, column 2 is empty");
    expect(errorOf(() => parseCsv("1,2\n0x10,1")).message).toMatch(/line 2, column 1 is not a number: "0x10"/);
    expect(errorOf(() => parseCsv("1,2\n1,2e")).message).toMatch(/line 2, column 2 is not a number/);
    expect(errorOf(() => parseCsv('"a,b\n1,2')).message).toBe("parseCsv: text line 1, column 1 has an unterminated quoted field");
    expect(errorOf(() => parseCsv('"a"b,c\n1,2')).message).toMatch(/line 1, column 1 has text after a closing quote/);
    expect(errorOf(() => parseCsv("1.5,2\nx,y")).message).toMatch(/line 2, column 1 is not a number: "x"/);
  });
});

describe("formatCsv", () => {
  it("round-trips exactly, NaN, ±Infinity, -0 and extremes included", () => {
    const values = [0.1 + 0.2, -1 / 3, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity, -0, 123456789012345680000];
    const a = { data: Float64Array.from(values), rows: 3, cols: 3 };
    const text = formatCsv(a);
    expect(text.endsWith("\n")).toBe(true);
    const back = parseCsv(text).data;
    expect([back.rows, back.cols]).toEqual([3, 3]);
    expect(Array.from(back.data)).toEqual(values);
    expect(Object.is(back.data[7], -0)).toBe(true);
  });

  it("writes a header, quoting names that need it, and reads it back", () => {
    const a = { data: Float64Array.from([1, 2, 3]), rows: 1, cols: 3 };
    const text = formatCsv(a, ["x", "a,b", "2"]);
    expect(text).toBe('x,"a,b","2"\n1,2,3\n');
    expect(parseCsv(text).header).toEqual(["x", "a,b", "2"]);
    const empty = parseCsv(formatCsv({ data: new Float64Array(0), rows: 0, cols: 2 }, ["u", "v"]));
    expect([empty.data.rows, empty.data.cols, empty.header]).toEqual([0, 2, ["u", "v"]]);
    expect(errorOf(() => formatCsv(a, ["x"])).message).toBe("formatCsv: header has 1 names, expected one per column (3)");
  });
});

describe("csv files", () => {
  it("writes atomically and reads back; errors name the path and line", () => {
    const path = join(dir, "a.csv");
    const a = { data: Float64Array.from({ length: 12 }, (_, i) => i / 7), rows: 4, cols: 3 };
    writeCsv(path, a, ["p", "q", "r"]);
    const t = readCsv(path);
    expect(t.header).toEqual(["p", "q", "r"]);
    expect(Array.from(t.data.data)).toEqual(Array.from(a.data));
    expect(readFileSync(path, "utf8").split("\n").length).toBe(6);

    writeFileSync(path, "1,2\n3,oops\n");
    const e = errorOf(() => readCsv(path, {}, "fit", "--target"));
    expect(e.message).toBe(`fit: --target "${path}" line 2, column 2 is not a number: "oops"`);
    expect(errorOf(() => readCsv(join(dir, "missing.csv"))).message).toMatch(/^readCsv: path ".*missing.csv" could not be read \(ENOENT/);
  });
});
