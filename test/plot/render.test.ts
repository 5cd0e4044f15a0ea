import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeKey, split } from "../../src/core/rng.js";
import { sampleToy } from "../../src/data/toys.js";
import { toPixelX, toPixelY } from "../../src/plot/axes.js";
import { colorMap } from "../../src/plot/color.js";
import { figure } from "../../src/plot/figure.js";
import { figureFrames } from "../../src/plot/layout.js";
import { lossPanel } from "../../src/plot/loss.js";
import { renderPng, renderSvg, writeFigure } from "../../src/plot/render.js";
import { scatterPanel } from "../../src/plot/scatter.js";
import { trajectoryPanel } from "../../src/plot/trajectories.js";
import { decodePng, distinctColors, pixel, xmlElementCounts } from "./helpers.js";

const WHITE = [255, 255, 255, 255];
const [k1, k2] = split(makeKey(3), 2);
const gaussians = sampleToy("8gaussians", 500, k1);
const moons = sampleToy("moons", 500, k2);

function twoPoints() {
  return figure(scatterPanel([
    { points: [[0.5, 0.5]], color: "#d62728", alpha: 1, radius: 5 },
    { points: [[-0.5, -0.5]], color: "#1f77b4", alpha: 1, radius: 5 },
  ], { xRange: [-1, 1], yRange: [-1, 1] }), { width: 300, height: 240 });
}

describe("renderPng", () => {
  it("decodes to the requested size and draws a point where its data coordinate says", () => {
    const fig = twoPoints();
    const img = decodePng(renderPng(fig));
    expect([img.width, img.height]).toEqual([300, 240]);
    const [frame] = figureFrames(fig);
    const at = (x: number, y: number) => pixel(img, toPixelX(frame, x), toPixelY(frame, y));
    // The disc of radius 5 covers its centre and a 3-pixel neighbourhood fully, in the cloud's colour.
    for (const [dx, dy] of [[0, 0], [3, 0], [0, -3], [-2, 2]]) {
      expect(pixel(img, toPixelX(frame, 0.5) + dx, toPixelY(frame, 0.5) + dy)).toEqual([214, 39, 40, 255]);
      expect(pixel(img, toPixelX(frame, -0.5) + dx, toPixelY(frame, -0.5) + dy)).toEqual([31, 119, 180, 255]);
    }
    // Far from both points (and from grid lines at -1, 0, 1) the plot area is background.
    expect(at(-0.6, 0.6)).toEqual(WHITE);
    expect(at(0.6, -0.6)).toEqual(WHITE);
    // The frame is drawn in the axis colour just outside the plot area.
    expect(pixel(img, frame.left - 1, frame.top + frame.height / 2)).toEqual([68, 68, 68, 255]);
  });

  it("is not blank: a figure of two clouds and paths has many distinct colours", () => {
    const paths = Array.from({ length: 20 }, (_, i) => Array.from({ length: 11 }, (_, k) => {
      const t = k / 10;
      return [(1 - t) * gaussians.data[2 * i] + t * moons.data[2 * i], (1 - t) * gaussians.data[2 * i + 1] + t * moons.data[2 * i + 1]];
    }));
    const fig = figure([
      scatterPanel([{ points: gaussians, label: "8gaussians" }, { points: moons, label: "moons" }], { title: "data" }),
      trajectoryPanel(paths, { title: "paths" }),
    ], { title: "8gaussians → moons", shareRanges: true });
    const img = decodePng(renderPng(fig));
    expect([img.width, img.height]).toEqual([fig.width, fig.height]);
    expect(distinctColors(img)).toBeGreaterThan(200);
    const [a, b] = figureFrames(fig);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
  });

  it("colours trajectory segments by time with the colour map", () => {
    const fig = figure(trajectoryPanel([[[-0.8, 0], [0, 0], [0.8, 0]]], { xRange: [-1, 1], yRange: [-1, 1], alpha: 1, lineWidth: 3, endpoints: false }),
      { width: 240, height: 240 });
    const img = decodePng(renderPng(fig));
    const [frame] = figureFrames(fig);
    // Segment k of a 3-state path has t = (k + 1/2)/2, quantized to 256 levels.
    expect(pixel(img, toPixelX(frame, -0.4), toPixelY(frame, 0)).slice(0, 3)).toEqual(colorMap("viridis", 64 / 255));
    expect(pixel(img, toPixelX(frame, 0.4), toPixelY(frame, 0)).slice(0, 3)).toEqual(colorMap("viridis", 191 / 255));
    expect(pixel(img, toPixelX(frame, 0.3), toPixelY(frame, 0.3))).toEqual(WHITE);
  });
});

