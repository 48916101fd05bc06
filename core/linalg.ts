/**
 * Dense linear algebra on row-major Float64Array matrices: Cholesky factorisation, triangular
 * solves, log-determinant. Small and exact; the matrices here are at most a few hundred wide.
 */
import * as libm from './libm.js';

function checkSquare(a: Float64Array, n: number, what: string): void {
  if (!Number.isInteger(n) || n <= 0 || a.length !== n * n) {
    throw new Error(`${what}: expected a ${n}×${n} matrix (${n * n} values), got ${a.length} values`);
  }
}

/**
 * Lower-triangular L with A = L·Lᵀ. Throws when A is not symmetric positive definite, naming the
 * matrix size and the pivot where the factorisation failed.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  checkSquare(a, n, 'cholesky');
  const l = new Float64Array(n * n);
  choleskyInto(a, l, n);
  return l;
}

/**
 * The factorisation of `cholesky` into a caller's buffer `l` (n×n, every element written; only
 * A's lower triangle is read), so the differentiable op and its compiled plan share this arithmetic.
 */
export function choleskyInto(a: Float64Array, l: Float64Array, n: number): void {
  l.fill(0);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new Error(`cholesky: the ${n}×${n} matrix is not positive definite (pivot ${j} is ${d})`);
    }
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
}

/** Solve L·x = b for lower-triangular L (n×n); b may hold several right-hand sides as columns (n×m). */
export function solveLower(l: Float64Array, b: Float64Array, n: number, m = 1): Float64Array {
  checkSquare(l, n, 'solveLower');
  if (b.length !== n * m) throw new Error(`solveLower: right-hand side has ${b.length} values, expected ${n}×${m}`);
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * m + c];
      x[i * m + c] = s / l[i * n + i];
    }
  }
  return x;
}

/** Solve Lᵀ·x = b for lower-triangular L (an upper-triangular solve without forming Lᵀ). */
export function solveLowerTransposed(l: Float64Array, b: Float64Array, n: number, m = 1): Float64Array {
  checkSquare(l, n, 'solveLowerTransposed');
  if (b.length !== n * m) throw new Error(`solveLowerTransposed: right-hand side has ${b.length} values, expected ${n}×${m}`);
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * m + c];
      x[i * m + c] = s / l[i * n + i];
    }
  }
  return x;
}

/** Solve A·x = b for symmetric positive definite A through its Cholesky factor. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number, m = 1): Float64Array {
  const l = cholesky(a, n);
  return solveLowerTransposed(l, solveLower(l, b, n, m), n, m);
}

/** log|A| of a symmetric positive definite matrix, from its Cholesky factor: 2·Σ log L_ii. */
export function logDetFromCholesky(l: Float64Array, n: number): number {
  checkSquare(l, n, 'logDetFromCholesky');
  let s = 0;
  for (let i = 0; i < n; i++) s += libm.log(l[i * n + i]);
  return 2 * s;
}

export function logDetSpd(a: Float64Array, n: number): number {
  return logDetFromCholesky(cholesky(a, n), n);
}

/** Inverse of a symmetric positive definite matrix. */
export function inverseSpd(a: Float64Array, n: number): Float64Array {
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return solveSpd(a, eye, n, n);
}

/** y = L·x for lower-triangular L (used to draw correlated normals: x ~ N(0, I) ⇒ Lx ~ N(0, LLᵀ)). */
export function lowerTimesVector(l: Float64Array, x: Float64Array, n: number, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += l[i * n + k] * x[k];
    out[i] = s;
  }
  return out;
}

/** C = A·B for row-major A (n×k) and B (k×m). */
export function matMul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  if (a.length !== n * k || b.length !== k * m) throw new Error(`matMul: shapes ${n}×${k} and ${k}×${m} do not match ${a.length} and ${b.length} values`);
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      for (let j = 0; j < m; j++) c[i * m + j] += v * b[p * m + j];
    }
  return c;
}
