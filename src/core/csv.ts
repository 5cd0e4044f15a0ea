/**
 * Numeric CSV files (RFC 4180 subset): one record per line, fields separated by a single-character delimiter,
 * optional double quotes around a field (`""` inside quotes is a literal quote). Quoted fields may not span
 * lines. Blank lines, a trailing newline, `\r\n` line ends and a UTF-8 byte-order mark are accepted.
 *
 * Numbers are decimal (`-1.5`, `2e-3`, `.5`) or `nan` / `inf` / `-inf` / `Infinity` / `NaN` (any case), so
 * files from `numpy.savetxt`, pandas and `String(x)` all read back; NaN checks are the caller's job.
 * Hex, empty fields and anything else are errors that give the line and column.
 */
import { readFileSync } from "node:fs";
import type { Array2D } from "./array2d.js";
import { SbkitInputError, check } from "./errors.js";
import { writeFileAtomic } from "./atomicWrite.js";

/** Options for {@link parseCsv} and {@link readCsv}. */
export interface CsvParseOptions {
  /**
   * `true`: the first non-blank line is a header. `false`: there is none. `"auto"` (default): the first
   * non-blank line is a header when every field in it is quoted or not a number (so `x,y` is a header and
   * `1,2` is data; a header of numbers must be quoted or requested with `true`).
   */
  readonly header?: boolean | "auto";
  /** Single-character field delimiter (default `","`). With `" "`, runs of spaces count as one. */
  readonly delimiter?: string;
}

/** The result of {@link parseCsv}: the `[rows, cols]` values and the header fields when there was a header. */
export interface CsvTable {
  readonly data: Array2D;
  readonly header?: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  nan: NaN, "+nan": NaN, "-nan": NaN,
  inf: Infinity, "+inf": Infinity, "-inf": -Infinity,
  infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity,
};

/** Parses one numeric field; `undefined` when it is not a number. */
function parseNumber(field: string): number | undefined {
  if (NUMBER.test(field)) return Number(field);
  return SPECIAL[field.toLowerCase()];
}

interface Field {
  readonly text: string;
  readonly quoted: boolean;
}

/** Splits one line into trimmed fields, honouring double quotes. `fail(column, message)` reports errors. */
function splitLine(line: string, delimiter: string, fail: (column: number, message: string) => never): Field[] {
  const fields: Field[] = [];
  const collapse = delimiter === " ";
  const text = collapse ? line.trim() : line;
  let i = 0;
  for (;;) {
    while (text[i] === " " || text[i] === "\t") {
      if (text[i] === delimiter) break;
      i++;
    }
    let value: string;
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      let out = "";
      for (i++; ; i++) {
        if (i >= text.length) fail(fields.length + 1, "has an unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') { out += '"'; i++; } else { i++; break; }
        } else out += text[i];
      }
      while (i < text.length && text[i] !== delimiter && (text[i] === " " || text[i] === "\t")) i++;
      if (i < text.length && text[i] !== delimiter) fail(fields.length + 1, "has text after a closing quote");
      value = out;
    } else {
      let end = text.indexOf(delimiter, i);
      if (end < 0) end = text.length;
      value = text.slice(i, end).trim();
      i = end;
    }
    fields.push({ text: value, quoted });
    if (i >= text.length) return fields;
    i++; // skip the delimiter
    if (collapse) while (text[i] === " ") i++;
  }
}

/**
 * Parses numeric CSV text into a `[rows, cols]` {@link Array2D} (row-major), with the header when present.
 * An empty text (or a header only) gives `[0, cols]`.
 *
 * @throws {@link SbkitInputError} naming the line and column of a non-numeric or empty field, of a ragged
 *   row (wrong number of fields), or of a bad quote; or for a bad delimiter.
 */
export function parseCsv(text: string, options: CsvParseOptions = {}): CsvTable {
  return parseCsvAs(text, options, "parseCsv", "text", "");
}