describe("equal aspect and shared ranges", () => {
  it("point-cloud panels have equal data units per pixel on both axes", () => {
    const fig = figure(scatterPanel({ points: moons }), { width: 700, height: 300 });
    const [f] = figureFrames(fig);
    expect((f.x[1] - f.x[0]) / f.width).toBeCloseTo((f.y[1] - f.y[0]) / f.height, 12);
    const loose = figureFrames(figure(scatterPanel({ points: moons }), { width: 700, height: 300, equalAspect: false }))[0];
    expect((loose.x[1] - loose.x[0]) / loose.width).not.toBeCloseTo((loose.y[1] - loose.y[0]) / loose.height, 3);
  });

  it("shareRanges gives point-cloud panels the union range; without it each keeps its own", () => {
    const panels = [scatterPanel({ points: [[0, 0], [1, 1]] }), scatterPanel({ points: [[5, 5], [9, 6]] })];
    const [a, b] = figureFrames(figure(panels, { shareRanges: true }));
    expect(a.x).toEqual(b.x);
    expect(a.x[0]).toBeLessThan(0);
    expect(a.x[1]).toBeGreaterThan(9);
    const [c, d] = figureFrames(figure(panels));
    expect(c.x[1]).toBeLessThan(d.x[0]);
  });
});

describe("renderSvg", () => {
  it("writes one <circle> per point and well-formed XML", () => {
    const svg = renderSvg(figure(scatterPanel({ points: { data: moons.data.subarray(0, 74), rows: 37, cols: 2 } })));
    const counts = xmlElementCounts(svg);
    expect(counts.get("svg")).toBe(1);
    expect(counts.get("circle")).toBe(37);
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="480" height="480"/);
  });

  it("writes one <path> per time colour for trajectories, and start/end discs", () => {
    const paths = Array.from({ length: 5 }, (_, i) => Array.from({ length: 11 }, (_, k) => [k, i + Math.sin(k)]));
    const counts = xmlElementCounts(renderSvg(figure(trajectoryPanel(paths))));
    // 10 segment colours + grid, tick marks and frame; 5 starts + 5 ends + 2 legend markers.
    expect(counts.get("path")).toBe(10 + 3);
    expect(counts.get("circle")).toBe(5 + 5 + 2);
    const bare = xmlElementCounts(renderSvg(figure(trajectoryPanel(paths, { endpoints: false }))));
    expect(bare.get("circle")).toBeUndefined();
  });

  it("writes one <path> per loss curve and escapes text", () => {
    const svg = renderSvg(figure(lossPanel([{ values: [3, 2, 1.5], label: "a<b" }, { values: [2, 1, 0.5], label: "c&d" }], { logScale: true }), { title: "\"loss\" <&>" }));
    const counts = xmlElementCounts(svg);
    expect(counts.get("path")).toBe(2 + 3 + 2);
    expect(svg).toContain("a&lt;b");
    expect(svg).toContain("&quot;loss&quot; &lt;&amp;&gt;");
  });
});

describe("writeFigure", () => {
  const dir = mkdtempSync(join(tmpdir(), "sbkit-plot-"));

  it("chooses PNG or SVG by extension and leaves no temporary file", () => {
    const fig = twoPoints();
    writeFigure(join(dir, "a.PNG"), fig);
    writeFigure(join(dir, "a.svg"), fig);
    expect(decodePng(readFileSync(join(dir, "a.PNG"))).width).toBe(300);
    expect(xmlElementCounts(readFileSync(join(dir, "a.svg"), "utf8")).get("circle")).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(["a.PNG", "a.svg"]);
  });

  it("rejects unknown extensions and unwritable paths with the function and argument named", () => {
    expect(() => writeFigure(join(dir, "a.jpg"), twoPoints())).toThrow(/^writeFigure: path ".*a\.jpg" has extension "\.jpg"; supported: \.png, \.svg$/);
    expect(() => writeFigure(join(dir, "noext"), twoPoints())).toThrow(/has no extension/);
    expect(() => writeFigure(join(dir, "missing", "a.png"), twoPoints())).toThrow(/^writeFigure: path .* could not be written/);
  });
});
