/**
 * The low-rank plus diagonal Fisher metric (nutpie's `low_rank.rs`; Seyboldt, Carlson & Carpenter
 * 2026, §4): after the diagonal rescaling x ↦ (x − μ)/σ, g ↦ σ∘g with σ⁴ = Var x / Var g, the
 * covariance in the subspace spanned by the centred draws and gradients is the Σ that solves
 * Σ B Σ = A for A = XXᵀ + γI, B = GGᵀ + γI (the geometric mean of A and B⁻¹, exact for a
 * Gaussian); its eigen-directions with eigenvalue above `cutoff` or below 1/`cutoff` form the
 * low-rank part, every other direction keeps the diagonal scale.
 */
import { lowRankInverseMassMatrix } from '../mcmc/metric.js';
import { cholesky } from '../../core/linalg.js';
import { symmetricEigen } from './symmetric_eigen.js';

export interface LowRankOptions {
  /** γ, the regulariser added to both Gram matrices; 1e-5 as nutpie's `gamma`. */
  regularization?: number;
  /** Eigenvalues within [1/cutoff, cutoff] are dropped; 2 as nutpie. */
  cutoff?: number;
}

export const LOW_RANK_DEFAULTS = { regularization: 1e-5, cutoff: 2 } as const;

/** The estimate: packed inverse metric (diagonal when no direction stands out), eigenvalues and the shift. */
export interface LowRankEstimate {
  inverseMassMatrix: Float64Array;
  eigenvalues: Float64Array;
  shift: Float64Array;
}

/**
 * The low-rank Fisher estimate from `draws` and `grads` (n rows of length dim each, n >= 3), or
 * undefined when the diagonal scales are not all finite and positive. Cost O(dim·n² + n³): every
 * dim-length operation is a Gram matrix of the 2n scaled draws and gradients or a combination of
 * them; the rest works on r×r matrices, r <= min(dim, 2n) the rank of their span.
 */
export function fisherLowRank(draws: readonly Float64Array[], grads: readonly Float64Array[], options: LowRankOptions = {}): LowRankEstimate | undefined {
  const { regularization: gamma, cutoff } = { ...LOW_RANK_DEFAULTS, ...options };
  const n = draws.length;
  if (n < 3 || grads.length !== n) return undefined;
  const dim = draws[0].length;
  const scaled = rescale(draws, grads, dim);
  if (!scaled) return undefined;
  const { sigma, shift, x, g } = scaled;
  const variance = Float64Array.from(sigma, (s) => s * s);
  const diagonal = { inverseMassMatrix: variance, eigenvalues: new Float64Array(0), shift };
  const z = [...x, ...g];
  const basis = spanCoordinates(z, gamma);
  const r = basis.rank;
  // dim 1 has no low-rank part beyond its diagonal.
  if (dim < 2 || r === 0) return diagonal;
  const sub = subspaceMean(basis.coords, r, n, gamma);
  const kept: number[] = [];
  for (let j = 0; j < r; j++) if (sub.values[j] > cutoff || sub.values[j] < 1 / cutoff) kept.push(j);
  if (kept.length === 0 || kept.some((j) => !(sub.values[j] > 0) || !Number.isFinite(sub.values[j]))) return diagonal;
  const eigenvalues = Float64Array.from(kept, (j) => sub.values[j]);
  const eigenvectors = orthonormalize(fromSubspace(z, basis, kept.map((j) => sub.vector(j)), dim), kept.length, dim);
  if (!eigenvectors) return diagonal;
  return { inverseMassMatrix: lowRankInverseMassMatrix({ variance, eigenvalues, eigenvectors }), eigenvalues, shift };
}

/**
 * Coordinates of the columns z_a in an orthonormal basis Q of their span, from the pivoted
 * Cholesky factor of their Gram matrix (ZᵀZ = Rᵀ R with Z = Q R): `coords[i][a]` is R's entry.
 * A pivot below γ/100 ends the factorisation: the remaining directions hold less than γ/100 of
 * draw and gradient energy, where A and B are γI to 1%, so Σ there is 1 to 1% and the cutoff
 * (> 1.01) would drop them anyway.
 */
