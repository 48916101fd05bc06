/**
 * Euclidean metrics for Hamiltonian samplers: a mass matrix M, given (as Stan does) by its
 * inverse. Kinetic energy is ½ pᵀM⁻¹p and momenta are drawn from N(0, M).
 *
 * `inverseMassMatrix` is diagonal (length dim) or dense (dim×dim, row-major). Treat the array as
 * immutable once handed to a sampler: the metric (and, for dense, its Cholesky factor) is cached
 * per array object, so warmup always installs a new array rather than writing into the old one.
 */
import { cholesky } from '../../core/linalg.js';
import type { Rng } from '../../core/rng.js';

export type MetricKind = 'diag' | 'dense';

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
  else {
    throw new Error(
      `inverseMassMatrix must have length ${dim} (diagonal) or ${dim * dim} (dense ${dim}×${dim}), got ${inverseMassMatrix.length}`,
    );
  }
  cache.set(inverseMassMatrix, metric);
  return metric;
}

/** The kind of metric that `inverseMassMatrix` describes for dimension `dim` (dim = 1 counts as diagonal). */
export function metricKind(inverseMassMatrix: Float64Array, dim: number): MetricKind {
  return inverseMassMatrix.length === dim ? 'diag' : 'dense';
}

/** The identity of the given kind: the starting metric before any adaptation, as in Stan. */
export function identityInverseMassMatrix(dim: number, kind: MetricKind): Float64Array {
  if (kind === 'diag') return new Float64Array(dim).fill(1);
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
