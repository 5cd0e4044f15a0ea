/** Progress reporting for Sinkhorn runs on the CLI: the bar fills as log(error) falls toward log(tolerance). */
import type { SinkhornProgress } from "../ot/sinkhornOptions.js";
import type { ProgressBar } from "./progress.js";

/** An `onIteration` callback drawing `bar` with the iteration, current ε and marginal error. */
export function sinkhornProgress(bar: ProgressBar, tolerance: number): (p: SinkhornProgress) => void {
  let first = NaN;
  return ({ iteration, epsilon, error }) => {
    if (Number.isNaN(first)) first = error;
    const fraction = first > tolerance ? Math.log(first / error) / Math.log(first / tolerance) : 1;
    bar.update(fraction, `it ${iteration} ε ${epsilon.toPrecision(3)} err ${error.toExponential(2)}`);
  };
}
