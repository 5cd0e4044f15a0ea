/**
 * Atomic file writes: write to a temporary file in the target's directory, fsync it, then rename it over the
 * target. `rename(2)` within one file system is atomic on POSIX, so a reader (or a crash) sees either the old
 * file or the complete new one, never a half-written file. On any failure the temporary file is removed.
 *
 * The temporary file is `.<name>.<pid>.<counter>.tmp` next to the target, created exclusively (`wx`).
 * If the target exists, its permission bits are copied to the new file. A symlink target is replaced by a
 * regular file (the link is not followed).
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from "node:fs";
import { open, rename, stat, unlink, chmod } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { SbkitInputError } from "./errors.js";

/**
 * What {@link writeFileAtomic} accepts: bytes, a string (written as UTF-8), or an iterable of chunks
 * (e.g. a generator that formats a large array row by row). If the iterable throws, nothing is written.
 */
export type AtomicContent = Uint8Array | string | Iterable<Uint8Array | string>;

let tempCounter = 0;
const MAX_TEMP_ATTEMPTS = 100;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Wraps a file-system error as a {@link SbkitInputError}; other errors (e.g. from a chunk generator) pass through. */
function wrapWriteError(e: unknown, path: string, fn: string, argument: string): unknown {
  const code = errorCode(e);
  if (code === undefined) return e;
  // Node's message is "CODE: description, syscall 'path'"; the path there is the temp file, so drop it.
  const description = (e as Error).message.split(", ")[0];
  const err = new SbkitInputError(fn, argument, `"${path}" could not be written (${description})`);
  err.cause = e;
  return err;
}

function* chunksOf(content: AtomicContent): Iterable<Uint8Array> {
  if (typeof content === "string") yield Buffer.from(content, "utf8");
  else if (content instanceof Uint8Array) yield content;
  else for (const chunk of content) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function openTempSync(path: string): { fd: number; tmp: string } {
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(path);
    try {
      return { fd: openSync(tmp, "wx", 0o666), tmp };
    } catch (e) {
      // A stale temp file from a crashed process with the same pid: try the next counter.
      if (errorCode(e) !== "EEXIST" || attempt >= MAX_TEMP_ATTEMPTS) throw e;
    }
  }
}

/** fsync the directory so the rename itself is durable; not possible on every platform, so best effort. */
function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse to open or fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `content` to `path` atomically (synchronously): temp file in the same directory → write → fsync →
 * rename over `path`. After a failure no partial `path` and no temp file remain; an existing `path` is left
 * untouched.
 *
 * @param path - target file; its directory must exist.
 * @param content - bytes, a UTF-8 string, or an iterable of chunks.
 * @param fn - public function name used in error messages (default `"writeFileAtomic"`).
 * @param argument - argument name used in error messages (default `"path"`).
 * @throws {@link SbkitInputError} when the file system refuses (missing directory, permission, target is a
 *   directory, ...). An error thrown by the chunk iterable is rethrown unchanged.
 */
export function writeFileAtomic(path: string, content: AtomicContent, fn = "writeFileAtomic", argument = "path"): void {
  let tmp: string | undefined;
  let fd: number | undefined;
  try {
    const mode = existingMode(path);
    ({ fd, tmp } = openTempSync(path));
    for (const chunk of chunksOf(content)) {
      for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset, chunk.length - offset);
    }
    fsyncSync(fd);
    if (mode !== undefined) chmodSync(tmp, mode);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    tmp = undefined;
  } catch (e) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* already failing */ }
    }
    if (tmp !== undefined) {
      try { unlinkSync(tmp); } catch { /* already gone */ }
    }
    throw wrapWriteError(e, path, fn, argument);
  }
  fsyncDirSync(dirname(path));
}

/**
 * Asynchronous variant of {@link writeFileAtomic}, with the same guarantees and errors.
 * The chunk iterable may also be async.
 */
export async function writeFileAtomicAsync(
  path: string,
  content: AtomicContent | AsyncIterable<Uint8Array | string>,
  fn = "writeFileAtomicAsync",
  argument = "path",
): Promise<void> {
  let tmp: string | undefined;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    let mode: number | undefined;
    try {
      mode = (await stat(path)).mode & 0o7777;
    } catch {
      mode = undefined;
    }
    for (let attempt = 0; handle === undefined; attempt++) {
      const candidate = tempPathFor(path);
      try {
        handle = await open(candidate, "wx", 0o666);
        tmp = candidate;
      } catch (e) {
        if (errorCode(e) !== "EEXIST" || attempt >= MAX_TEMP_ATTEMPTS) throw e;
      }
    }
    const chunks = typeof content === "string" || content instanceof Uint8Array ? [content] : content;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
    }
    await handle.sync();
    if (mode !== undefined && tmp !== undefined) await chmod(tmp, mode);
    await handle.close();
    handle = undefined;
    if (tmp !== undefined) await rename(tmp, path);
    tmp = undefined;
  } catch (e) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
    throw wrapWriteError(e, path, fn, argument);
  }
  fsyncDirSync(dirname(path));
}
