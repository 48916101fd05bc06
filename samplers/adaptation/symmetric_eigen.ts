/**
 * Eigendecomposition of a symmetric matrix (Golub & Van Loan, §8.3; LAPACK's dsytd2, dsterf and
 * dstein): Householder reduction to tridiagonal form, 4n³/3 flops over contiguous rows; the
 * eigenvalues of the tridiagonal by the implicit QL algorithm, O(n²); the wanted eigenvectors by
 * inverse iteration on it and the reflectors applied back, 2n² flops a vector. Accurate to
 * working precision for any symmetric input (residuals ~ε‖A‖, the QL algorithm with vectors as
 * the fallback). The low-rank Fisher estimator uses it on matrices of at most min(dim, 2·draws)
 * rows, and asks for all vectors of one and only the kept ones of the other.
 */
import { implicitQl, inverseIteration, tridiagonalBlocks, tridiagonalNorm } from './tridiagonal_eigen.js';

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n×n matrix: vectors[i·n + j] is entry i of vector j. */
  vectors: Float64Array;
}

/** All eigenvalues, and the eigenvectors of the selected ones as rows. */
export interface SelectedEigen {
  /** All eigenvalues, ascending. */
  values: Float64Array;
  /** Indices into `values` of the selected eigenvalues, ascending. */
  selected: Int32Array;
  /** Row q (length n, unit norm) is the eigenvector of values[selected[q]]; rows are orthonormal. */
  rows: Float64Array;
}

/** The full eigendecomposition of the symmetric n×n row-major `a` (symmetric; one triangle is read). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const { values, rows } = symmetricEigenSelected(a, n, () => true);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vectors[i * n + j] = rows[j * n + i];
  return { values, vectors };
}

/**
 * Every eigenvalue of the symmetric n×n row-major `a` (symmetric; one triangle is read), and the eigenvectors
 * only of those for which `select(value, index)` holds: O(4n³/3 + 2n²k) for k selected.
 */
