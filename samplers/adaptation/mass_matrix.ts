/**
 * Welford's running estimates of the posterior variance (diagonal) or covariance (dense), and
 * Stan's regularised inverse mass matrix from them (`var_adaptation.hpp`, `covar_adaptation.hpp`):
 *
 *   M⁻¹ = n/(n + 5) · Σ̂ + 1e-3 · 5/(n + 5) · I
 *
 * which shrinks a short window's estimate towards a small multiple of the identity.
 */

export interface WelfordEstimator {
  readonly dim: number;
  readonly dense: boolean;
  /** Number of draws seen since the last restart. */
  count: number;
  readonly mean: Float64Array;
  /** Sum of squared deviations: length dim (diagonal) or dim×dim (dense). */
  readonly m2: Float64Array;
}

export function welfordInit(dim: number, dense: boolean): WelfordEstimator {
  return { dim, dense, count: 0, mean: new Float64Array(dim), m2: new Float64Array(dense ? dim * dim : dim) };
}

/** Forget all draws (Stan restarts the estimator at the start of each slow window). */
export function welfordRestart(est: WelfordEstimator): void {
  est.count = 0;
  est.mean.fill(0);
  est.m2.fill(0);
}

/** Add one draw (mutates the accumulator; it is warmup-internal bookkeeping). */
export function welfordAdd(est: WelfordEstimator, x: Float64Array): void {
  const { dim, mean, m2 } = est;
  est.count += 1;
  const n = est.count;
  const delta = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    delta[i] = x[i] - mean[i];
    mean[i] += delta[i] / n;
  }
  if (est.dense) {
    // m2 += (x - mean_new)(x - mean_old)ᵀ, as Stan's welford_covar_estimator.
    for (let i = 0; i < dim; i++) {
      const a = x[i] - mean[i];
      for (let j = 0; j < dim; j++) m2[i * dim + j] += a * delta[j];
    }
  } else {
    for (let i = 0; i < dim; i++) m2[i] += delta[i] * (x[i] - mean[i]);
  }
}

/** Unbiased sample variance (or covariance, symmetrised); undefined with fewer than two draws. */
export function welfordVariance(est: WelfordEstimator): Float64Array | undefined {
  if (est.count < 2) return undefined;
  const out = new Float64Array(est.m2.length);
  const denom = est.count - 1;
  if (!est.dense) {
    for (let i = 0; i < out.length; i++) out[i] = est.m2[i] / denom;
    return out;
  }
  const d = est.dim;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = (0.5 * (est.m2[i * d + j] + est.m2[j * d + i])) / denom;
  }
  return out;
}

/** Stan's shrinkage of the estimate towards 1e-3·I: weight n/(n + 5) on the data. */
export const REGULARIZATION = { pseudoCount: 5, scale: 1e-3 } as const;

/**
 * The regularised inverse mass matrix from the draws seen so far, or undefined with fewer than
 * two draws (the caller keeps its current metric, rather than Stan's shrink of the old one).
 */
export function regularizedInverseMassMatrix(est: WelfordEstimator): Float64Array | undefined {
  const variance = welfordVariance(est);
  if (!variance) return undefined;
  const n = est.count;
  const w = n / (n + REGULARIZATION.pseudoCount);
  const shrink = REGULARIZATION.scale * (REGULARIZATION.pseudoCount / (n + REGULARIZATION.pseudoCount));
  for (let i = 0; i < variance.length; i++) variance[i] *= w;
  if (est.dense) for (let i = 0; i < est.dim; i++) variance[i * est.dim + i] += shrink;
  else for (let i = 0; i < est.dim; i++) variance[i] += shrink;
  return variance;
}
