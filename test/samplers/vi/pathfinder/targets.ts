/** Targets shared by the Pathfinder tests: a correlated 3-d Gaussian and a logistic regression. */
import { Rng } from '../../../../core/rng.js';
import type { PosteriorTarget } from '../../../../samplers/types.js';

/** N(MEAN, SIGMA) in 3-d (correlations 0.41, 0.34, −0.37), log density up to −100. */
export const SIGMA = [
  [1, 0.5, 0.3],
  [0.5, 1.5, -0.4],
  [0.3, -0.4, 0.8],
];
export const MEAN = [1, -2, 0.5];
export function gaussian(): PosteriorTarget {
  const [[a, b, c], [, e, f], [, , i]] = SIGMA;
  const det = a * (e * i - f * f) - b * (b * i - f * c) + c * (b * f - e * c);
  const P = [
    [e * i - f * f, c * f - b * i, b * f - c * e],
    [c * f - b * i, a * i - c * c, b * c - a * f],
    [b * f - c * e, b * c - a * f, a * e - b * b],
  ].map((row) => row.map((v) => v / det));
  return {
    dim: 3,
    logDensityAndGrad(x, g) {
      let lp = -100;
      for (let r = 0; r < 3; r++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += P[r][k] * (x[k] - MEAN[k]);
        g[r] = -s;
        lp -= 0.5 * (x[r] - MEAN[r]) * s;
      }
      return lp;
    },
  };
}

/** Logistic regression, 5 coefficients (intercept + 4 correlated predictors), 150 points, N(0, 2²) priors. */
export function logistic(): PosteriorTarget {
  const rng = Rng.fromSeed(2024);
  const N = 150;
  const K = 5;
  const beta = [-0.5, 1.2, -0.8, 0.4, 0];
  const X: number[][] = [];
  const y: number[] = [];
  for (let n = 0; n < N; n++) {
    const z = rng.normal();
    const row = [1, ...Array.from({ length: K - 1 }, () => 0.6 * z + 0.8 * rng.normal())];
    X.push(row);
    const eta = row.reduce((s, v, k) => s + v * beta[k], 0);
    y.push(rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  const logDensity = (b: Float64Array) => {
    let lp = 0;
    for (let k = 0; k < K; k++) lp -= (0.5 * b[k] * b[k]) / 4;
    for (let n = 0; n < N; n++) {
      let eta = 0;
      for (let k = 0; k < K; k++) eta += X[n][k] * b[k];
      const logSig = eta >= 0 ? -Math.log1p(Math.exp(-eta)) : eta - Math.log1p(Math.exp(eta));
      lp += y[n] ? logSig : logSig - eta;
    }
    return lp;
  };
  return {
    dim: K,
    logDensity,
    logDensityAndGrad(b, g) {
      let lp = 0;
      for (let k = 0; k < K; k++) {
        lp -= (0.5 * b[k] * b[k]) / 4;
        g[k] = -b[k] / 4;
      }
      for (let n = 0; n < N; n++) {
        let eta = 0;
        for (let k = 0; k < K; k++) eta += X[n][k] * b[k];
        const logSig = eta >= 0 ? -Math.log1p(Math.exp(-eta)) : eta - Math.log1p(Math.exp(eta));
        lp += y[n] ? logSig : logSig - eta;
        const r = y[n] - 1 / (1 + Math.exp(-eta));
        for (let k = 0; k < K; k++) g[k] += r * X[n][k];
      }
      return lp;
    },
  };
}


/**
 * Linear regression with unknown noise (posteriordb's kidiq / earnings style): y ~ N(Xβ, σ²),
 * intercept + 3 predictors on different scales, 100 points, β ~ N(0, 10²), σ ~ half-normal(5)
 * sampled as log σ (Jacobian included). Unconstrained coordinates: β[0..3], log σ.
 */
export function linearRegression(): PosteriorTarget {
  const rng = Rng.fromSeed(77);
  const N = 100;
  const scales = [1, 0.5, 3, 10];
  const beta = [2, -1, 0.3, 0.05];
  const X: number[][] = [];
  const y: number[] = [];
  for (let n = 0; n < N; n++) {
    const row = scales.map((s, k) => (k === 0 ? 1 : s * rng.normal()));
    X.push(row);
    y.push(row.reduce((acc, v, k) => acc + v * beta[k], 0) + 1.5 * rng.normal());
  }
  const K = 4;
  const logDensityAndGrad = (x: Float64Array, g: Float64Array) => {
    const logSigma = x[K];
    const sigma = Math.exp(logSigma);
    let lp = -0.5 * (sigma / 5) ** 2 + logSigma; // half-normal(5) on σ, plus log |dσ/d log σ|
    g[K] = -((sigma / 5) ** 2) + 1;
    for (let k = 0; k < K; k++) {
      lp -= (0.5 * x[k] * x[k]) / 100;
      g[k] = -x[k] / 100;
    }
    let ss = 0;
    for (let n = 0; n < N; n++) {
      let r = y[n];
      for (let k = 0; k < K; k++) r -= X[n][k] * x[k];
      ss += r * r;
      for (let k = 0; k < K; k++) g[k] += (r * X[n][k]) / (sigma * sigma);
    }
    lp += -N * logSigma - ss / (2 * sigma * sigma);
    g[K] += -N + ss / (sigma * sigma);
    return lp;
  };
  return { dim: K + 1, logDensityAndGrad, logDensity: (x) => logDensityAndGrad(x, new Float64Array(K + 1)) };
}
