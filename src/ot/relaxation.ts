/**
 * Choice of the over-relaxation parameter ω of Sinkhorn within one ε stage (see `sinkhornSteps`).
 *
 * Plain Sinkhorn converges linearly, `err_k ≈ C τ^k`. Viewed as a block Gauss–Seidel iteration on the dual, its
 * over-relaxed version with Young's parameter `ω* = 2/(1 + √(1 − τ))` converges at rate about `ω* − 1`
 * (Thibault, Chizat, Dossal & Papadakis 2021, "Overrelaxed Sinkhorn–Knopp algorithm for regularized optimal
 * transport"; Lehmann, von Renesse, Sambale & Uschmajew 2022, "A note on overrelaxation in the Sinkhorn
 * algorithm", who also show global convergence for ω in a range around 1). τ is estimated from the error decay λ
 * over every `WINDOW` iterations through Young's relation `(λ + ω − 1)² = λ ω² τ` (λ = τ when ω = 1), and ω is
 * raised toward ω*; it never decreases, except that a tenfold rise of the error over the stage's best resets ω to 1
 * for the rest of the stage.
 */

/** Plain iterations used to estimate the rate τ. */
const WINDOW = 4;
/** Upper cap on ω (ω → 2 loses the guarantee and stalls on noise). */
const MAX_OMEGA = 1.9;

/** The relaxation state of one stage: `omega` to use in the next iteration, updated by {@link observe}. */
export class Relaxation {
  omega = 1;
  private readonly mode: number | "auto";
  private readonly history: number[] = [];
  private best = Infinity;
  private disabled = false;

  /** `mode`: a fixed ω in [1, 2), or `"auto"` for the estimated Young parameter. */
  constructor(mode: number | "auto") {
    this.mode = mode;
    if (typeof mode === "number") this.omega = mode;
  }

  /** Records the marginal error of the iteration just done and picks ω for the next one. */
  observe(error: number): void {
    if (error < this.best) this.best = error;
    if (this.mode !== "auto" || this.disabled) return;
    if (this.omega > 1 && error > 10 * this.best) {
      this.omega = 1;
      this.disabled = true;
      return;
    }
    this.history.push(error);
    if (this.history.length <= WINDOW) return;
    const lambda = (error / this.history[0]) ** (1 / WINDOW);
    this.history.length = 0;
    if (!(lambda > 0 && lambda < 1)) return;
    // SOR eigenvalue relation (λ + ω − 1)² = λ ω² τ gives the plain rate τ seen through the current ω.
    const w = this.omega;
    const tau = Math.min(1 - 1e-12, (lambda + w - 1) ** 2 / (lambda * w * w));
    const next = Math.min(MAX_OMEGA, 2 / (1 + Math.sqrt(1 - tau)));
    if (next > w + 0.01) this.omega = next;
  }
}
