/**
 * Multivariate variates from the seeded Rng: the multivariate normal through a Cholesky factor,
 * and the Cholesky factor of an LKJ(η) correlation matrix by the C-vine of Lewandowski,
 * Kurowicka and Joe (2009, section 2.4): canonical partial correlations drawn from scaled betas,
 * then mapped to the factor's rows (as Stan's lkj_corr_cholesky_rng does).
 */
import type { Rng } from '../rng.js';
import { betaVariate } from './gamma.js';

/** mean + L·z with z standard normal, for a lower-triangular k×k factor L (row-major); into `out`. */
export function mvNormalVariate(rng: Rng, mean: ArrayLike<number>, l: ArrayLike<number>, k: number, out = new Float64Array(k)): Float64Array {
  const z = rng.fillNormal(new Float64Array(k));
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += l[i * k + j] * z[j];
    out[i] = mean[i] + s;
  }
  return out;
}

/**
 * The lower Cholesky factor (k×k, row-major) of a correlation matrix drawn from LKJ(η):
 * level i's partial correlations are 2·Beta(β_i, β_i) − 1 with β_i = η + (k − 2 − i)/2.
 */
export function lkjCholeskyVariate(rng: Rng, k: number, eta: number, out = new Float64Array(k * k)): Float64Array {
  out.fill(0);
  // remaining[j]: 1 − Σ of the squares already placed in row j (row j has unit length).
  const remaining = new Float64Array(k).fill(1);
  out[0] = 1;
  for (let i = 0; i < k - 1; i++) {
    const beta = eta + (k - 2 - i) / 2;
    for (let j = i + 1; j < k; j++) {
      const z = 2 * betaVariate(rng, beta, beta) - 1;
      const v = z * Math.sqrt(remaining[j]);
      out[j * k + i] = v;
      remaining[j] -= v * v;
    }
    out[(i + 1) * k + i + 1] = Math.sqrt(Math.max(remaining[i + 1], 0));
  }
  return out;
}
