/**
 * The low-rank plus diagonal Fisher metric (nutpie's `low_rank.rs`; Seyboldt, Carlson & Carpenter
 * 2026, §4): after the diagonal rescaling x ↦ (x − μ)/σ, g ↦ σ∘g with σ⁴ = Var x / Var g, the
 * covariance in the subspace spanned by the centred draws and gradients is the Σ that solves
 * Σ B Σ = A for A = XXᵀ + γI, B = GGᵀ + γI (the geometric mean of A and B⁻¹, exact for a
 * Gaussian); its eigen-directions with eigenvalue above `cutoff` or below 1/`cutoff` form the
 * low-rank part, every other direction keeps the diagonal scale.
 */
import { lowRankInverseMassMatrix } from '../mcmc/metric.js';
import { matrixFunction, symmetricEigen } from './symmetric_eigen.js';

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
 * undefined when the diagonal scales are not all finite and positive.
 */
export function fisherLowRank(draws: readonly Float64Array[], grads: readonly Float64Array[], options: LowRankOptions = {}): LowRankEstimate | undefined {
  const { regularization: gamma, cutoff } = { ...LOW_RANK_DEFAULTS, ...options };
  const n = draws.length;
  if (n < 3 || grads.length !== n) return undefined;
  const dim = draws[0].length;
  const scaled = rescale(draws, grads, dim);
  if (!scaled) return undefined;
  const { sigma, shift, x, g } = scaled;
  const q = orthonormalBasis([...x, ...g], dim);
  const m = q.length;
  const xp = x.map((c) => project(q, c));
  const gp = g.map((c) => project(q, c));
  const sigmaHat = geometricMean(gram(xp, m, gamma), gram(gp, m, gamma), m);
  const eig = symmetricEigen(sigmaHat, m);
  const kept: number[] = [];
  for (let j = 0; j < m; j++) if (eig.values[j] > cutoff || eig.values[j] < 1 / cutoff) kept.push(j);
  const variance = Float64Array.from(sigma, (s) => s * s);
  // dim 1 has no low-rank part beyond its diagonal.
  if (dim < 2 || kept.length === 0 || kept.some((j) => !(eig.values[j] > 0) || !Number.isFinite(eig.values[j]))) {
    return { inverseMassMatrix: variance, eigenvalues: new Float64Array(0), shift };
  }
  const k = kept.length;
  const eigenvalues = Float64Array.from(kept, (j) => eig.values[j]);
  const eigenvectors = new Float64Array(k * dim);
  kept.forEach((j, r) => {
    // u_r = Q v_j: back from subspace coordinates to R^dim.
    for (let b = 0; b < m; b++) {
      const c = eig.vectors[b * m + j];
      const qb = q[b];
      for (let i = 0; i < dim; i++) eigenvectors[r * dim + i] += c * qb[i];
    }
  });
  return { inverseMassMatrix: lowRankInverseMassMatrix({ variance, eigenvalues, eigenvectors }), eigenvalues, shift };
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
      vx += (draws[t][i] - mx) ** 2;
      vg += (grads[t][i] - mg) ** 2;
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

/** An orthonormal basis of the span of `columns` (modified Gram–Schmidt, twice, dropping dependent columns). */
function orthonormalBasis(columns: readonly Float64Array[], dim: number): Float64Array[] {
  const basis: Float64Array[] = [];
  let scale = 0;
  for (const c of columns) scale = Math.max(scale, norm(c));
  const tol = 1e-10 * scale;
  for (const c of columns) {
    if (basis.length === dim) break;
    const v = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const d = dot(b, v);
        for (let i = 0; i < dim; i++) v[i] -= d * b[i];
      }
    }
    const r = norm(v);
    if (r > tol && r > 0) basis.push(v.map((e) => e / r));
  }
  return basis;
}

/** Σ_t c_t c_tᵀ + γI, m×m row-major. */
function gram(cols: readonly Float64Array[], m: number, gamma: number): Float64Array {
  const out = new Float64Array(m * m);
  for (const c of cols) for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) out[i * m + j] += c[i] * c[j];
  for (let i = 0; i < m; i++) {
    out[i * m + i] += gamma;
    for (let j = 0; j < i; j++) out[j * m + i] = out[i * m + j];
  }
  return out;
}

/** Σ with Σ B Σ = A: B^{-1/2} (B^{1/2} A B^{1/2})^{1/2} B^{-1/2} (nutpie's `spd_mean`). */
function geometricMean(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const eb = symmetricEigen(b, m);
  const bHalf = matrixFunction(eb, m, Math.sqrt);
  const bInvHalf = matrixFunction(eb, m, (v) => 1 / Math.sqrt(v));
  const inner = matrixFunction(symmetricEigen(product(product(bHalf, a, m), bHalf, m), m), m, (v) => Math.sqrt(Math.max(v, 0)));
  const out = product(product(bInvHalf, inner, m), bInvHalf, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) out[i * m + j] = out[j * m + i] = 0.5 * (out[i * m + j] + out[j * m + i]);
  return out;
}

function product(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

function project(basis: readonly Float64Array[], v: Float64Array): Float64Array {
  return Float64Array.from(basis, (b) => dot(b, v));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
