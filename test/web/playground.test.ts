/**
 * The browser playground end to end: build web/ with Vite into a temp folder, serve it on a free loopback port,
 * open it in Debian's headless Chromium (playwright-core, no downloaded browser), train a short run through the
 * page's own controls, and check that the canvas changes and that the page logged no error.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** A static file server for `dir` on 127.0.0.1 and a free port. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Pixels (of the #view canvas) that differ from the snapshot stored under `name`, then stores a new one. */
function snapshot(page: Page, name: string, compareWith?: string): Promise<number> {
  return page.evaluate(`(() => {
    const c = document.getElementById("view");
    const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const store = (window.__snapshots ??= {});
    store[${JSON.stringify(name)}] = px;
    const old = ${compareWith === undefined ? "undefined" : `store[${JSON.stringify(compareWith)}]`};
    if (old === undefined) return -1;
    let changed = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i] !== old[i] || px[i + 1] !== old[i + 1] || px[i + 2] !== old[i + 2] || px[i + 3] !== old[i + 3]) changed++;
    }
    return changed;
  })()`);
}

describe("web playground in headless Chromium", () => {
  let outDir = "";
  let server: Server | undefined;
  let url = "";
  let browser: Browser | undefined;
  let buildWarnings: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: this test drives Debian's Chromium; install it with "apt-get install -y chromium" (as .ci/run does)`);
    }
    outDir = mkdtempSync(join(tmpdir(), "sbkit-web-"));
    buildWarnings = [];
    await build({
      configFile: join(ROOT, "web/vite.config.ts"),
      logLevel: "silent",
      build: { outDir, emptyOutDir: true },
      customLogger: {
        info: () => undefined,
        warn: (m: string) => void buildWarnings.push(m),
        warnOnce: (m: string) => void buildWarnings.push(m),
        error: (m: string) => void buildWarnings.push(m),
        clearScreen: () => undefined,
        hasErrorLogged: () => false,
        hasWarned: false,
      },
    });
    ({ server, url } = await serve(outDir));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server === undefined ? ok() : server.close(() => ok())));
    if (outDir !== "") rmSync(outDir, { recursive: true, force: true });
  });

  it("builds without reaching Node modules", () => {
    expect(readdirSync(outDir)).toContain("index.html");
    expect(buildWarnings.filter((w) => /externalized for browser compatibility|node:/.test(w))).toEqual([]);
    const js = readdirSync(join(outDir, "assets")).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(outDir, "assets", f), "utf8")).join("\n");
    expect(js).not.toMatch(/__vite-browser-external|writeFileAtomic|config\.json/);
  });

  it("trains sf2m in the page and animates particles along the bridge", async () => {
    const page = await (browser as Browser).newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    await page.goto(url);
    await page.waitForSelector('body[data-state="idle"]');
    expect(await snapshot(page, "clouds")).toBe(-1);

    await page.selectOption("#source", "8gaussians");
    await page.selectOption("#target", "moons");
    await page.selectOption("#method", "sf2m");
    await page.fill("#sigma", "0.5");
    await page.fill("#steps", "40");
    await page.fill("#batch", "64");
    await page.fill("#width", "16");
    await page.click("#train");
    await page.waitForSelector('body[data-state="training"]', { timeout: 10_000 });
    await page.waitForSelector('body[data-state="animating"], body[data-state="error"]', { timeout: 45_000 });
    const status = (await page.textContent("#status")) ?? "";
    expect(errors).toEqual([]);
    expect(await page.getAttribute("body", "data-state"), status).toBe("animating");
    expect(status).toMatch(/Trained sf2m on (wasm|webgpu): 40 steps/);
    const w2 = Number(/W2\(simulated end points, target\) = ([0-9.]+)/.exec(status)?.[1]);
    expect(Number.isFinite(w2)).toBe(true);

    const first = await snapshot(page, "frameA", "clouds");
    await page.waitForTimeout(400);
    const second = await snapshot(page, "frameB", "frameA");
    // The animation replaced the picture of the two clouds, and it moves: hundreds of pixels per frame change.
    expect(first).toBeGreaterThan(500);
    expect(second).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  });
});
