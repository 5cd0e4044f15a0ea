import { describe, expect, it } from "vitest";
import { SbkitInputError } from "../../src/core/errors.js";
import { densityPanel } from "../../src/plot/density.js";
import { figure, type Figure } from "../../src/plot/figure.js";
import { imageGridPanel } from "../../src/plot/imageGrid.js";
import { lossPanel } from "../../src/plot/loss.js";
import { renderPng, renderSvg } from "../../src/plot/render.js";
import { scatterPanel } from "../../src/plot/scatter.js";
import { trajectoryPanel } from "../../src/plot/trajectories.js";

/** Asserts `f` throws an SbkitInputError naming `fn` and `argument`, with a message matching `pattern`. */
function expectInputError(f: () => unknown, fn: string, argument: string, pattern: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SbkitInputError);
  const e = error as SbkitInputError;
  expect([e.fn, e.argument]).toEqual([fn, argument]);
  expect(e.message).toMatch(pattern);
}

const ok = scatterPanel({ points: [[0, 0], [1, 1]] });

describe("bad input is rejected with the function and argument named", () => {
  it("empty data", () => {
    expectInputError(() => scatterPanel([]), "scatterPanel", "clouds", /is empty/);
    expectInputError(() => scatterPanel({ points: [] }), "scatterPanel", "clouds[0].points", /is empty \(0 points\)/);
    expectInputError(() => densityPanel({ data: new Float64Array(0), rows: 0, cols: 2 }), "densityPanel", "points", /is empty/);
    expectInputError(() => trajectoryPanel([]), "trajectoryPanel", "paths", /is empty/);
    expectInputError(() => lossPanel([]), "lossPanel", "curves.values", /is empty/);
    expectInputError(() => imageGridPanel([], { height: 2, width: 2 }), "imageGridPanel", "images", /is empty/);
    expectInputError(() => figure([]), "figure", "panels", /is empty/);
  });

  it("NaN and infinite coordinates, with the first bad index", () => {
    expectInputError(() => scatterPanel([{ points: [[0, 0]] }, { points: [[0, 0], [1, NaN]] }]), "scatterPanel", "clouds[1].points",
      /non-finite coordinate NaN at \[1, 1\]/);
    expectInputError(() => trajectoryPanel([[[0, 0], [Infinity, 1]]]), "trajectoryPanel", "paths[0]", /Infinity at \[1, 0\]/);
    expectInputError(() => trajectoryPanel({ data: Float64Array.of(0, 0, NaN, 0), shape: [1, 2, 2] }), "trajectoryPanel", "paths", /NaN at \[1, 0\]/);
    expectInputError(() => densityPanel([[0, -Infinity]]), "densityPanel", "points", /-Infinity/);
    expectInputError(() => lossPanel([1, NaN]), "lossPanel", "curves.values", /non-finite value NaN at \[1\]/);
    expectInputError(() => imageGridPanel([[0, NaN, 0, 0]], { height: 2, width: 2 }), "imageGridPanel", "images", /NaN/);
  });

  it("wrong shapes", () => {
    expectInputError(() => scatterPanel({ points: [[0, 1, 2]] }), "scatterPanel", "clouds[0].points", /shape \[n, 2\] \(got \[1, 3\]\)/);
    expectInputError(() => scatterPanel({ points: [[0, 1], [2]] }), "scatterPanel", "clouds[0].points", /row 1 has length 1/);
    expectInputError(() => trajectoryPanel({ data: new Float64Array(18), shape: [2, 3, 3] }), "trajectoryPanel", "paths", /\[paths, steps, 2\]/);
    expectInputError(() => trajectoryPanel({ data: new Float64Array(10), shape: [2, 3, 2] }), "trajectoryPanel", "paths", /length 10, expected/);
    expectInputError(() => trajectoryPanel([[[0, 0], [1, 1]]], { times: [0, 1, 2] }), "trajectoryPanel", "options.times", /length 3, expected 2/);
    expectInputError(() => trajectoryPanel([[[0, 0], [1, 1]]], { times: [1, 0] }), "trajectoryPanel", "options.times", /strictly increasing/);
    expectInputError(() => imageGridPanel([[0, 0, 0, 0, 0]], { height: 2, width: 2 }), "imageGridPanel", "images", /5 columns, but height·width = 2·2 = 4/);
    expectInputError(() => lossPanel({ values: [1, 2], steps: [0] }), "lossPanel", "curves.steps", /length 1, expected 2/);
  });

  it("bad options", () => {
    expectInputError(() => lossPanel([1, 0], { logScale: true }), "lossPanel", "curves.values", /0 ≤ 0 at \[1\]/);
    expectInputError(() => densityPanel([[0, 0]], { bins: 0 }), "densityPanel", "options.bins", /integer in \[1, 2048\]/);
    expectInputError(() => densityPanel([[0, 0]], { colorMap: "jet" as never }), "densityPanel", "options.colorMap", /viridis/);
    expectInputError(() => scatterPanel({ points: [[0, 0]] }, { alpha: 2 }), "scatterPanel", "options.alpha", /\[0, 1\]/);
    expectInputError(() => scatterPanel({ points: [[0, 0]], color: "blue" }), "scatterPanel", "clouds[0].color", /hex colour/);
    expectInputError(() => scatterPanel({ points: [[0, 0]] }, { xRange: [1, 0] }), "scatterPanel", "options.xRange", /min < max/);
    expectInputError(() => imageGridPanel([[0, 0, 0, 0]], { height: 2, width: 2, range: [1, 1] }), "imageGridPanel", "options.range", /lo < hi/);
  });

  it("bad figure sizes and layouts", () => {
    expectInputError(() => figure(ok, { width: 10 }), "figure", "options.width", /integer in \[32, 8192\] \(got 10\)/);
    expectInputError(() => figure(ok, { height: 480.5 }), "figure", "options.height", /integer in \[32, 8192\]/);
    expectInputError(() => figure(ok, { width: 20000 }), "figure", "options.width", /8192/);
    expectInputError(() => figure([ok, ok, ok], { width: 240 }), "figure", "options.width", /leaves 80 px per panel for 3 column\(s\)/);
    expectInputError(() => figure(ok, { height: 60 }), "figure", "options.height", /need at least 80/);
    expectInputError(() => figure([ok, { kind: "pie" } as never]), "figure", "panels[1]", /is not a panel/);
    expectInputError(() => renderPng({} as Figure), "renderPng", "figure", /figure\(panels, options\)/);
    expectInputError(() => renderSvg({ panels: [] } as unknown as Figure), "renderSvg", "figure", /figure\(panels, options\)/);
  });
});