export function symmetricEigenSelected(a: Float64Array, n: number, select: (value: number, index: number) => boolean): SelectedEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected an ${n}×${n} matrix (length ${n * n}), got length ${a.length}`);
  // The reduction runs from the last row up, as tred2's does: the forward one on the index-reversed
  // matrix. Graded input with its large entries first (the Fisher estimator's pivoted coordinates)
  // keeps its small eigenvalues several digits more accurately that way.
  const t = tridiagonalize(reversed(a, n), n);
  const eig = tridiagonalByInverseIteration(t.d, t.e, n, select) ?? tridiagonalByQl(t.d, t.e, n, select);
  applyReflectors(t.house, t.tau, n, eig.rows, eig.selected.length);
  for (let q = 0; q < eig.selected.length; q++) eig.rows.subarray(q * n, (q + 1) * n).reverse();
  return eig;
}

/**
 * dsytd2 in place on `a` (overwritten by the reflectors), upper triangle: A = Q T Qᵀ with Q = H₀H₁…H_{n−3}, H_i = I − τ_i v vᵀ,
 * v zero up to i, 1 at i+1 and `house[i·n + k]` for k > i+1. `d` and `e` (e[i] = T[i+1][i], e[n−1] = 0) are T.
 */
function tridiagonalize(a: Float64Array, n: number) {
  const h = a;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i + 2 < n; i++) {
    const ri = i * n;
    d[i] = h[ri + i];
    const alpha = h[ri + i + 1];
    let big = Math.abs(alpha);
    for (let k = i + 2; k < n; k++) big = Math.max(big, Math.abs(h[ri + k]));
    let tail = 0;
    if (big > 0) for (let k = i + 2; k < n; k++) tail += (h[ri + k] / big) * (h[ri + k] / big);
    if (tail === 0) {
      e[i] = alpha; // already tridiagonal in this column: H_i = I, v = 0
      h[ri + i + 1] = 0;
      continue;
    }
    const beta = (alpha >= 0 ? -big : big) * Math.sqrt((alpha / big) * (alpha / big) + tail);
    const ti = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    tau[i] = ti;
    e[i] = beta;
    h[ri + i + 1] = 1;
    v[i + 1] = 1;
    for (let k = i + 2; k < n; k++) v[k] = h[ri + k] *= scale;
    symmetricUpdate(h, n, i + 1, v, p, ti);
  }
  if (n >= 2) {
    d[n - 2] = h[(n - 2) * n + n - 2];
    e[n - 2] = h[(n - 2) * n + n - 1];
  }
  if (n >= 1) d[n - 1] = h[n * n - 1];
  return { d, e, tau, house: h };
}

/**
 * A₂₂ ← H A₂₂ H on the trailing block [from, n) (upper triangle), H = I − τ v vᵀ: with
 * p = τ A₂₂ v and w = p − ½τ(pᵀv) v, A₂₂ − v wᵀ − w vᵀ. One pass over rows for p, one for the update.
 */
function symmetricUpdate(h: Float64Array, n: number, from: number, v: Float64Array, p: Float64Array, tau: number): void {
  p.fill(0, from, n);
  for (let j = from; j < n; j++) {
    const rj = j * n;
    const vj = v[j];
    let s = h[rj + j] * vj;
    for (let k = j + 1; k < n; k++) {
      const hjk = h[rj + k];
      s += hjk * v[k];
      p[k] += hjk * vj;
    }
    p[j] += s;
  }
  let pv = 0;
  for (let j = from; j < n; j++) pv += (p[j] *= tau) * v[j];
  const c = -0.5 * tau * pv;
  for (let j = from; j < n; j++) p[j] += c * v[j]; // p is w now
  for (let j = from; j < n; j++) {
    const rj = j * n;
    const vj = v[j];
    const wj = p[j];
    for (let k = j; k < n; k++) h[rj + k] -= vj * p[k] + wj * v[k];
  }
}

/**
 * x ← Q x for each of the k rows (length n) of `rows`: the reflectors of `tridiagonalize`, last
 * one first, two at a time (H_{i−1}H_i x from both dot products in one pass, with v_{i−1}·v_i
 * taken once), so each row is read twice per pair instead of per reflector.
 */
function applyReflectors(house: Float64Array, tau: Float64Array, n: number, rows: Float64Array, k: number): void {
  let i = n - 3;
  for (; i >= 1; i -= 2) {
    const ta = tau[i], tb = tau[i - 1];
    const ra = i * n, rb = (i - 1) * n;
    let vab = 0;
    for (let c = i + 1; c < n; c++) vab += house[ra + c] * house[rb + c];
    for (let q = 0; q < k; q++) {
      const rq = q * n;
      let a = 0;
      let b = rows[rq + i]; // v_{i−1} is 1 at i
      for (let c = i + 1; c < n; c++) {
        const z = rows[rq + c];
        a += house[ra + c] * z;
        b += house[rb + c] * z;
      }
      const sa = ta * a;
      const sb = tb * (b - sa * vab);
      rows[rq + i] -= sb;
      for (let c = i + 1; c < n; c++) rows[rq + c] -= sa * house[ra + c] + sb * house[rb + c];
    }
  }
  if (i === 0 && tau[0] !== 0) {
    for (let q = 0; q < k; q++) {
      const rq = q * n;
      let s = 0;
      for (let c = 1; c < n; c++) s += house[c] * rows[rq + c];
      s *= tau[0];
      for (let c = 1; c < n; c++) rows[rq + c] -= s * house[c];
    }
  }
}

/** Eigenvalues of each unreduced block by QL, vectors of the selected ones by inverse iteration; undefined if that fails. */
function tridiagonalByInverseIteration(d: Float64Array, e: Float64Array, n: number, select: (value: number, index: number) => boolean): SelectedEigen | undefined {
  const norm = tridiagonalNorm(d, e, n);
  const starts = tridiagonalBlocks(d, e, n, norm);
  const value = new Float64Array(n);
  const block = new Int32Array(n);
  for (let b = 0; b + 1 < starts.length; b++) {
    const dd = d.slice(starts[b], starts[b + 1]);
    const ee = e.slice(starts[b], starts[b + 1]);
    implicitQl(dd, ee, dd.length);
    value.set(dd, starts[b]);
    block.fill(b, starts[b], starts[b + 1]);
  }
  const order = ascending(value);
  const values = Float64Array.from(order, (i) => value[i]);
  const selected = Int32Array.from(order.map((_, j) => j).filter((j) => select(values[j], j)));
  const rows = new Float64Array(selected.length * n);
  // Per block, its selected eigenvalues in ascending order and the output rows they go to.
  const perBlock = starts.slice(1).map(() => ({ values: [] as number[], rows: [] as number[] }));
  selected.forEach((j, q) => {
    const b = block[order[j]];
    perBlock[b].values.push(values[j]);
    perBlock[b].rows.push(q);
  });
  for (let b = 0; b < perBlock.length; b++) {
    if (perBlock[b].values.length === 0) continue;
    if (!inverseIteration(d, e, starts[b], starts[b + 1], norm, perBlock[b].values, rows, perBlock[b].rows, n)) return undefined;
  }
  return { values, selected, rows };
}

/** The QL algorithm with vectors on the whole tridiagonal (tql2), ~5n³ flops: the fallback. */
function tridiagonalByQl(d: Float64Array, e: Float64Array, n: number, select: (value: number, index: number) => boolean): SelectedEigen {
  const dd = Float64Array.from(d);
  const ee = Float64Array.from(e);
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  implicitQl(dd, ee, n, vt, n);
  const order = ascending(dd);
  const values = Float64Array.from(order, (i) => dd[i]);
  const selected = Int32Array.from(order.map((_, j) => j).filter((j) => select(values[j], j)));
  const rows = new Float64Array(selected.length * n);
  selected.forEach((j, q) => rows.set(vt.subarray(order[j] * n, (order[j] + 1) * n), q * n));
  return { values, selected, rows };
}

function ascending(x: Float64Array): number[] {
  return Array.from({ length: x.length }, (_, i) => i).sort((p, q) => x[p] - x[q] || p - q);
}

/** f(A) = V f(Λ) Vᵀ for a symmetric A with eigendecomposition `e`. */
export function matrixFunction(e: SymmetricEigen, n: number, f: (x: number) => number): Float64Array {
  const fv = Float64Array.from(e.values, f);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += e.vectors[i * n + k] * fv[k] * e.vectors[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** J A J, J the reversal permutation. */
function reversed(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[(n - 1 - i) * n + (n - 1 - j)] = a[i * n + j];
  return out;
}
