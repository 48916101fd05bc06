/**
 * The two Gaussian variational families of ADVI on the unconstrained space (Kucukelbir et al.
 * 2017, §2.3–2.5; Stan's `normal_meanfield.hpp` / `normal_fullrank.hpp`), and the Monte Carlo
 * estimates of the ELBO and of its reparameterisation gradient that work with either.
 *
 * Each family is a flat Float64Array of variational parameters, so the step-size sequence can
 * treat them element by element:
 *   meanfield: [μ (dim), ω (dim)]            with q = N(μ, diag(exp(ω))²), ω the log-sd
 *   fullrank:  [μ (dim), L (dim(dim+1)/2)]   with q = N(μ, L Lᵀ), L lower triangular, packed by rows
 * A draw is ζ = μ + exp(ω) ⊙ η or ζ = μ + L η with η ~ N(0, I) (the reparameterisation), so
 * ∇_μ ELBO = E[∇log p(ζ)], ∇_ω ELBO = E[∇log p(ζ) ⊙ η] ⊙ exp(ω) + 1 and
 * ∇_L ELBO = tril(E[∇log p(ζ) ηᵀ]) + diag(1/L_ii).
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity } from '../types.js';
import * as libm from '../../core/libm.js';
import { allFinite } from '../../core/finite.js';

export type AdviMethod = 'meanfield' | 'fullrank';
export const ADVI_METHODS: readonly AdviMethod[] = ['meanfield', 'fullrank'];

const HALF_LOG_TWO_PI_E = 0.5 * (1 + libm.log(2 * Math.PI));

export interface GaussianFamily {
  readonly method: AdviMethod;
  /** Dimension of the unconstrained space. */
  readonly dim: number;
  /** Length of the flat variational-parameter vector. */
  readonly numParams: number;
  /** Parameters of N(mean, I): Stan's starting point (ω = 0, or L = I). */
  initialParams(mean: Float64Array): Float64Array;
  /** ζ = μ + scale · η, written into `out`. */
  transform(params: Float64Array, eta: Float64Array, out: Float64Array): Float64Array;
  /** Entropy of q: ½ dim (1 + log 2π) + Σ log scale_i. */
  entropy(params: Float64Array): number;
  /** Adds one draw's contribution to ∇ E_q[log p]: `logDensityGrad` = ∇log p(ζ) at ζ = transform(η). */
  accumulateGrad(params: Float64Array, eta: Float64Array, logDensityGrad: Float64Array, gradOut: Float64Array): void;
  /** Averages the accumulated sum over `numSamples` draws and adds the entropy gradient. */
  finishGrad(params: Float64Array, numSamples: number, gradOut: Float64Array): void;
  /**
   * Stick-the-landing (Roeder, Wu & Duvenaud 2017): subtracts ∇_ζ log q(ζ) = −Σ⁻¹(ζ − μ) from
   * `logDensityGrad` in place, i.e. adds exp(−ω) ⊙ η (mean field) or L⁻ᵀη (full rank). Accumulating
   * that and averaging *without* the entropy term gives the path-derivative ELBO gradient: the same
   * expectation, and zero variance where q equals the target.
   */
  subtractScoreOfQ(params: Float64Array, eta: Float64Array, logDensityGrad: Float64Array): void;
  mean(params: Float64Array): Float64Array;
  /** Marginal standard deviations on the unconstrained scale. */
  marginalSd(params: Float64Array): Float64Array;
  /** Covariance, dim×dim row-major. */
  covariance(params: Float64Array): Float64Array;
  /** Lower Cholesky factor of the covariance with a positive diagonal, dim×dim row-major. */
  cholesky(params: Float64Array): Float64Array;
}

export function makeFamily(method: AdviMethod, dim: number): GaussianFamily {
  return method === 'meanfield' ? meanField(dim) : fullRank(dim);
}

