/**
 * Euclidean metrics for Hamiltonian samplers: a mass matrix M, given (as Stan does) by its
 * inverse. Kinetic energy is ½ pᵀM⁻¹p and momenta are drawn from N(0, M).
 *
 * `inverseMassMatrix` is diagonal (length dim), dense (dim×dim, row-major) or low-rank plus
 * diagonal (packed, length dim + k·(dim + 1), see `lowRankInverseMassMatrix`). Treat the array as
 * immutable once handed to a sampler: the metric (and, for dense, its Cholesky factor) is cached
 * per array object, so warmup always installs a new array rather than writing into the old one.
 */
import { cholesky } from '../../core/linalg.js';
import type { Rng } from '../../core/rng.js';

export type MetricKind = 'diag' | 'dense' | 'lowrank';

export interface EuclideanMetric {
  readonly kind: MetricKind;
  readonly dim: number;
  readonly inverseMassMatrix: Float64Array;
  /** ½ pᵀ M⁻¹ p. */
  kineticEnergy(momentum: Float64Array): number;
  /** p♯ = M⁻¹ p, the velocity dq/dt (Stan's `dtau_dp`); written into `out`. */
  velocity(momentum: Float64Array, out: Float64Array): Float64Array;
  /** A draw p ~ N(0, M) written into `out`. */
  sampleMomentum(rng: Rng, out: Float64Array): Float64Array;
}

const cache = new WeakMap<Float64Array, EuclideanMetric>();

/** The metric for `inverseMassMatrix` on R^dim; the kind follows from the array's length. */
export function euclideanMetric(inverseMassMatrix: Float64Array, dim: number): EuclideanMetric {
  const hit = cache.get(inverseMassMatrix);
  if (hit && hit.dim === dim) return hit;
  if (!(inverseMassMatrix instanceof Float64Array)) {
    throw new Error(`inverseMassMatrix must be a Float64Array, got ${Object.prototype.toString.call(inverseMassMatrix)}`);
  }
  let metric: EuclideanMetric;
  if (inverseMassMatrix.length === dim) metric = diagonalMetric(inverseMassMatrix, dim);
  else if (inverseMassMatrix.length === dim * dim) metric = denseMetric(inverseMassMatrix, dim);
  else if (lowRankOf(inverseMassMatrix.length, dim) > 0) metric = lowRankMetric(unpackLowRank(inverseMassMatrix, dim), inverseMassMatrix);
  else {
    throw new Error(
      `inverseMassMatrix must have length ${dim} (diagonal) or ${dim * dim} (dense ${dim}×${dim}), or ${dim} + k·${dim + 1} with 1 <= k <= ${dim} (low-rank), got ${inverseMassMatrix.length}`,
    );
  }
  cache.set(inverseMassMatrix, metric);
  return metric;
}

/** The kind of metric that `inverseMassMatrix` describes for dimension `dim` (dim = 1 counts as diagonal). */
export function metricKind(inverseMassMatrix: Float64Array, dim: number): MetricKind {
  if (inverseMassMatrix.length === dim) return 'diag';
  return lowRankOf(inverseMassMatrix.length, dim) > 0 ? 'lowrank' : 'dense';
}

/** The identity of the given kind: the starting metric before any adaptation, as in Stan. */
export function identityInverseMassMatrix(dim: number, kind: MetricKind): Float64Array {
  if (kind === 'diag' || kind === 'lowrank') return new Float64Array(dim).fill(1); // rank 0: the diagonal identity
  const m = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) m[i * dim + i] = 1;
  return m;
}

function diagonalMetric(inv: Float64Array, dim: number): EuclideanMetric {
  const sd = new Float64Array(dim); // 1/sqrt(inv): the momentum scale √M
  for (let i = 0; i < dim; i++) {
    if (!(inv[i] > 0) || !Number.isFinite(inv[i])) {
      throw new Error(`inverseMassMatrix: diagonal entry ${i} must be positive and finite, got ${inv[i]}`);
    }
    sd[i] = 1 / Math.sqrt(inv[i]);
  }
  return {
    kind: 'diag',
    dim,
    inverseMassMatrix: inv,
    kineticEnergy(p) {
      let t = 0;
      for (let i = 0; i < dim; i++) t += p[i] * p[i] * inv[i];
      return 0.5 * t;
    },
    velocity(p, out) {
      for (let i = 0; i < dim; i++) out[i] = inv[i] * p[i];
      return out;
    },
    sampleMomentum(rng, out) {
      for (let i = 0; i < dim; i++) out[i] = rng.normal() * sd[i];
      return out;
    },
  };
}

