import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as root from "../../src/index.js";
import * as ot from "../../src/ot/index.js";

/** Every module reachable from `entry` by static or dynamic imports, and the bare (package) specifiers they use. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
      const spec = match[1];
      if (spec.startsWith(".")) pending.push(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

describe("the sbkit/ot entry", () => {
  it("imports nothing but Node built-ins (no neural engine), and reaches only core, ot and metrics modules", () => {
    const { files, packages } = importGraph(resolve("src/ot/index.ts"));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    expect([...packages].filter((p) => !builtins.has(p))).toEqual([]);
    const src = resolve("src");
    const folders = new Set([...files].map((f) => f.slice(src.length + 1).split("/")[0]));
    expect([...folders].sort()).toEqual(["core", "metrics", "ot"]);
  });

  it("exports the same objects as the root entry", () => {
    const names = Object.keys(ot);
    expect(names.length).toBeGreaterThan(30);
    const rootExports = root as Record<string, unknown>;
    for (const name of names) expect(rootExports[name], name).toBe((ot as Record<string, unknown>)[name]);
  });
});
