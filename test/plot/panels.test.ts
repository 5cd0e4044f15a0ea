import { describe, expect, it } from "vitest";
import { toPixelX, toPixelY } from "../../src/plot/axes.js";
import { colorMap } from "../../src/plot/color.js";
import { densityPanel, histogram2d } from "../../src/plot/density.js";
import { figure } from "../../src/plot/figure.js";
import { imageGridPanel } from "../../src/plot/imageGrid.js";
import { figureFrames } from "../../src/plot/layout.js";
import { lossPanel } from "../../src/plot/loss.js";
import { renderPng, renderRgba } from "../../src/plot/render.js";
import { trajectoriesFromTimeMajor, trajectoryPanel } from "../../src/plot/trajectories.js";
import { decodePng, pixel } from "./helpers.js";

describe("density", () => {
  it("histogram2d counts points per cell, row 0 at the lowest y, the upper edge in the last cell", () => {
    const points = { data: Float64Array.from([0.1, 0.1, 0.2, 0.3, 1.9, 0.1, 2, 2, 5, 5, -1, 0]), rows: 6, cols: 2 };
    const counts = histogram2d(points, [0, 2], [0, 2], 2, 2);
    expect(Array.from(counts)).toEqual([2, 1, 0, 1]);
  });

  it("colours the fullest cell with the map's last colour and empty cells with its first", () => {
    const data: number[] = [];
    for (let i = 0; i < 10; i++) data.push(0.5, 0.5);
    data.push(3.5, 3.5);
    const fig = figure(densityPanel({ data: Float64Array.from(data), rows: 11, cols: 2 }, { bins: 4, xRange: [0, 4], yRange: [0, 4] }), { width: 300, height: 300 });
    const img = decodePng(renderPng(fig));
    const [f] = figureFrames(fig);
    const at = (x: number, y: number) => pixel(img, toPixelX(f, x), toPixelY(f, y)).slice(0, 3);
    expect(at(0.5, 0.5)).toEqual(colorMap("viridis", 1));
    expect(at(3.5, 3.5)).toEqual(colorMap("viridis", Math.round(255 / 10) / 255));
    expect(at(2.5, 0.5)).toEqual(colorMap("viridis", 0));
    const log = figure(densityPanel({ data: Float64Array.from(data), rows: 11, cols: 2 }, { bins: 4, xRange: [0, 4], yRange: [0, 4], scale: "log" }), { width: 300, height: 300 });
    const logImg = decodePng(renderPng(log));
    expect(pixel(logImg, toPixelX(f, 3.5), toPixelY(f, 3.5)).slice(0, 3)).toEqual(colorMap("viridis", Math.round((Math.log(2) / Math.log(11)) * 255) / 255));
  });
});

describe("trajectories", () => {
  it("trajectoriesFromTimeMajor turns [T·n, d] time-major rows into [n, T, d] paths", () => {
    // T = 3 times, n = 2 paths, d = 2: the state of path i at time k is (10k + i, -(10k + i)).
    const rows: number[] = [];
    for (let k = 0; k < 3; k++) for (let i = 0; i < 2; i++) rows.push(10 * k + i, -(10 * k + i));
    const block = trajectoriesFromTimeMajor({ data: Float64Array.from(rows), rows: 6, cols: 2 }, 3);
    expect(block.shape).toEqual([2, 3, 2]);
    expect(Array.from(block.data)).toEqual([0, -0, 10, -10, 20, -20, 1, -1, 11, -11, 21, -21]);
    expect(() => trajectoriesFromTimeMajor({ data: new Float64Array(10), rows: 5, cols: 2 }, 3)).toThrow(/trajectoriesFromTimeMajor: states has 5 rows/);
  });

  it("accepts a [paths, steps, 2] block and a list of paths alike", () => {
    const list = [[[0, 0], [1, 1]], [[2, 0], [3, -1]]];
    const block = { data: Float64Array.from(list.flat(2)), shape: [2, 2, 2] as const };
    const a = trajectoryPanel(list);
    const b = trajectoryPanel(block);
    expect(a.paths.map((p) => Array.from(p))).toEqual(b.paths.map((p) => Array.from(p)));
    expect(a.bounds).toEqual({ x: [0, 3], y: [-1, 1] });
  });

  it("colours by given times: a late first segment takes a late colour", () => {
    const fig = figure(trajectoryPanel([[[-0.8, 0], [0, 0], [0.8, 0]]], { times: [0, 0.9, 1], xRange: [-1, 1], yRange: [-1, 1], alpha: 1, lineWidth: 3, endpoints: false }), { width: 240, height: 240 });
    const [f] = figureFrames(fig);
    const img = renderRgba(fig);
    const k = 4 * (Math.floor(toPixelY(f, 0)) * img.width + Math.floor(toPixelX(f, -0.4)));
    expect(Array.from(img.data.subarray(k, k + 3))).toEqual(colorMap("viridis", Math.round(0.45 * 255) / 255));
  });
});

describe("loss curves", () => {
  it("accept a plain array, a curve or several curves, with default steps 0..n-1", () => {
    expect(Array.from(lossPanel([3, 2, 1]).curves[0].xy)).toEqual([0, 3, 1, 2, 2, 1]);
    expect(Array.from(lossPanel(Float64Array.of(3, 2)).curves[0].xy)).toEqual([0, 3, 1, 2]);
    const two = lossPanel([{ values: [1, 2], steps: [10, 20], label: "a" }, { values: [3], color: "#000" }]);
    expect(two.curves.length).toBe(2);
    expect(two.bounds).toEqual({ x: [0, 20], y: [1, 3] });
    expect(two.curves[1].color).toEqual([0, 0, 0]);
  });

  it("use a log10 y axis when asked", () => {
    const fig = figure(lossPanel([100, 10, 1, 0.1], { logScale: true }));
    const [f] = figureFrames(fig);
    expect(f.logY).toBe(true);
    // Decades are evenly spaced in pixels.
    const d1 = toPixelY(f, 1) - toPixelY(f, 10);
    const d2 = toPixelY(f, 10) - toPixelY(f, 100);
    expect(d1).toBeCloseTo(d2, 9);
  });
});

describe("image grids", () => {
  it("tile [n, h·w] images with a transparent 1-pixel gap, mapping [0, 1] to black..white", () => {
    const images = { data: Float64Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1.5]), rows: 2, cols: 6 };
    const panel = imageGridPanel(images, { height: 2, width: 3 });
    expect([panel.mosaicWidth, panel.mosaicHeight]).toEqual([7, 2]);
    const px = (x: number, y: number) => Array.from(panel.rgba.subarray(4 * (y * 7 + x), 4 * (y * 7 + x) + 4));
    expect(px(0, 0)).toEqual([255, 255, 255, 255]);
    expect(px(3, 0)).toEqual([0, 0, 0, 0]);
    expect(px(4, 0)).toEqual([0, 0, 0, 255]);
    // 1.5 is beyond the range [0, 1] and shown as the last colour (documented clamp).
    expect(px(6, 1)).toEqual([255, 255, 255, 255]);
    const img = decodePng(renderPng(figure(panel, { width: 200, height: 120 })));
    expect([img.width, img.height]).toEqual([200, 120]);
  });
});