function denseMetric(inv: Float64Array, dim: number): EuclideanMetric {
  const chol = inverseMassCholesky(inv, dim, 'inverseMassMatrix');
  return {
    kind: 'dense',
    dim,
    inverseMassMatrix: inv,
    kineticEnergy(p) {
      let t = 0;
      for (let i = 0; i < dim; i++) {
        let row = 0;
        for (let j = 0; j < dim; j++) row += inv[i * dim + j] * p[j];
        t += p[i] * row;
      }
      return 0.5 * t;
    },
    velocity(p, out) {
      for (let i = 0; i < dim; i++) {
        let row = 0;
        for (let j = 0; j < dim; j++) row += inv[i * dim + j] * p[j];
        out[i] = row;
      }
      return out;
    },
    sampleMomentum(rng, out) {
      // With M⁻¹ = L Lᵀ, p = L⁻ᵀ z has covariance (L Lᵀ)⁻¹ = M (Stan solves with the same factor).
      for (let i = 0; i < dim; i++) out[i] = rng.normal();
      for (let i = dim - 1; i >= 0; i--) {
        let s = out[i];
        for (let k = i + 1; k < dim; k++) s -= chol[k * dim + i] * out[k];
        out[i] = s / chol[i * dim + i];
      }
      return out;
    },
  };
}

/**
 * The lower Cholesky factor of a dense inverse mass matrix (core/linalg's, the only Cholesky),
 * after checking the symmetry that factorisation takes on trust (it reads the lower triangle).
 */
function inverseMassCholesky(a: Float64Array, dim: number, name: string): Float64Array {
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(a[i * dim + j] - a[j * dim + i]) > 1e-10 * (Math.abs(a[i * dim + j]) + Math.abs(a[j * dim + i]) + 1e-300)) {
        throw new Error(`${name}: must be symmetric, but entry [${i},${j}] = ${a[i * dim + j]} differs from [${j},${i}] = ${a[j * dim + i]}`);
      }
    }
  }
  try {
    return cholesky(a, dim);
  } catch (e) {
    throw new Error(`${name}: must be positive definite (${(e as Error).message})`);
  }
}

/**
 * A low-rank plus diagonal inverse metric (nutpie's; Seyboldt, Carlson & Carpenter 2026):
 *
 *   M⁻¹ = S (I + U (Λ − I) Uᵀ) S,   S = diag(√variance),
 *
 * with U (dim×k) orthonormal and Λ = diag(eigenvalues) > 0: a covariance that is the diagonal
 * `variance` except along k directions of the rescaled space. Every operation is O(dim·k).
 */
export interface LowRankFactors {
  /** The diagonal scale S², length dim (positive). */
  readonly variance: Float64Array;
  /** Λ, length k (positive). */
  readonly eigenvalues: Float64Array;
  /** Uᵀ row-major: k rows of length dim, orthonormal. */
  readonly eigenvectors: Float64Array;
}

/** k of a packed low-rank array of `length` for dimension `dim`, or 0 when it is not one (k = 0 is the diagonal metric). */
export function lowRankOf(length: number, dim: number): number {
  if (dim < 2 || length <= dim || length === dim * dim || (length - dim) % (dim + 1) !== 0) return 0;
  const k = (length - dim) / (dim + 1);
  return k <= dim ? k : 0;
}

/** Packs factors into the one Float64Array a sampler's params carry: [variance | eigenvalues | Uᵀ rows]. */
export function lowRankInverseMassMatrix(f: LowRankFactors): Float64Array {
  const dim = f.variance.length;
  const k = f.eigenvalues.length;
  if (k < 1 || k > dim) throw new Error(`lowRankInverseMassMatrix: rank must be in [1, ${dim}], got ${k}`);
  if (f.eigenvectors.length !== k * dim) throw new Error(`lowRankInverseMassMatrix: eigenvectors must have length k·dim = ${k * dim}, got ${f.eigenvectors.length}`);
  const out = new Float64Array(dim + k * (dim + 1));
  out.set(f.variance, 0);
  out.set(f.eigenvalues, dim);
  out.set(f.eigenvectors, dim + k);
  return out;
}

/** The factors of a packed low-rank inverse metric (views into `packed`). */
export function unpackLowRank(packed: Float64Array, dim: number): LowRankFactors {
  const k = lowRankOf(packed.length, dim);
  if (k === 0) throw new Error(`unpackLowRank: length ${packed.length} is not a low-rank inverse metric for dim ${dim} (dim + k·(dim + 1))`);
  return { variance: packed.subarray(0, dim), eigenvalues: packed.subarray(dim, dim + k), eigenvectors: packed.subarray(dim + k) };
}

/** The dense dim×dim matrix of a low-rank inverse metric (for output and tests; O(dim²·k)). */
export function lowRankToDense(f: LowRankFactors): Float64Array {
  const dim = f.variance.length;
  const k = f.eigenvalues.length;
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      let v = i === j ? 1 : 0;
      for (let r = 0; r < k; r++) v += (f.eigenvalues[r] - 1) * f.eigenvectors[r * dim + i] * f.eigenvectors[r * dim + j];
      out[i * dim + j] = Math.sqrt(f.variance[i] * f.variance[j]) * v;
    }
  }
  return out;
}

