import { describe, expect, it } from "vitest";
import { movingAverage } from "../../src/report/bridgeFigures.js";
import { demoCommand, demoReport, demoText, type DemoSummary } from "../../src/report/demoReport.js";
import { escapeHtml, renderReportHtml, type HtmlReport } from "../../src/report/html.js";

const summary: DemoSummary = {
  source: "my data/x.npy", target: "moons", method: "sf2m", sigma: 0.5, epsilon: 0.25, dimension: 2, n: 1000, paths: 256,
  steps: 300, batchSize: 256, hiddenDims: [64, 64, 64], learningRate: 0.004, sampleSteps: 100, mode: "sde", seed: 0,
  trainingSeconds: 12.34, samplingSeconds: 1.9, totalSeconds: 15.2, finalLoss: 1.8171, evaluationPoints: 1000,
  w2GeneratedTarget: 0.337312, w2SourceTarget: 1.397331, w2TargetResample: null,
  staticSb: { epsilon: 0.25, cost: 1.1414, regularizedCost: 1.6245, iterations: 59, converged: true, marginalError: 9.7e-7, seconds: 0.1 },
  figures: { samples: ["samples.png", "samples.svg"], trajectories: ["trajectories.png", "trajectories.svg"], loss: ["loss.png", "loss.svg"] },
};

describe("HTML report", () => {
  it("escapes text and keeps figure links relative", () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    const report: HtmlReport = {
      title: "<script>alert(1)</script>",
      metrics: [{ label: "W2", value: "0.1234", note: "a < b" }],
      figures: [{ title: "fig", files: ["a b.svg", "a b.png"] }],
      settings: [],
    };
    const html = renderReportHtml(report);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // The PNG is shown even when listed second; names are percent-encoded in links.
    expect(html).toContain('<img src="a%20b.png"');
    expect(html).toContain('href="a%20b.svg"');
    expect(html).toContain("a &lt; b");
  });

  it("rejects figure paths outside the report's folder and figures without files", () => {
    const bad = (files: string[]) => () => renderReportHtml({ title: "t", metrics: [], settings: [], figures: [{ title: "f", files }] });
    expect(bad(["../up.png"])).toThrow(/renderReportHtml: report\.figures\[0\]\.files\[0\] must be a path inside/);
    expect(bad(["/abs.png"])).toThrow(/inside the report's folder/);
    expect(bad(["javascript:alert(1)"])).toThrow(/inside the report's folder/);
    expect(bad([])).toThrow(/report\.figures\[0\]\.files is empty/);
  });

  it("the demo report shows the printed digits, every figure, and a command that reproduces the run", () => {
    const html = renderReportHtml(demoReport(summary));
    const text = demoText(summary, "out/index.html");
    for (const digits of ["0.3373", "1.3973", "12.3 s", "1.6245"]) {
      expect(html).toContain(digits);
      expect(text).toContain(digits);
    }
    for (const f of [...summary.figures.samples, ...summary.figures.trajectories, ...summary.figures.loss]) expect(html).toContain(`href="${f}"`);
    // No noise floor for a file target: neither the report nor the text invent one.
    expect(html).not.toContain("W2(target, target)");
    expect(text).not.toContain("W2(target, target)");
    expect(demoCommand(summary)).toBe(
      "sbkit demo --source 'my data/x.npy' --target moons --method sf2m --sigma 0.5 --steps 300 --n 1000 --paths 256 --sample-steps 100 " +
      "--mode sde --batch-size 256 --hidden 64,64,64 --learning-rate 0.004 --seed 0");
  });

  it("movingAverage is the trailing mean", () => {
    expect(Array.from(movingAverage([1, 2, 3, 4, 5], 2))).toEqual([1, 1.5, 2.5, 3.5, 4.5]);
    expect(Array.from(movingAverage([4, 2], 5))).toEqual([4, 3]);
  });
});
