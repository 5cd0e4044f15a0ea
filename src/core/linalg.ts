/**
 * Small dense linear algebra on {@link Array2D} matrices (`[d, d]`, row-major): Cholesky, symmetric eigen-
 * decomposition, SPD square roots and inverses, products. Meant for covariance-sized matrices (d up to a few
 * hundred), e.g. the closed-form Gaussian Schrödinger bridge and the Bures–Wasserstein metric.
 *
 * The factorizations wrap `ml-matrix` (6.x, maintained by the mljs project; JAMA-derived Cholesky and
 * Householder-tridiagonal + QL symmetric eigen solver) rather than re-implementing them. Everything else here is
 * plain loops. Inputs are never modified; every function returns fresh arrays.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, LuDecomposition, Matrix } from "ml-matrix";
import { checkAllFinite, toArray2D, type Array2D, type Array2DLike } from "./array2d.js";
import { check, SbkitInputError, SbkitNumericalError } from "./errors.js";

/** Relative tolerance used by {@link isSymmetric} and the SPD checks: `|a_ij − a_ji| ≤ tol · max|a|`. */
export const SYMMETRY_TOLERANCE = 1e-10;

/** Eigendecomposition `A = V diag(λ) Vᵀ` of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues λ, ascending, length `d`. */
  readonly values: Float64Array;
  /** `[d, d]` orthogonal matrix whose column `k` is the unit eigenvector of `values[k]`. */
  readonly vectors: Array2D;
}

/** Converts and checks a finite matrix argument. */
function finiteMatrix(a: Array2DLike, fn: string, argument: string): Array2D {
  const m = toArray2D(a, fn, argument);
  checkAllFinite(m.data, fn, argument, m.cols);
  return m;
}

/** Converts and checks a finite square matrix argument. */
function squareMatrix(a: Array2DLike, fn: string, argument: string): Array2D {
  const m = finiteMatrix(a, fn, argument);
  check(m.rows === m.cols && m.rows > 0, fn, argument, `must be a non-empty square matrix (got [${m.rows}, ${m.cols}])`);
  return m;
}

/** Converts and checks a finite symmetric matrix; returns its exact symmetrization ½(A + Aᵀ). */
function symmetricMatrix(a: Array2DLike, fn: string, argument: string): Array2D {
  const m = squareMatrix(a, fn, argument);
  check(isSymmetric(m), fn, argument, "must be symmetric");
  return symmetrize(m);
}

function toMl(a: Array2D): Matrix {
  return Matrix.from1DArray(a.rows, a.cols, Array.from(a.data));
}

function fromMl(m: Matrix): Array2D {
  return { data: Float64Array.from(m.to1DArray()), rows: m.rows, cols: m.columns };
}

/** The `[d, d]` identity matrix (times `scale`). */
export function identity(d: number, scale = 1): Array2D {
  check(Number.isInteger(d) && d >= 0, "identity", "d", `must be a non-negative integer (got ${d})`);
  const data = new Float64Array(d * d);
  for (let i = 0; i < d; i++) data[i * d + i] = scale;
  return { data, rows: d, cols: d };
}

/** The `[d, d]` diagonal matrix with `diag(values)`. */
export function diag(values: ArrayLike<number>): Array2D {
  const d = values.length;
  const data = new Float64Array(d * d);
  for (let i = 0; i < d; i++) data[i * d + i] = values[i];
  return { data, rows: d, cols: d };
}

/** Transpose: `[m, n] → [n, m]`. */
export function transpose(a: Array2DLike): Array2D {
  const m = toArray2D(a, "transpose", "a");
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  return { data: out, rows: m.cols, cols: m.rows };
}

/** Matrix product `A B`: `[m, k] × [k, n] → [m, n]`. */
export function matmul(a: Array2DLike, b: Array2DLike): Array2D {
  const x = toArray2D(a, "matmul", "a");
  const y = toArray2D(b, "matmul", "b");
  check(x.cols === y.rows, "matmul", "b", `has ${y.rows} rows, expected a.cols = ${x.cols}`);
  const { rows: m, cols: k } = x;
  const n = y.cols;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = x.data[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aip * y.data[p * n + j];
    }
  }
  return { data: out, rows: m, cols: n };
}