function meanField(dim: number): GaussianFamily {
  const sdOf = (p: Float64Array) => Float64Array.from(p.subarray(dim), libm.exp);
  return {
    method: 'meanfield',
    dim,
    numParams: 2 * dim,
    initialParams(mean) {
      const p = new Float64Array(2 * dim);
      p.set(mean);
      return p;
    },
    transform(p, eta, out) {
      for (let i = 0; i < dim; i++) out[i] = p[i] + libm.exp(p[dim + i]) * eta[i];
      return out;
    },
    entropy(p) {
      let h = dim * HALF_LOG_TWO_PI_E;
      for (let i = 0; i < dim; i++) h += p[dim + i];
      return h;
    },
    accumulateGrad(p, eta, g, out) {
      for (let i = 0; i < dim; i++) {
        out[i] += g[i];
        out[dim + i] += g[i] * eta[i] * libm.exp(p[dim + i]);
      }
    },
    finishGrad(_p, n, out) {
      for (let i = 0; i < 2 * dim; i++) out[i] /= n;
      for (let i = 0; i < dim; i++) out[dim + i] += 1; // d/dω of the entropy Σω
    },
    subtractScoreOfQ(p, eta, g) {
      for (let i = 0; i < dim; i++) g[i] += eta[i] * libm.exp(-p[dim + i]);
    },
    mean: (p) => p.slice(0, dim),
    marginalSd: sdOf,
    covariance(p) {
      const sd = sdOf(p);
      const c = new Float64Array(dim * dim);
      for (let i = 0; i < dim; i++) c[i * dim + i] = sd[i] * sd[i];
      return c;
    },
    cholesky(p) {
      const sd = sdOf(p);
      const c = new Float64Array(dim * dim);
      for (let i = 0; i < dim; i++) c[i * dim + i] = sd[i];
      return c;
    },
  };
}

/** Offset of L_ij (j ≤ i) in the packed lower triangle stored after μ. */
const tri = (dim: number, i: number, j: number) => dim + (i * (i + 1)) / 2 + j;

function fullRank(dim: number): GaussianFamily {
  const scoreScratch = new Float64Array(dim);
  // L with its columns' signs flipped so the diagonal is positive: L D (LD)ᵀ = L Lᵀ for D = diag(±1).
  const unpackPositive = (p: Float64Array) => {
    const l = new Float64Array(dim * dim);
    for (let j = 0; j < dim; j++) {
      const sign = p[tri(dim, j, j)] < 0 ? -1 : 1;
      for (let i = j; i < dim; i++) l[i * dim + j] = sign * p[tri(dim, i, j)];
    }
    return l;
  };
  const covarianceOf = (p: Float64Array) => {
    const l = unpackPositive(p);
    const c = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += l[i * dim + k] * l[j * dim + k];
        c[i * dim + j] = s;
        c[j * dim + i] = s;
      }
    }
    return c;
  };
  return {
    method: 'fullrank',
    dim,
    numParams: dim + (dim * (dim + 1)) / 2,
    initialParams(mean) {
      const p = new Float64Array(dim + (dim * (dim + 1)) / 2);
      p.set(mean);
      for (let i = 0; i < dim; i++) p[tri(dim, i, i)] = 1;
      return p;
    },
    transform(p, eta, out) {
      for (let i = 0; i < dim; i++) {
        let s = p[i];
        const row = tri(dim, i, 0);
        for (let j = 0; j <= i; j++) s += p[row + j] * eta[j];
        out[i] = s;
      }
      return out;
    },
    entropy(p) {
      // log|L_ii|: a sign flip of a column leaves q unchanged (Stan uses fabs too).
      let h = dim * HALF_LOG_TWO_PI_E;
      for (let i = 0; i < dim; i++) h += libm.log(Math.abs(p[tri(dim, i, i)]));
      return h;
    },
    accumulateGrad(_p, eta, g, out) {
      for (let i = 0; i < dim; i++) {
        out[i] += g[i];
        const row = tri(dim, i, 0);
        for (let j = 0; j <= i; j++) out[row + j] += g[i] * eta[j];
      }
    },
    finishGrad(p, n, out) {
      for (let i = 0; i < out.length; i++) out[i] /= n;
      for (let i = 0; i < dim; i++) out[tri(dim, i, i)] += 1 / p[tri(dim, i, i)]; // d/dL_ii log|L_ii|
    },
    subtractScoreOfQ(p, eta, g) {
      // v = L⁻ᵀη by back substitution on the packed rows of L (Lᵀ is upper triangular).
      for (let i = dim - 1; i >= 0; i--) {
        let s = eta[i];
        for (let k = i + 1; k < dim; k++) s -= p[tri(dim, k, i)] * scoreScratch[k];
        scoreScratch[i] = s / p[tri(dim, i, i)];
      }
      for (let i = 0; i < dim; i++) g[i] += scoreScratch[i];
    },
    mean: (p) => p.slice(0, dim),
    marginalSd(p) {
      const c = covarianceOf(p);
      return Float64Array.from({ length: dim }, (_, i) => Math.sqrt(c[i * dim + i]));
    },
    covariance: covarianceOf,
    cholesky: unpackPositive,
  };
}

