/**
 * Vite config of the browser playground (`npm run web` serves it; `vite build --config web/vite.config.ts` builds
 * it into web/dist). The page imports sbkit from the source tree through src/browser.ts.
 *
 * Guard: sbkit's browser bundle must not reach a Node built-in (node:fs, node:path, worker_threads, ...). Vite
 * would only warn ("externalized for browser compatibility") and then fail or break at run time; this plugin
 * stops the build with the importing file named, so the fix goes where it belongs (split the Node-only part out
 * of that file, as src/solvers/loadModel.ts and src/nn/trainingRun.ts are split from the browser-safe parts).
 */
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const NODE_BUILTINS = new Set(builtinModules);

/** Fails the build when a module outside node_modules imports a Node built-in. */
export function noNodeBuiltins(): Plugin {
  return {
    name: "sbkit-no-node-builtins",
    enforce: "pre",
    resolveId(source, importer) {
      const bare = source.startsWith("node:") ? source.slice(5) : source;
      if (!source.startsWith("node:") && !NODE_BUILTINS.has(bare)) return null;
      if (importer === undefined || importer.includes("/node_modules/")) return null;
      this.error(`the browser bundle reaches the Node built-in "${source}" (imported by ${importer}); keep Node-only code out of src/browser.ts's imports`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [noNodeBuiltins()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // jax-js is one large module (~1 MB); the page needs all of it.
    chunkSizeWarningLimit: 2000,
  },
  server: { port: 5173 },
  preview: { port: 4173 },
});