/** {@link parseCsv} with the caller named in errors; `subject` (e.g. a quoted path) starts each message. */
function parseCsvAs(text: string, options: CsvParseOptions, fn: string, argument: string, subject: string): CsvTable {
  const delimiter = options.delimiter ?? ",";
  const headerMode = options.header ?? "auto";
  check(delimiter.length === 1 && !/["\r\n.\-+0-9eE]/.test(delimiter), fn, "delimiter",
    `must be a single character other than a quote, newline, digit, sign, '.' or 'e' (got ${JSON.stringify(delimiter)})`);
  check(headerMode === true || headerMode === false || headerMode === "auto", fn, "header", `must be true, false or "auto" (got ${String(headerMode)})`);
  const prefix = subject === "" ? "" : `${subject} `;
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);

  let header: string[] | undefined;
  let cols = -1;
  let colsLine = 0;
  const values: number[] = [];
  let rows = 0;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    if (line.trim() === "") continue;
    const lineNo = l + 1;
    const fail = (column: number, message: string): never => {
      throw new SbkitInputError(fn, argument, `${prefix}line ${lineNo}, column ${column} ${message}`);
    };
    const fields = splitLine(line, delimiter, fail);
    if (cols < 0) {
      const isHeader = headerMode === true
        || (headerMode === "auto" && fields.every((f) => f.quoted || parseNumber(f.text) === undefined));
      cols = fields.length;
      colsLine = lineNo;
      if (isHeader) {
        header = fields.map((f) => f.text);
        continue;
      }
    }
    if (fields.length !== cols) {
      throw new SbkitInputError(fn, argument,
        `${prefix}line ${lineNo} has ${fields.length} field${fields.length === 1 ? "" : "s"}, expected ${cols} (as on line ${colsLine})`);
    }
    for (let c = 0; c < cols; c++) {
      const field = fields[c].text;
      if (field === "") fail(c + 1, "is empty");
      const x = parseNumber(field);
      if (x === undefined) fail(c + 1, `is not a number: ${JSON.stringify(field.length > 40 ? field.slice(0, 40) + "…" : field)}`);
      values.push(x as number);
    }
    rows++;
  }
  const data: Array2D = { data: Float64Array.from(values), rows, cols: Math.max(cols, 0) };
  return header === undefined ? { data } : { data, header };
}

/** Formats one number so that `Number(text)` gives it back exactly (`-0` keeps its sign). */
function formatNumber(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

/** Quotes a header field when needed: it contains the delimiter, a quote or a space, or would read as a number. */
function formatHeaderField(name: string, delimiter: string): string {
  const needsQuotes = name.includes(delimiter) || /["\s]/.test(name) || name === "" || parseNumber(name) !== undefined;
  return needsQuotes ? `"${name.replace(/"/g, '""')}"` : name;
}

function checkWritable(a: Array2D, header: readonly string[] | undefined, fn: string): void {
  check(a.data.length === a.rows * a.cols, fn, "a", `has data length ${a.data.length}, expected rows*cols = ${a.rows * a.cols}`);
  if (header !== undefined) {
    check(header.length === a.cols, fn, "header", `has ${header.length} names, expected one per column (${a.cols})`);
    check(header.every((h) => typeof h === "string" && !/[\r\n]/.test(h)), fn, "header", "names must be strings without line breaks");
  }
}

function* csvChunks(a: Array2D, header: readonly string[] | undefined, delimiter: string): Generator<string> {
  if (header !== undefined) yield header.map((h) => formatHeaderField(h, delimiter)).join(delimiter) + "\n";
  const parts = new Array<string>(a.cols);
  const batch: string[] = [];
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) parts[j] = formatNumber(a.data[i * a.cols + j]);
    batch.push(parts.join(delimiter));
    if (batch.length === 4096) {
      yield batch.join("\n") + "\n";
      batch.length = 0;
    }
  }
  if (batch.length > 0) yield batch.join("\n") + "\n";
}

/**
 * Formats a `[rows, cols]` array as CSV text: optional header line, one row per line, `\n` line ends,
 * numbers with full round-trip precision (`String(x)`, so `parseCsv(formatCsv(a))` is exact, NaN and ±Infinity
 * included). Header names that contain the delimiter, quotes or spaces, or that look like numbers, are quoted.
 * A `[0, d]` array without a header formats as `""` (and reads back as `[0, 0]`).
 */
export function formatCsv(a: Array2D, header?: readonly string[]): string {
  checkWritable(a, header, "formatCsv");
  return Array.from(csvChunks(a, header, ",")).join("");
}

/**
 * Reads a numeric CSV file; see {@link parseCsv}. Errors name `fn` and `argument` (default `readCsv`, `path`)
 * and start with the quoted path, e.g. `readCsv: path "x.csv" line 3, column 2 is not a number: "abc"`.
 */
export function readCsv(path: string, options: CsvParseOptions = {}, fn = "readCsv", argument = "path"): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const detail = typeof code === "string" ? (e as Error).message.split(", ")[0] : String(e);
    const err = new SbkitInputError(fn, argument, `"${path}" could not be read (${detail})`);
    err.cause = e;
    throw err;
  }
  return parseCsvAs(text, options, fn, argument, `"${path}"`);
}

/** Writes `a` (with an optional header) as a CSV file, atomically; see {@link formatCsv}. */
export function writeCsv(path: string, a: Array2D, header?: readonly string[]): void {
  checkWritable(a, header, "writeCsv");
  writeFileAtomic(path, csvChunks(a, header, ","), "writeCsv", "path");
}