function checkLowRank(f: LowRankFactors, dim: number): void {
  const k = f.eigenvalues.length;
  for (let i = 0; i < dim; i++) {
    if (!(f.variance[i] > 0) || !Number.isFinite(f.variance[i])) throw new Error(`inverseMassMatrix (low-rank): variance ${i} must be positive and finite, got ${f.variance[i]}`);
  }
  for (let r = 0; r < k; r++) {
    if (!(f.eigenvalues[r] > 0) || !Number.isFinite(f.eigenvalues[r])) throw new Error(`inverseMassMatrix (low-rank): eigenvalue ${r} must be positive and finite, got ${f.eigenvalues[r]}`);
    for (let q = 0; q <= r; q++) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += f.eigenvectors[r * dim + i] * f.eigenvectors[q * dim + i];
      if (Math.abs(dot - (q === r ? 1 : 0)) > 1e-6) throw new Error(`inverseMassMatrix (low-rank): eigenvectors must be orthonormal, but u${r}·u${q} = ${dot}`);
    }
  }
}

function lowRankMetric(f: LowRankFactors, packed: Float64Array): EuclideanMetric {
  const dim = f.variance.length;
  const k = f.eigenvalues.length;
  checkLowRank(f, dim);
  const { eigenvalues: lambda, eigenvectors: u } = f;
  const scale = Float64Array.from(f.variance, Math.sqrt); // S
  const lambdaMinusOne = Float64Array.from(lambda, (l) => l - 1);
  const invSqrtMinusOne = Float64Array.from(lambda, (l) => 1 / Math.sqrt(l) - 1);
  const w = new Float64Array(dim);
  const proj = new Float64Array(k);
  return {
    kind: 'lowrank',
    dim,
    inverseMassMatrix: packed,
    kineticEnergy(p) {
      let t = 0;
      for (let i = 0; i < dim; i++) {
        const wi = scale[i] * p[i];
        w[i] = wi;
        t += wi * wi;
      }
      projectRows(u, k, dim, w, proj);
      for (let r = 0; r < k; r++) t += lambdaMinusOne[r] * proj[r] * proj[r];
      return 0.5 * t;
    },
    velocity(p, out) {
      // S(w + U(Λ − I)Uᵀw), w = Sp: the k rows of Uᵀ are read contiguously, once each way.
      for (let i = 0; i < dim; i++) {
        const wi = scale[i] * p[i];
        w[i] = wi;
        out[i] = wi;
      }
      projectRows(u, k, dim, w, proj);
      for (let r = 0; r < k; r++) proj[r] *= lambdaMinusOne[r];
      addRows(u, k, dim, proj, out);
      for (let i = 0; i < dim; i++) out[i] *= scale[i];
      return out;
    },
    sampleMomentum(rng, out) {
      // M = S⁻¹ (I + U(Λ⁻¹ − I)Uᵀ) S⁻¹, whose square root is S⁻¹ (I + U(Λ^{-1/2} − I)Uᵀ).
      for (let i = 0; i < dim; i++) out[i] = w[i] = rng.normal();
      projectRows(u, k, dim, w, proj);
      for (let r = 0; r < k; r++) proj[r] *= invSqrtMinusOne[r];
      addRows(u, k, dim, proj, out);
      for (let i = 0; i < dim; i++) out[i] /= scale[i];
      return out;
    },
  };
}

/** proj[r] = (row r of u)·w for the k rows of length dim, four partial sums. */
function projectRows(u: Float64Array, k: number, dim: number, w: Float64Array, proj: Float64Array): void {
  for (let r = 0; r < k; r++) {
    const o = r * dim;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += u[o + i] * w[i];
      s1 += u[o + i + 1] * w[i + 1];
      s2 += u[o + i + 2] * w[i + 2];
      s3 += u[o + i + 3] * w[i + 3];
    }
    for (; i < dim; i++) s0 += u[o + i] * w[i];
    proj[r] = s0 + s1 + (s2 + s3);
  }
}

/** out += Σ_r c[r]·(row r of u), four rows a pass. */
function addRows(u: Float64Array, k: number, dim: number, c: Float64Array, out: Float64Array): void {
  let r = 0;
  for (; r + 3 < k; r += 4) {
    const o0 = r * dim, o1 = o0 + dim, o2 = o1 + dim, o3 = o2 + dim;
    const c0 = c[r], c1 = c[r + 1], c2 = c[r + 2], c3 = c[r + 3];
    for (let i = 0; i < dim; i++) out[i] += c0 * u[o0 + i] + c1 * u[o1 + i] + (c2 * u[o2 + i] + c3 * u[o3 + i]);
  }
  for (; r < k; r++) {
    const o = r * dim;
    const c0 = c[r];
    for (let i = 0; i < dim; i++) out[i] += c0 * u[o + i];
  }
}
