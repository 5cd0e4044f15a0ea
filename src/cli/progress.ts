/**
 * A one-line progress bar on stderr: `label [#####.....] 45% 450/1000 loss 0.1234 ETA 12s`. Redraws at most
 * every 100 ms; prints nothing when disabled (the default when stderr is not a terminal).
 */

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60).toString().padStart(2, "0")}m`;
}

/** A progress bar; `fraction` in [0, 1] drives the bar and the ETA, `detail` is free text (e.g. the loss). */
export class ProgressBar {
  private readonly label: string;
  private readonly enabled: boolean;
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(label: string, enabled: boolean = process.stderr.isTTY === true) {
    this.label = label;
    this.enabled = enabled;
  }

  /** Redraws the bar (rate-limited unless `force`). */
  update(fraction: number, detail: string, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const width = 24;
    const filled = Math.round(f * width);
    const elapsed = (now - this.started) / 1000;
    const eta = f > 0 ? (elapsed * (1 - f)) / f : Infinity;
    const line = `${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${detail} ETA ${formatSeconds(eta)}`;
    process.stderr.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the line. */
  done(): void {
    if (this.enabled && this.drawn) process.stderr.write("\n");
  }
}
