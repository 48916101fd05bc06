/**
 * mvNormal(x, mean, { cov } | { cholesky }): rows of x ([k] or [n,k]) iid multivariate normal.
 * A constant `cov` is checked (symmetric, positive definite) and factored once per call
 * (core/linalg); a tracked `cov` is factored by the differentiable `T.cholesky`, which reads its
 * lower triangle (and throws, naming the pivot, where it is not positive definite). A `cholesky`
 * factor (lower-triangular L with Σ = L·Lᵀ) may be constant or tracked: a tracked factor is
 * differentiated through `solveLowerTriangular` and only its lower triangle is read.
 */
import type { Rng } from '../../core/rng.js';
import { cholesky as choleskyFactor, logDetFromCholesky } from '../../core/linalg.js';
import { mvNormalVariate } from '../../core/random/multivariate.js';
import { shapeSize, shapeToString } from '../../core/shape.js';
import * as T from '../../autodiff/ops/index.js';
import { logDetTriangular, solveLowerTriangular } from '../../autodiff/ops/triangular.js';
import { tracks } from '../../autodiff/tape.js';
import { Tensor } from '../../autodiff/tensor.js';
import { HALF_LOG_TWO_PI, arg, family, positive, sampleShape, total, type DistArg } from './common.js';

/** Covariance of a multivariate normal, given as the matrix itself or its lower Cholesky factor. */
export type MvNormalScale = { cov: Float64Array | Tensor } | { cholesky: Float64Array | Tensor };

interface Prepared {
  /** Rows minus the mean, transposed to [k, n] (or [k] for one vector). */
  z: Tensor;
  rows: number;
  k: number;
  /** log det Σ^{1/2}: a number for a constant factor, a scalar Tensor for a tracked one. */
  halfLogDet: Tensor | number;
}

function prepare(x: DistArg, mean: DistArg, scale: MvNormalScale): Prepared {
  const xt = arg(x, 'mvNormal', 'x');
  const mt = arg(mean, 'mvNormal', 'mean');
  if (xt.rank !== 1 && xt.rank !== 2) throw new Error(`dist.mvNormal: x must have shape [k] or [n,k], got ${shapeToString(xt.shape)}`);
  const k = xt.shape[xt.rank - 1];
  const rows = xt.rank === 2 ? xt.shape[0] : 1;
  checkMean(mt, k, `x ${shapeToString(xt.shape)}`);
  const l = choleskyOf(scale, k);
  const centred = T.sub(xt, mt);
  const z = solveLowerTriangular(l, xt.rank === 2 ? T.transpose(centred) : centred);
  const halfLogDet = tracks(l) ? logDetTriangular(l) : 0.5 * logDetFromCholesky(l.buffer, k);
  return { z, rows, k, halfLogDet };
}

function checkMean(mt: Tensor, k: number, against: string): void {
  if (!(mt.rank === 0 || (mt.rank === 1 && mt.shape[0] === k))) {
    throw new Error(`dist.mvNormal: mean must have shape [${k}] to match ${against}, got ${shapeToString(mt.shape)}`);
  }
}

/** Σ_rows log MvNormal(x_row | mean, Σ). */
function mvNormalSum(x: DistArg, mean: DistArg, scale: MvNormalScale): Tensor {
  const { z, rows, k, halfLogDet } = prepare(x, mean, scale);
  const quad = T.mul(T.sum(T.square(z)), -0.5);
  const logDet = typeof halfLogDet === 'number' ? -rows * halfLogDet : T.mul(halfLogDet, -rows);
  return total(quad, logDet, -rows * k * HALF_LOG_TWO_PI);
}

/** log MvNormal per row: shape [n] for x [n,k], [] for x [k]. */
function mvNormalPointwise(x: DistArg, mean: DistArg, scale: MvNormalScale): Tensor {
  const { z, k, halfLogDet } = prepare(x, mean, scale);
  const quad = T.mul(z.rank === 2 ? T.sum(T.square(z), 0) : T.sum(T.square(z)), -0.5);
  return T.sub(quad, typeof halfLogDet === 'number' ? halfLogDet + k * HALF_LOG_TWO_PI : T.add(halfLogDet, k * HALF_LOG_TWO_PI));
}