/** Matrix–vector product `A x`: `[m, n] × [n] → [m]`. */
export function matVec(a: Array2DLike, x: ArrayLike<number>): Float64Array {
  const m = toArray2D(a, "matVec", "a");
  check(x.length === m.cols, "matVec", "x", `has length ${x.length}, expected a.cols = ${m.cols}`);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

function sameShape(x: Array2D, y: Array2D, fn: string): void {
  check(x.rows === y.rows && x.cols === y.cols, fn, "b", `has shape [${y.rows}, ${y.cols}], expected [${x.rows}, ${x.cols}]`);
}

/** `αA + βB` for same-shape matrices (defaults α = β = 1, i.e. `A + B`). */
export function add(a: Array2DLike, b: Array2DLike, alpha = 1, beta = 1): Array2D {
  const x = toArray2D(a, "add", "a");
  const y = toArray2D(b, "add", "b");
  sameShape(x, y, "add");
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = alpha * x.data[i] + beta * y.data[i];
  return { data: out, rows: x.rows, cols: x.cols };
}

/** `A − B` for same-shape matrices. */
export function sub(a: Array2DLike, b: Array2DLike): Array2D {
  return add(a, b, 1, -1);
}

/** `αA`. */
export function scale(a: Array2DLike, alpha: number): Array2D {
  const x = toArray2D(a, "scale", "a");
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = alpha * x.data[i];
  return { data: out, rows: x.rows, cols: x.cols };
}

/** `A + λI` for a square `A`. */
export function addIdentity(a: Array2DLike, lambda: number): Array2D {
  const x = squareMatrix(a, "addIdentity", "a");
  const out = Float64Array.from(x.data);
  for (let i = 0; i < x.rows; i++) out[i * x.cols + i] += lambda;
  return { data: out, rows: x.rows, cols: x.cols };
}

/** `½(A + Aᵀ)`: removes round-off asymmetry. */
export function symmetrize(a: Array2DLike): Array2D {
  const x = squareMatrix(a, "symmetrize", "a");
  const d = x.rows;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = 0.5 * (x.data[i * d + j] + x.data[j * d + i]);
  return { data: out, rows: d, cols: d };
}

/** Trace `Σ_i A_ii` of a square matrix. */
export function trace(a: Array2DLike): number {
  const x = squareMatrix(a, "trace", "a");
  let s = 0;
  for (let i = 0; i < x.rows; i++) s += x.data[i * x.cols + i];
  return s;
}

/** Frobenius norm `‖A‖_F = (Σ a_ij²)^½`. */
export function frobeniusNorm(a: Array2DLike): number {
  const x = toArray2D(a, "frobeniusNorm", "a");
  let s = 0;
  for (const v of x.data) s += v * v;
  return Math.sqrt(s);
}

/** True when `A` is square and `|a_ij − a_ji| ≤ tolerance · max(1, max|a|)` for all i, j. */
export function isSymmetric(a: Array2DLike, tolerance = SYMMETRY_TOLERANCE): boolean {
  const x = toArray2D(a, "isSymmetric", "a");
  if (x.rows !== x.cols) return false;
  let maxAbs = 1;
  for (const v of x.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const d = x.rows;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const diff = Math.abs(x.data[i * d + j] - x.data[j * d + i]);
      if (!(diff <= tolerance * maxAbs)) return false;
    }
  }
  return true;
}

/**
 * Cholesky factor: the lower-triangular `L` (`[d, d]`) with `L Lᵀ = A`, for a symmetric positive-definite `A`.
 * Throws {@link SbkitInputError} naming `argument` when `A` is not square, not finite, not symmetric or not
 * positive definite. Wraps `ml-matrix`'s `CholeskyDecomposition`.
 */