function spanCoordinates(z: readonly Float64Array[], gamma: number) {
  const m = z.length;
  const k = gram(z);
  const residual = Float64Array.from({ length: m }, (_, a) => k[a * m + a]);
  let maxDiag = 0;
  for (const v of residual) maxDiag = Math.max(maxDiag, v);
  const threshold = Math.max(gamma / 100, 1e-13 * maxDiag);
  const pivots: number[] = [];
  const coords: Float64Array[] = [];
  const free = new Set(Array.from({ length: m }, (_, a) => a));
  while (free.size > 0) {
    let p = -1;
    for (const a of free) if (p < 0 || residual[a] > residual[p]) p = a;
    if (!(residual[p] > threshold)) break;
    free.delete(p);
    const row = new Float64Array(m);
    const rpp = Math.sqrt(residual[p]);
    row[p] = rpp;
    for (const a of free) {
      let s = k[p * m + a];
      for (const prev of coords) s -= prev[p] * prev[a];
      row[a] = s / rpp;
      residual[a] -= row[a] * row[a];
    }
    pivots.push(p);
    coords.push(row);
  }
  return { rank: pivots.length, pivots, coords };
}

/**
 * In the r-dimensional coordinates, Σ with Σ B Σ = A for A = CxCxᵀ + γI, B = CgCgᵀ + γI, and
 * its eigenpairs: with B = LLᵀ, Σ = L⁻ᵀ M^{1/2} L⁻¹ for M = LᵀAL = (LᵀCx)(LᵀCx)ᵀ + γLᵀL
 * (a sum of Gram matrices, so symmetric positive semidefinite as computed, and M >= γ²I exactly,
 * the floor its eigenvalues are clipped to). With M = VΘVᵀ, Σ = FFᵀ for F = L⁻ᵀVΘ^{1/4}, so Σ's
 * eigenvalues are those of FᵀF and its eigenvectors Fw/√λ: two r×r eigenproblems in all.
 */
function subspaceMean(coords: readonly Float64Array[], r: number, n: number, gamma: number) {
  const a = new Float64Array(r * r);
  const b = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j <= i; j++) {
      const sa = dot(coords[i], coords[j], 0, n);
      const sb = dot(coords[i], coords[j], n, 2 * n);
      a[i * r + j] = a[j * r + i] = sa + (i === j ? gamma : 0);
      b[i * r + j] = b[j * r + i] = sb + (i === j ? gamma : 0);
    }
  }
  const l = cholesky(b, r);
  // LᵀAL = Lᵀ(CxCxᵀ + γI)L, formed as W Wᵀ + γ LᵀL with W = Lᵀ Cx.
  const w = new Float64Array(r * n);
  for (let i = 0; i < r; i++) for (let k = i; k < r; k++) {
    const lki = l[k * r + i];
    const ck = coords[k];
    for (let t = 0; t < n; t++) w[i * n + t] += lki * ck[t];
  }
  // LᵀL = Σ_k (row k of L)ᵀ(row k of L), accumulated along rows.
  const ltl = new Float64Array(r * r);
  for (let k = 0; k < r; k++) for (let i = 0; i <= k; i++) {
    const lki = l[k * r + i];
    for (let j = 0; j <= i; j++) ltl[i * r + j] += lki * l[k * r + j];
  }
  const mm = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j <= i; j++) {
    mm[i * r + j] = mm[j * r + i] = dot(w.subarray(i * n, (i + 1) * n), w.subarray(j * n, (j + 1) * n), 0, n) + gamma * ltl[i * r + j];
  }
  const em = symmetricEigen(mm, r);
  const floor = gamma * gamma;
  // F = L⁻ᵀ V Θ^{1/4}: Lᵀ is upper triangular, solved column by column of VΘ^{1/4} (all at once, row-wise).
  const f = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) f[i * r + j] = em.vectors[i * r + j] * Math.sqrt(Math.sqrt(Math.max(em.values[j], floor)));
  for (let i = r - 1; i >= 0; i--) {
    const lii = l[i * r + i];
    for (let k = i + 1; k < r; k++) {
      const lki = l[k * r + i];
      if (lki !== 0) for (let j = 0; j < r; j++) f[i * r + j] -= lki * f[k * r + j];
    }
    for (let j = 0; j < r; j++) f[i * r + j] /= lii;
  }
  const h = new Float64Array(r * r);
  for (let k = 0; k < r; k++) for (let i = 0; i < r; i++) {
    const fki = f[k * r + i];
    for (let j = 0; j <= i; j++) h[i * r + j] += fki * f[k * r + j];
  }
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) h[j * r + i] = h[i * r + j];
  const eh = symmetricEigen(h, r);
  /** Σ's eigenvector j in the subspace coordinates: F w_j / √λ_j. */
  const vector = (j: number): Float64Array => {
    const y = new Float64Array(r);
    const norm = Math.sqrt(eh.values[j]);
    for (let i = 0; i < r; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += f[i * r + k] * eh.vectors[k * r + j];
      y[i] = s / norm;
    }
    return y;
  };
  return { values: eh.values, vector };
}

