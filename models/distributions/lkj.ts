/**
 * lkjCholesky(L, eta): the LKJ(η) density of the correlation matrix L·Lᵀ, written for its lower
 * Cholesky factor L (k×k, unit-length rows, as Stan's lkj_corr_cholesky), with the normalising
 * constant of Lewandowski, Kurowicka & Joe (2009, eq. 16):
 *   log p(L) = Σ_{i≥1} (k − i − 1 + 2η − 2)·log L_ii − log c_k(η),
 *   log c_k(η) = ((2η − 2)·S₁ + S₂)·log 2 + Σ_{j=1}^{k−1} j·log B(η + (j−1)/2, η + (j−1)/2),
 * with S₁ = Σ j = k(k−1)/2 and S₂ = Σ j² = (k−1)k(2k−1)/6. η = 1 is uniform over correlations.
 */
import type { Rng } from '../../core/rng.js';
import { lkjCholeskyVariate } from '../../core/random/multivariate.js';
import { shapeSize, shapeToString } from '../../core/shape.js';
import * as T from '../../autodiff/ops/index.js';
import { lbeta } from '../../autodiff/ops/special.js';
import { tracks } from '../../autodiff/tape.js';
import { Tensor } from '../../autodiff/tensor.js';
import { arg, checkConstant, family, positive, sampleShape, type DistArg } from './common.js';

/** Tolerance of a constant factor's unit rows. */
const UNIT_ROW_TOLERANCE = 1e-8;

function checkFactor(l: Tensor, k: number): void {
  if (tracks(l)) return;
  const d = l.buffer;
  for (let i = 0; i < k; i++) {
    let norm = 0;
    for (let j = 0; j < k; j++) {
      const v = d[i * k + j];
      if (j > i && v !== 0) throw new Error(`dist.lkjCholesky: L must be lower-triangular, got L[${i},${j}] = ${v} above the diagonal`);
      if (j === i && !(v > 0)) throw new Error(`dist.lkjCholesky: L must have a positive diagonal, got L[${i},${i}] = ${v}`);
      norm += v * v;
    }
    if (!(Math.abs(norm - 1) <= UNIT_ROW_TOLERANCE)) {
      throw new Error(`dist.lkjCholesky: L must be the Cholesky factor of a correlation matrix (rows of unit length), but row ${i} has squared length ${norm}`);
    }
  }
}

/** −log c_k(η) as a scalar Tensor (tracked when η is). */
function logNormaliser(eta: Tensor, k: number): Tensor {
  if (k < 2) return T.mul(eta, 0);
  const s1 = (k * (k - 1)) / 2, s2 = ((k - 1) * k * (2 * k - 1)) / 6;
  const half = new Tensor(Float64Array.from({ length: k - 1 }, (_, j) => j / 2), [k - 1]);
  const weights = new Tensor(Float64Array.from({ length: k - 1 }, (_, j) => j + 1), [k - 1]);
  const b = T.add(eta, half);
  const betas = T.sum(T.mul(lbeta(b, b), weights));
  const powers = T.mul(T.add(T.mul(T.sub(eta, 1), 2 * s1), s2), Math.LN2);
  return T.neg(T.add(powers, betas));
}

function lkjPointwise(l: DistArg, eta: DistArg): Tensor {
  const [lt, et] = [arg(l, 'lkjCholesky', 'L'), arg(eta, 'lkjCholesky', 'eta')];
  if (lt.rank !== 2 || lt.shape[0] !== lt.shape[1]) throw new Error(`dist.lkjCholesky: L must be a square matrix [k,k], got ${shapeToString(lt.shape)}`);
  if (et.size !== 1) throw new Error(`dist.lkjCholesky: eta must be a scalar, got shape ${shapeToString(et.shape)}`);
  checkConstant(et, 'lkjCholesky', 'eta', positive, 'positive and finite');
  const k = lt.shape[0];
  checkFactor(lt, k);
  const etaScalar = T.reshape(et, []);
  if (k < 2) return logNormaliser(etaScalar, k);
  // Diagonal entries 1…k−1 (L_00 = 1 adds nothing), gathered from the flattened factor.
  const diag = T.gather(T.reshape(lt, [k * k]), Int32Array.from({ length: k - 1 }, (_, j) => (j + 1) * (k + 1)));
  const jacobian = new Tensor(Float64Array.from({ length: k - 1 }, (_, j) => k - (j + 1) - 1), [k - 1]);
  const coefficient = T.add(jacobian, T.mul(T.sub(etaScalar, 1), 2));
  return T.add(T.sum(T.mul(T.log(diag), coefficient)), logNormaliser(etaScalar, k));
}

function lkjSample(rng: Rng, k: number, eta: DistArg, shape?: number[]): Tensor {
  if (!Number.isInteger(k) || k < 1) throw new Error(`dist.lkjCholesky.sample: k must be a positive integer, got ${k}`);
  const et = arg(eta, 'lkjCholesky', 'eta');
  if (et.size !== 1) throw new Error(`dist.lkjCholesky: eta must be a scalar, got shape ${shapeToString(et.shape)}`);
  checkConstant(et, 'lkjCholesky', 'eta', positive, 'positive and finite');
  const lead = sampleShape('lkjCholesky', shape);
  const reps = shapeSize(lead), out = new Float64Array(reps * k * k);
  for (let r = 0; r < reps; r++) lkjCholeskyVariate(rng, k, et.buffer[0], out.subarray(r * k * k, (r + 1) * k * k));
  return new Tensor(out, [...lead, k, k]);
}

/** log LKJ(L·Lᵀ | eta) for a Cholesky factor L; `.pointwise` is the same scalar; `.sample(rng, k, eta, shape?)`. */
export const lkjCholesky = family(lkjPointwise, lkjPointwise, lkjSample);
