/**
 * A self-contained HTML report: a title, a table of headline numbers, figures referenced by relative path (a PNG
 * shown inline, with links to every file of the figure, e.g. its SVG), a settings table and a list of output
 * files. No scripts and no external resources, so the page opens from disk and can be archived as a folder.
 *
 * Every string is HTML-escaped; the caller formats numbers (so the report shows exactly the digits it printed).
 */
import { check } from "../core/errors.js";

/** One row of a table: a label, a value already formatted as text, and an optional note. */
export interface ReportEntry {
  readonly label: string;
  readonly value: string;
  readonly note?: string;
}

/** A figure of the report: files relative to the report's folder, the first `.png` (else the first file) shown. */
export interface ReportFigure {
  readonly title: string;
  /** Files of the figure, relative paths such as `"samples.png"`, `"samples.svg"`. */
  readonly files: readonly string[];
  /** One or two sentences under the figure. */
  readonly caption?: string;
}

/** An output file listed at the end of the report. */
export interface ReportFile {
  /** Path relative to the report's folder. */
  readonly path: string;
  readonly description: string;
}

/** The content of {@link renderReportHtml}. */
export interface HtmlReport {
  readonly title: string;
  /** A line under the title. */
  readonly subtitle?: string;
  /** Headline numbers, shown first. */
  readonly metrics: readonly ReportEntry[];
  readonly figures: readonly ReportFigure[];
  readonly settings: readonly ReportEntry[];
  readonly files?: readonly ReportFile[];
  /** Free-text paragraphs at the end (e.g. how to reproduce the run). */
  readonly notes?: readonly string[];
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `text` with `& < > " '` replaced by entities, safe in element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A relative path as an attribute value: each segment percent-encoded (spaces, `#`, `?`), then escaped. */
function hrefOf(path: string): string {
  return escapeHtml(path.split("/").map(encodeURIComponent).join("/"));
}

function checkRelative(path: string, argument: string): void {
  const fn = "renderReportHtml";
  check(typeof path === "string" && path.length > 0, fn, argument, "must be a non-empty relative path");
  check(!path.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.split("/").includes(".."), fn, argument,
    `must be a path inside the report's folder (got "${path}")`);
}

function table(entries: readonly ReportEntry[], className: string): string {
  const rows = entries.map((e) => {
    const note = e.note === undefined ? "" : `<td class="note">${escapeHtml(e.note)}</td>`;
    return `    <tr><th scope="row">${escapeHtml(e.label)}</th><td class="value">${escapeHtml(e.value)}</td>${note}</tr>`;
  });
  return `  <table class="${className}">\n${rows.join("\n")}\n  </table>`;
}

function figureHtml(f: ReportFigure, index: number): string {
  f.files.forEach((p, k) => checkRelative(p, `report.figures[${index}].files[${k}]`));
  const shown = f.files.find((p) => p.toLowerCase().endsWith(".png")) ?? f.files[0];
  const links = f.files.map((p) => `<a href="${hrefOf(p)}">${escapeHtml(p)}</a>`).join(" · ");
  const caption = f.caption === undefined ? "" : `${escapeHtml(f.caption)} `;
  return [
    "  <figure>",
    `    <h3>${escapeHtml(f.title)}</h3>`,
    `    <a href="${hrefOf(shown)}"><img src="${hrefOf(shown)}" alt="${escapeHtml(f.title)}"></a>`,
    `    <figcaption>${caption}<span class="files">${links}</span></figcaption>`,
    "  </figure>",
  ].join("\n");
}

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1500px; padding: 0 1rem; color: #222; }
  h1 { margin-bottom: 0.2rem; } .subtitle { color: #555; margin-top: 0; }
  table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
  th, td { padding: 0.3rem 0.8rem; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
  th { font-weight: 600; } td.value { font-family: ui-monospace, monospace; white-space: nowrap; } td.note { color: #666; }
  table.metrics td.value { font-size: 1.15rem; }
  figure { margin: 0 0 2rem; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
  figcaption { color: #444; max-width: 70rem; } .files { color: #777; font-size: 0.9rem; }
  code { background: #f4f4f4; padding: 0 0.2rem; }`;

/**
 * The report as one HTML5 document (UTF-8).
 *
 * @throws SbkitInputError (fn `renderReportHtml`) for a figure without files or a file path that is absolute,
 *   has a URL scheme or leaves the report's folder (`..`).
 */
export function renderReportHtml(report: HtmlReport): string {
  const fn = "renderReportHtml";
  check(typeof report.title === "string" && report.title.length > 0, fn, "report.title", "must be a non-empty string");
  report.figures.forEach((f, i) => check(Array.isArray(f.files) && f.files.length > 0, fn, `report.figures[${i}].files`, "is empty; a figure needs at least one file"));
  (report.files ?? []).forEach((f, i) => checkRelative(f.path, `report.files[${i}].path`));
  const parts = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '  <meta charset="utf-8">',
    '  <meta name="viewport" content="width=device-width, initial-scale=1">',
    `  <title>${escapeHtml(report.title)}</title>`,
    `  <style>${STYLE}\n  </style>`,
    "</head>",
    "<body>",
    `  <h1>${escapeHtml(report.title)}</h1>`,
  ];
  if (report.subtitle !== undefined) parts.push(`  <p class="subtitle">${escapeHtml(report.subtitle)}</p>`);
  parts.push("  <h2>Results</h2>", table(report.metrics, "metrics"));
  if (report.figures.length > 0) parts.push("  <h2>Figures</h2>", ...report.figures.map(figureHtml));
  parts.push("  <h2>Settings</h2>", table(report.settings, "settings"));
  if (report.files !== undefined && report.files.length > 0) {
    parts.push("  <h2>Files</h2>", "  <ul>", ...report.files.map((f) => `    <li><a href="${hrefOf(f.path)}"><code>${escapeHtml(f.path)}</code></a> — ${escapeHtml(f.description)}</li>`), "  </ul>");
  }
  for (const note of report.notes ?? []) parts.push(`  <p>${escapeHtml(note)}</p>`);
  parts.push("</body>", "</html>", "");
  return parts.join("\n");
}
