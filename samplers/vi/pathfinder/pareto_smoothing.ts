/**
 * Pareto-smoothed importance weights (Vehtari, Simpson, Gelman, Yao & Gabry, "Pareto smoothed
 * importance sampling", JMLR 25, 2024), as Stan's `services/pathfinder/psis.hpp` and R's loo do
 * them: the largest M = min(0.2 S, 3 √S) log ratios are replaced by the expected order statistics
 * of a generalised Pareto fitted to them (Zhang & Stephens 2009, with loo's weak prior on k),
 * truncated at the largest raw ratio, and the weights normalised. k̂ > 0.7 means the weights (so
 * the approximation) are unreliable.
 *
 * A local copy for Pathfinder; the lead may unify it with samplers/diagnostics/psis.ts at merge.
 */
import * as libm from '../../../core/libm.js';

/** Smallest tail that is fitted (loo warns below 5). */
const MIN_TAIL = 5;

export interface SmoothedWeights {
  /** Normalised log weights, in the order of the input. */
  readonly logWeights: Float64Array;
  /** Pareto shape k̂ of the tail (NaN when the tail was too short or flat to fit). */
  readonly k: number;
}

export function paretoSmooth(logRatios: Float64Array): SmoothedWeights {
  const S = logRatios.length;
  const max = logRatios.reduce((m, v) => Math.max(m, v), -Infinity);
  const lw = Float64Array.from(logRatios, (v) => (Number.isFinite(v) ? v - max : -Infinity));
  const tailLength = Math.min(Math.ceil(0.2 * S), Math.ceil(3 * Math.sqrt(S)));
  let k = NaN;
  if (tailLength >= MIN_TAIL && S > tailLength) {
    const order = Array.from({ length: S }, (_, i) => i).sort((a, b) => lw[a] - lw[b]);
    const tail = order.slice(S - tailLength);
    const cutoff = lw[order[S - tailLength - 1]];
    if (Number.isFinite(cutoff) && lw[tail[tail.length - 1]] > cutoff) {
      const expCutoff = libm.exp(cutoff);
      const x = Float64Array.from(tail, (i) => libm.exp(lw[i]) - expCutoff);
      const fit = gpdFit(x);
      k = fit.k;
      if (Number.isFinite(k)) {
        tail.forEach((idx, j) => {
          const p = (j + 1 - 0.5) / tailLength;
          const smoothed = libm.log(gpdQuantile(p, fit.k, fit.sigma) + expCutoff);
          lw[idx] = Math.min(smoothed, 0); // truncated at the largest raw weight (0 after the shift)
        });
      }
    }
  }
  let lse = -Infinity;
  for (const v of lw) lse = logAddExp(lse, v);
  for (let i = 0; i < S; i++) lw[i] -= lse;
  return { logWeights: lw, k };
}

/** Zhang & Stephens' (2009) posterior-mean estimate of (σ, k) for sorted positive exceedances `x`, with loo's prior. */
function gpdFit(x: Float64Array): { sigma: number; k: number } {
  const n = x.length;
  const prior = 3;
  const m = 30 + Math.floor(Math.sqrt(n));
  const firstQuartile = x[Math.floor(n / 4 + 0.5) - 1];
  const theta = Float64Array.from({ length: m }, (_, j) => 1 / x[n - 1] + (1 - Math.sqrt(m / (j + 1 - 0.5))) / (prior * firstQuartile));
  const logLik = Float64Array.from(theta, (t) => {
    let kk = 0;
    for (let i = 0; i < n; i++) kk += libm.log1p(-t * x[i]);
    kk /= n;
    return n * (libm.log(-t / kk) - kk - 1);
  });
  let lse = -Infinity;
  for (const v of logLik) lse = logAddExp(lse, v);
  let thetaHat = 0;
  for (let j = 0; j < m; j++) if (Number.isFinite(logLik[j])) thetaHat += theta[j] * libm.exp(logLik[j] - lse);
  let k = 0;
  for (let i = 0; i < n; i++) k += libm.log1p(-thetaHat * x[i]);
  k /= n;
  const sigma = -k / thetaHat;
  const a = 10; // loo's weakly informative prior pulls k̂ towards 0.5 for small tails
  return { sigma, k: (k * n) / (n + a) + (a * 0.5) / (n + a) };
}

function gpdQuantile(p: number, k: number, sigma: number): number {
  return (sigma * libm.expm1(-k * libm.log1p(-p))) / k;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + libm.log1p(libm.exp(-Math.abs(a - b)));
}
