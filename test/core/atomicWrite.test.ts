import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SbkitInputError } from "../../src/core/errors.js";
import { writeFileAtomic, writeFileAtomicAsync } from "../../src/core/atomicWrite.js";

let root = "";
let caseCounter = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "sbkit-atomic-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A fresh empty directory per test, so leftover temp files are easy to spot. */
function freshDir(): string {
  const dir = join(root, `case${caseCounter++}`);
  mkdirSync(dir);
  return dir;
}

function* failingChunks(): Generator<string> {
  yield "partial data that must never reach the target\n";
  throw new Error("generator failed mid-write");
}

describe("writeFileAtomic", () => {
  it("writes bytes, strings and chunk iterables, replacing an existing file", () => {
    const dir = freshDir();
    const path = join(dir, "out.txt");
    writeFileAtomic(path, "héllo\n");
    expect(readFileSync(path, "utf8")).toBe("héllo\n");
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    writeFileAtomic(path, ["a", Uint8Array.from([0x62]), "c"]);
    expect(readFileSync(path, "utf8")).toBe("abc");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
  });

  it("keeps the permission bits of the file it replaces", () => {
    const dir = freshDir();
    const path = join(dir, "mode.txt");
    writeFileSync(path, "old");
    chmodSync(path, 0o640);
    writeFileAtomic(path, "new");
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it("leaves the old file intact and no temp file when the data generator throws", () => {
    const dir = freshDir();
    const path = join(dir, "keep.txt");
    writeFileSync(path, "old contents");
    expect(() => writeFileAtomic(path, failingChunks())).toThrow("generator failed mid-write");
    expect(readFileSync(path, "utf8")).toBe("old contents");
    expect(readdirSync(dir)).toEqual(["keep.txt"]);

    const fresh = join(dir, "never.txt");
    expect(() => writeFileAtomic(fresh, failingChunks())).toThrow("generator failed mid-write");
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(dir)).toEqual(["keep.txt"]);
  });

  it("cleans up when the final rename fails (target is a directory)", () => {
    const dir = freshDir();
    const target = join(dir, "target");
    mkdirSync(target);
    writeFileSync(join(target, "inside.txt"), "x");
    const e = (() => {
      try {
        writeFileAtomic(target, "data", "writeThing", "out");
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(SbkitInputError);
    expect((e as SbkitInputError).message).toMatch(/^writeThing: out ".*target" could not be written \((EISDIR|ENOTEMPTY|EEXIST)/);
    expect(statSync(target).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual(["target"]);
  });

  it("reports a missing directory as an SbkitInputError", () => {
    const path = join(freshDir(), "no", "such", "file.txt");
    expect(() => writeFileAtomic(path, "x")).toThrow(/^writeFileAtomic: path ".*file.txt" could not be written \(ENOENT: no such file or directory\)$/);
  });
});

describe("writeFileAtomicAsync", () => {
  it("writes and replaces atomically", async () => {
    const dir = freshDir();
    const path = join(dir, "async.txt");
    await writeFileAtomicAsync(path, "one");
    await writeFileAtomicAsync(path, (async function* () {
      yield "tw";
      yield Uint8Array.from([0x6f]);
    })());
    expect(readFileSync(path, "utf8")).toBe("two");
    expect(readdirSync(dir)).toEqual(["async.txt"]);
  });

  it("leaves no partial target and no temp file on failure", async () => {
    const dir = freshDir();
    const path = join(dir, "keep.txt");
    writeFileSync(path, "old");
    await expect(writeFileAtomicAsync(path, failingChunks())).rejects.toThrow("generator failed mid-write");
    expect(readFileSync(path, "utf8")).toBe("old");
    const target = join(dir, "adir");
    mkdirSync(target);
    await expect(writeFileAtomicAsync(target, "x")).rejects.toBeInstanceOf(SbkitInputError);
    expect(readdirSync(dir).sort()).toEqual(["adir", "keep.txt"]);
  });
});