/** Buffers reused across Monte Carlo estimates (one allocation per run, not per draw). */
export interface MonteCarloScratch {
  eta: Float64Array;
  zeta: Float64Array;
  logDensityGrad: Float64Array;
}

export function makeScratch(dim: number): MonteCarloScratch {
  return { eta: new Float64Array(dim), zeta: new Float64Array(dim), logDensityGrad: new Float64Array(dim) };
}

/** A fresh draw ζ = transform(η), η ~ N(0, I), from q: both are left in `scratch`; returns ζ. */
export function drawFromQ(family: GaussianFamily, params: Float64Array, rng: Rng, scratch: MonteCarloScratch): Float64Array {
  rng.fillNormal(scratch.eta);
  return family.transform(params, scratch.eta, scratch.zeta);
}

/** log p(ζ), without its gradient where the target can (the gradient, if computed, goes to scratch). */
export function logDensityAt(target: LogDensity, zeta: Float64Array, scratch: MonteCarloScratch): number {
  return target.logDensity ? target.logDensity(zeta) : target.logDensityAndGrad(zeta, scratch.logDensityGrad);
}

/**
 * Reparameterisation estimate of ∇ELBO from `numSamples` draws, written into `gradOut`
 * (with `stickTheLanding`, the path-derivative estimator of `subtractScoreOfQ`).
 * Returns false when any draw gives a non-finite log density or gradient: the caller then
 * takes a smaller step (we do not drop such draws, which would bias the gradient).
 */
export function estimateElboGrad(
  family: GaussianFamily,
  params: Float64Array,
  target: LogDensity,
  rng: Rng,
  numSamples: number,
  gradOut: Float64Array,
  scratch: MonteCarloScratch,
  stickTheLanding = false,
): boolean {
  gradOut.fill(0);
  for (let s = 0; s < numSamples; s++) {
    const lp = target.logDensityAndGrad(drawFromQ(family, params, rng, scratch), scratch.logDensityGrad);
    if (!Number.isFinite(lp) || !allFinite(scratch.logDensityGrad)) return false;
    if (stickTheLanding) family.subtractScoreOfQ(params, scratch.eta, scratch.logDensityGrad);
    family.accumulateGrad(params, scratch.eta, scratch.logDensityGrad, gradOut);
  }
  if (stickTheLanding) {
    for (let i = 0; i < gradOut.length; i++) gradOut[i] /= numSamples; // the entropy's gradient is in the draws
  } else {
    family.finishGrad(params, numSamples, gradOut);
  }
  return allFinite(gradOut);
}

/**
 * Monte Carlo ELBO = mean log p(ζ) over `numSamples` draws + entropy(q). As Stan's `calc_ELBO`,
 * draws with a non-finite log density are dropped and redrawn, and the estimate fails (NaN) once
 * `numSamples` draws have been dropped: then q sits mostly where the target is undefined.
 */
export function estimateElbo(
  family: GaussianFamily,
  params: Float64Array,
  target: LogDensity,
  rng: Rng,
  numSamples: number,
  scratch: MonteCarloScratch,
): number {
  let sum = 0;
  let dropped = 0;
  for (let s = 0; s < numSamples; ) {
    const lp = logDensityAt(target, drawFromQ(family, params, rng, scratch), scratch);
    if (Number.isFinite(lp)) {
      sum += lp;
      s++;
    } else if (++dropped >= numSamples) {
      return NaN;
    }
  }
  return sum / numSamples + family.entropy(params);
}