export function cholesky(a: Array2DLike, fn = "cholesky", argument = "a"): Array2D {
  const m = symmetricMatrix(a, fn, argument);
  const decomposition = new CholeskyDecomposition(toMl(m));
  if (!decomposition.isPositiveDefinite()) throw new SbkitInputError(fn, argument, "must be symmetric positive definite (Cholesky failed)");
  return fromMl(decomposition.lowerTriangularMatrix);
}

/**
 * Symmetric eigendecomposition `A = V diag(λ) Vᵀ` with λ ascending and orthonormal eigenvector columns.
 * Wraps `ml-matrix`'s `EigenvalueDecomposition` (symmetric path: Householder tridiagonalization + implicit QL).
 */
export function symmetricEigen(a: Array2DLike, fn = "symmetricEigen", argument = "a"): SymmetricEigen {
  const m = symmetricMatrix(a, fn, argument);
  const d = m.rows;
  const evd = new EigenvalueDecomposition(toMl(m), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const order = Array.from({ length: d }, (_, k) => k).sort((p, q) => lambda[p] - lambda[q]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, k) => {
    values[k] = lambda[src];
    for (let i = 0; i < d; i++) vectors[i * d + k] = v.get(i, src);
  });
  return { values, vectors: { data: vectors, rows: d, cols: d } };
}

/** `V diag(f(λ)) Vᵀ` from an eigendecomposition. */
function spectralFunction(eig: SymmetricEigen, f: (lambda: number) => number): Array2D {
  const d = eig.values.length;
  const fl = eig.values.map(f);
  const v = eig.vectors.data;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += v[i * d + k] * fl[k] * v[j * d + k];
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return { data: out, rows: d, cols: d };
}

/**
 * Checks the spectrum of a symmetric matrix. `allowSemidefinite`: eigenvalues in `[−tol·λmax, 0]` with
 * `tol = 1e-12·d` are round-off of a PSD matrix and are clamped to 0 (documented clamp); anything lower throws.
 * Otherwise the matrix must be numerically positive definite: `λmin > 1e-14·λmax` (condition number < 1e14).
 */
function checkSpectrum(eig: SymmetricEigen, fn: string, argument: string, allowSemidefinite: boolean): void {
  const d = eig.values.length;
  const min = eig.values[0];
  const max = eig.values[d - 1];
  if (allowSemidefinite) {
    if (min < -1e-12 * d * Math.max(max, 0)) throw new SbkitInputError(fn, argument, `must be symmetric positive semidefinite (smallest eigenvalue ${min})`);
  } else if (!(min > 1e-14 * max)) {
    throw new SbkitInputError(fn, argument, `must be symmetric positive definite (eigenvalues in [${min}, ${max}]; needs λmin > 1e-14·λmax)`);
  }
}

/**
 * Principal square root `A^½` (symmetric PSD, `A^½ A^½ = A`) of a symmetric positive-semidefinite matrix, via
 * `V diag(√λ) Vᵀ`. Eigenvalues that are negative only by round-off (≥ −1e-12·d·λmax) are clamped to 0.
 */
export function sqrtmSpd(a: Array2DLike, fn = "sqrtmSpd", argument = "a"): Array2D {
  const eig = symmetricEigen(a, fn, argument);
  checkSpectrum(eig, fn, argument, true);
  return spectralFunction(eig, (l) => Math.sqrt(Math.max(l, 0)));
}

/** Inverse square root `A^{−½} = V diag(λ^{−½}) Vᵀ` of a symmetric positive-definite matrix (`λmin > 1e-14·λmax`). */
export function invSqrtmSpd(a: Array2DLike, fn = "invSqrtmSpd", argument = "a"): Array2D {
  const eig = symmetricEigen(a, fn, argument);
  checkSpectrum(eig, fn, argument, false);
  return spectralFunction(eig, (l) => 1 / Math.sqrt(l));
}

