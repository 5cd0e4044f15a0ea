/**
 * Dependency-free Cholesky factorization `A = L Lᵀ` of small dense symmetric matrices (flat row-major arrays), for
 * modules that must not load the `ml-matrix`-based `linalg.ts` (the OT-only entry `sbkit/ot` keeps no npm dependency).
 * The Cholesky–Banachiewicz order: `L_ij = (A_ij − Σ_{p<j} L_ip L_jp) / L_jj`, `L_ii = √(A_ii − Σ_{p<i} L_ip²)`.
 */

/** Lower Cholesky factor of `a` (`[d, d]`, row-major), or `undefined` when `a` is not numerically positive definite. */
export function choleskyOrUndefined(a: Float64Array, d: number): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return l;
}

/** Solves `A x = b` given the lower Cholesky factor `l` of `A` (`[d, d]`): forward then back substitution. */
export function choleskySolveWith(l: Float64Array, b: Float64Array, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= l[i * d + p] * y[p];
    y[i] = s / l[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let p = i + 1; p < d; p++) s -= l[p * d + i] * y[p];
    y[i] = s / l[i * d + i];
  }
  return y;
}