/** u = Q y for each y, with Q = Z_P R₁₁⁻¹ (the pivot columns of Z and the triangular block of R). */
function fromSubspace(z: readonly Float64Array[], basis: ReturnType<typeof spanCoordinates>, ys: readonly Float64Array[], dim: number): Float64Array {
  const { rank: r, pivots, coords } = basis;
  const out = new Float64Array(ys.length * dim);
  ys.forEach((y, row) => {
    // R₁₁ t = y, back substitution; R₁₁[i][q] = coords[i][pivots[q]], zero for q < i.
    const t = new Float64Array(r);
    for (let i = r - 1; i >= 0; i--) {
      let s = y[i];
      for (let q = i + 1; q < r; q++) s -= coords[i][pivots[q]] * t[q];
      t[i] = s / coords[i][pivots[i]];
    }
    const u = out.subarray(row * dim, (row + 1) * dim);
    for (let q = 0; q < r; q++) {
      const zq = z[pivots[q]];
      const tq = t[q];
      for (let i = 0; i < dim; i++) u[i] += tq * zq[i];
    }
  });
  return out;
}

/**
 * The k rows of `u` made orthonormal by U ← L⁻¹U with UUᵀ = LLᵀ (Cholesky QR): Q = Z R⁻¹ from
 * a Gram factor is orthonormal only to about ε·cond(Z)², this second pass restores it. Undefined
 * when the rows are numerically dependent.
 */
function orthonormalize(u: Float64Array, k: number, dim: number): Float64Array | undefined {
  const rows = Array.from({ length: k }, (_, i) => u.subarray(i * dim, (i + 1) * dim));
  const gm = gram(rows);
  let l: Float64Array;
  try {
    l = cholesky(gm, k);
  } catch {
    return undefined;
  }
  const out = new Float64Array(k * dim);
  for (let i = 0; i < k; i++) {
    const oi = out.subarray(i * dim, (i + 1) * dim);
    oi.set(rows[i]);
    for (let j = 0; j < i; j++) {
      const lij = l[i * k + j];
      const oj = out.subarray(j * dim, (j + 1) * dim);
      for (let c = 0; c < dim; c++) oi[c] -= lij * oj[c];
    }
    const lii = l[i * k + i];
    for (let c = 0; c < dim; c++) oi[c] /= lii;
  }
  return out;
}

/** The diagonal rescaling and centring (nutpie's `rescale_points`), on copies. */
function rescale(draws: readonly Float64Array[], grads: readonly Float64Array[], dim: number) {
  const n = draws.length;
  const sigma = new Float64Array(dim);
  const shift = new Float64Array(dim);
  const x = draws.map(() => new Float64Array(dim));
  const g = grads.map(() => new Float64Array(dim));
  for (let i = 0; i < dim; i++) {
    let mx = 0;
    let mg = 0;
    for (let t = 0; t < n; t++) {
      mx += draws[t][i];
      mg += grads[t][i];
    }
    mx /= n;
    mg /= n;
    let vx = 0;
    let vg = 0;
    for (let t = 0; t < n; t++) {
      const dx = draws[t][i] - mx;
      const dg = grads[t][i] - mg;
      vx += dx * dx;
      vg += dg * dg;
    }
    const s = Math.sqrt(Math.sqrt(vx / vg));
    if (!(s > 0) || !Number.isFinite(s)) return undefined;
    sigma[i] = s;
    shift[i] = mx + s * s * mg;
    // After scaling, the means are (x̄ − μ)/σ and σḡ; centring removes them.
    const cx = (mx - shift[i]) / s;
    const cg = mg * s;
    for (let t = 0; t < n; t++) {
      x[t][i] = (draws[t][i] - shift[i]) / s - cx;
      g[t][i] = grads[t][i] * s - cg;
    }
  }
  return { sigma, shift, x, g };
}

/** The Gram matrix of `rows` (m×m, row-major): one pass over the dim-length data, m(m+1)/2 dot products. */
function gram(rows: readonly Float64Array[]): Float64Array {
  const m = rows.length;
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) out[a * m + b] = out[b * m + a] = dot(rows[a], rows[b], 0, rows[a].length);
  }
  return out;
}

/** Σ p[i]·q[i] over [from, to), four partial sums (one running sum waits on every add). */
function dot(p: Float64Array, q: Float64Array, from: number, to: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    s0 += p[i] * q[i];
    s1 += p[i + 1] * q[i + 1];
    s2 += p[i + 2] * q[i + 2];
    s3 += p[i + 3] * q[i + 3];
  }
  for (; i < to; i++) s0 += p[i] * q[i];
  return s0 + s1 + (s2 + s3);
}
