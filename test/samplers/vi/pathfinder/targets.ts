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