/** Both `A^½` and `A^{−½}` of a symmetric positive-definite matrix from one eigendecomposition. */
export function sqrtmAndInvSqrtmSpd(a: Array2DLike, fn = "sqrtmAndInvSqrtmSpd", argument = "a"): { sqrt: Array2D; invSqrt: Array2D } {
  const eig = symmetricEigen(a, fn, argument);
  checkSpectrum(eig, fn, argument, false);
  return { sqrt: spectralFunction(eig, Math.sqrt), invSqrt: spectralFunction(eig, (l) => 1 / Math.sqrt(l)) };
}

/** Solves `L X = B` (forward substitution) for lower-triangular `L` (`[d, d]`) and `B` (`[d, n]`). */
export function solveLower(l: Array2D, b: Array2D): Array2D {
  check(l.rows === l.cols && b.rows === l.rows, "solveLower", "b", `has ${b.rows} rows, expected ${l.rows}`);
  const d = l.rows;
  const n = b.cols;
  const x = Float64Array.from(b.data);
  for (let i = 0; i < d; i++) {
    const lii = l.data[i * d + i];
    for (let j = 0; j < n; j++) {
      let s = x[i * n + j];
      for (let k = 0; k < i; k++) s -= l.data[i * d + k] * x[k * n + j];
      x[i * n + j] = s / lii;
    }
  }
  return { data: x, rows: d, cols: n };
}

/** Solves `Lᵀ X = B` (back substitution) for lower-triangular `L` (`[d, d]`) and `B` (`[d, n]`). */
export function solveLowerTransposed(l: Array2D, b: Array2D): Array2D {
  check(l.rows === l.cols && b.rows === l.rows, "solveLowerTransposed", "b", `has ${b.rows} rows, expected ${l.rows}`);
  const d = l.rows;
  const n = b.cols;
  const x = Float64Array.from(b.data);
  for (let i = d - 1; i >= 0; i--) {
    const lii = l.data[i * d + i];
    for (let j = 0; j < n; j++) {
      let s = x[i * n + j];
      for (let k = i + 1; k < d; k++) s -= l.data[k * d + i] * x[k * n + j];
      x[i * n + j] = s / lii;
    }
  }
  return { data: x, rows: d, cols: n };
}

/** Solves `A X = B` for symmetric positive-definite `A` (`[d, d]`) and `B` (`[d, n]`) by Cholesky. */
export function solveSpd(a: Array2DLike, b: Array2DLike): Array2D {
  const l = cholesky(a, "solveSpd", "a");
  const rhs = finiteMatrix(b, "solveSpd", "b");
  check(rhs.rows === l.rows, "solveSpd", "b", `has ${rhs.rows} rows, expected ${l.rows}`);
  return solveLowerTransposed(l, solveLower(l, rhs));
}

/** Inverse `A⁻¹` of a symmetric positive-definite matrix (by Cholesky; the result is exactly symmetric). */
export function inverseSpd(a: Array2DLike, fn = "inverseSpd", argument = "a"): Array2D {
  const l = cholesky(a, fn, argument);
  return symmetrize(solveLowerTransposed(l, solveLower(l, identity(l.rows))));
}

/**
 * Solves `A X = B` for a general square `A` (`[d, d]`, LU with partial pivoting via `ml-matrix`) and `B`
 * (`[d, n]`). Throws {@link SbkitNumericalError} when `A` is singular.
 */
export function solve(a: Array2DLike, b: Array2DLike): Array2D {
  const m = squareMatrix(a, "solve", "a");
  const rhs = finiteMatrix(b, "solve", "b");
  check(rhs.rows === m.rows, "solve", "b", `has ${rhs.rows} rows, expected ${m.rows}`);
  const lu = new LuDecomposition(toMl(m));
  if (lu.isSingular()) throw new SbkitNumericalError("solve", "matrix a is singular");
  return fromMl(lu.solve(toMl(rhs)));
}

/** `log det A = 2 Σ_i log L_ii` for a symmetric positive-definite `A` with Cholesky factor `L`. */
export function logDetSpd(a: Array2DLike, fn = "logDetSpd", argument = "a"): number {
  const l = cholesky(a, fn, argument);
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.cols + i]);
  return 2 * s;
}