/** The lower Cholesky factor as a [k,k] Tensor, validated when constant. */
function choleskyOf(scale: MvNormalScale, k: number): Tensor {
  const hasCov = scale !== null && typeof scale === 'object' && 'cov' in scale && scale.cov !== undefined;
  const hasChol = scale !== null && typeof scale === 'object' && 'cholesky' in scale && scale.cholesky !== undefined;
  if (hasCov === hasChol) throw new Error('dist.mvNormal: pass exactly one of { cov } or { cholesky } as the third argument');
  const name = hasCov ? 'cov' : 'cholesky';
  const value = hasCov ? (scale as { cov: Float64Array | Tensor }).cov : (scale as { cholesky: Float64Array | Tensor }).cholesky;
  const t = arg(value as DistArg, 'mvNormal', name);
  if (t.size !== k * k) throw new Error(`dist.mvNormal: ${name} must hold ${k}×${k} = ${k * k} values for x of width ${k}, got ${t.size} (shape ${shapeToString(t.shape)})`);
  const m = t.rank === 2 ? t : T.reshape(t, [k, k]);
  return hasCov ? covFactor(m, k) : checkedFactor(m, k);
}

function covFactor(m: Tensor, k: number): Tensor {
  if (tracks(m)) return T.cholesky(m);
  const d = m.buffer;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const a = d[i * k + j], b = d[j * k + i];
      if (!(Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(a), Math.abs(b)))) {
        throw new Error(`dist.mvNormal: cov must be symmetric, but cov[${i},${j}] = ${a} and cov[${j},${i}] = ${b}`);
      }
    }
  try {
    return new Tensor(choleskyFactor(d, k), [k, k]);
  } catch (e) {
    throw new Error(`dist.mvNormal: cov is not positive definite (${(e as Error).message})`);
  }
}

function checkedFactor(m: Tensor, k: number): Tensor {
  if (tracks(m)) return m;
  const d = m.buffer;
  for (let i = 0; i < k; i++) {
    if (!positive(d[i * k + i])) throw new Error(`dist.mvNormal: cholesky must have a positive finite diagonal, got cholesky[${i},${i}] = ${d[i * k + i]}`);
    for (let j = i + 1; j < k; j++) {
      if (d[i * k + j] !== 0) throw new Error(`dist.mvNormal: cholesky must be lower-triangular, got cholesky[${i},${j}] = ${d[i * k + j]} above the diagonal`);
    }
  }
  return m;
}

/** Draws [...shape, k]: mean + L·z. The width k comes from the covariance. */
function mvNormalSample(rng: Rng, mean: DistArg, scale: MvNormalScale, shape?: number[]): Tensor {
  const mt = arg(mean, 'mvNormal', 'mean');
  const raw = scale !== null && typeof scale === 'object' ? ('cov' in scale ? scale.cov : 'cholesky' in scale ? scale.cholesky : undefined) : undefined;
  const size = raw === undefined ? 0 : arg(raw as DistArg, 'mvNormal', 'cov' in scale ? 'cov' : 'cholesky').size;
  const k = Math.round(Math.sqrt(size));
  if (k * k !== size || k === 0) throw new Error(`dist.mvNormal.sample: the covariance must be a non-empty square matrix, got ${size} values`);
  checkMean(mt, k, `the ${k}×${k} covariance`);
  const l = choleskyOf(scale, k).buffer;
  const lead = sampleShape('mvNormal', shape);
  const reps = shapeSize(lead), out = new Float64Array(reps * k);
  const mu = mt.rank === 0 ? new Float64Array(k).fill(mt.buffer[0]) : mt.buffer;
  for (let r = 0; r < reps; r++) mvNormalVariate(rng, mu, l, k, out.subarray(r * k, (r + 1) * k));
  return new Tensor(out, [...lead, k]);
}

/** log MvNormal(x | mean, Σ), summed over rows (`dist.mvNormal`) or per row (`.pointwise`). */
export const mvNormal = family(mvNormalSum, mvNormalPointwise, mvNormalSample);
