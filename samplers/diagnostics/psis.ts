/**
 * Pareto smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry 2024, "Pareto
 * smoothed importance sampling", JMLR 25(72)), computed as the R package `loo` 2.x computes it
 * (`do_psis_i`, `psis_smooth_tail`, `gpdfit`, `n_pareto`): the largest M log ratios are replaced by
 * the expected order statistics of a generalized Pareto distribution fitted to them by Zhang &
 * Stephens (2009) with loo's weakly informative prior, then every log weight is truncated at the
 * largest raw log ratio. The fitted shape k̂ is the diagnostic: the estimate is reliable for
 * k̂ < min(1 − 1/log10(S), 0.7) (Vehtari et al. 2024, §3; loo ≥ 2.7).
 */
import * as libm from '../../core/libm.js';

/** Fewest tail draws the generalized Pareto fit takes; 5 as in loo's `enough_tail_samples`. */
export const MIN_TAIL_LENGTH = 5;

/** log Σ exp(x), shifted by the maximum (matrixStats::logSumExp); -Infinity for an empty or all -Infinity x. */
export function logSumExp(x: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
  if (max === -Infinity || Number.isNaN(max)) return max;
  if (max === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += libm.exp(x[i] - max);
  return max + libm.log(s);
}

/**
 * The Pareto k̂ threshold below which PSIS is reliable with S draws: min(1 − 1/log10(S), 0.7)
 * (Vehtari et al. 2024, eq. 14 and §3.2; loo's `ps_khat_threshold`).
 */
export function paretoKThreshold(draws: number): number {
  if (!(Number.isInteger(draws) && draws > 1)) throw new Error(`paretoKThreshold: draws must be an integer > 1, got ${draws}`);
  return Math.min(1 - 1 / libm.log10(draws), 0.7);
}

/**
 * Tail length M = ⌈min(0.2 S, 3 √(S / r_eff))⌉ (loo's `n_pareto`); an r_eff that is not a positive
 * number counts as 1, as loo replaces NA by 1.
 */
export function psisTailLength(draws: number, rEff = 1): number {
  const r = Number.isFinite(rEff) && rEff > 0 ? rEff : 1;
  return Math.ceil(Math.min(0.2 * draws, 3 * Math.sqrt(draws / r)));
}

/**
 * Zhang & Stephens (2009) estimate of the generalized Pareto shape k and scale σ of positive
 * exceedances `x`, sorted ascending: a posterior mean of θ = −k/σ over a grid of M = 30 + ⌊√N⌋
 * points built with the prior 3 of loo's `gpdfit`, then k̂ shrunk towards 0.5 as if by 10
 * pseudo-observations (`adjust_k_wip`, Vehtari et al. 2024, appendix C). NaN k̂ becomes Infinity.
 */
export function gpdFit(x: Float64Array): { k: number; sigma: number } {
  const n = x.length;
  if (n === 0) throw new Error('gpdFit: needs at least one exceedance');
  const prior = 3;
  const m = 30 + Math.floor(Math.sqrt(n));
  const xStar = x[Math.floor(n / 4 + 0.5) - 1]; // first quartile, as R's x[floor(N/4 + 0.5)]
  const theta = new Float64Array(m);
  const logLik = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    theta[j] = 1 / x[n - 1] + (1 - Math.sqrt(m / (j + 1 - 0.5))) / prior / xStar;
    logLik[j] = n * profileLogLik(theta[j], x);
  }
  const norm = logSumExp(logLik);
  let thetaHat = 0;
  for (let j = 0; j < m; j++) thetaHat += theta[j] * libm.exp(logLik[j] - norm);
  let k = 0;
  for (let i = 0; i < n; i++) k += libm.log1p(-thetaHat * x[i]);
  k /= n;
  const sigma = -k / thetaHat;
  k = (k * n) / (n + 10) + (10 * 0.5) / (n + 10);
  return { k: Number.isNaN(k) ? Infinity : k, sigma };
}

/** The profile log-likelihood per observation of θ (loo's `lx`): log(−θ/k) − k − 1, k = mean log(1 − θx). */
function profileLogLik(theta: number, x: Float64Array): number {
  const a = -theta;
  let k = 0;
  for (let i = 0; i < x.length; i++) k += libm.log1p(a * x[i]);
  k /= x.length;
  return libm.log(a / k) - k - 1;
}

/** Quantile function of the generalized Pareto with location 0 (loo's `qgpd`); NaN for σ ≤ 0. */
export function gpdQuantile(p: number, k: number, sigma: number): number {
  if (Number.isNaN(sigma) || sigma <= 0) return NaN;
  return (sigma * libm.expm1(-k * libm.log1p(-p))) / k;
}

export interface PsisResult {
  /** Smoothed, truncated log weights (not normalised), on the scale of the log ratios. */
  logWeights: Float64Array;
  /** The generalized Pareto shape k̂; Infinity when the tail was too short or could not be fitted. */
  paretoK: number;
  /** Why the tail was not smoothed, when it was not. */
  problem?: 'short tail' | 'constant tail';
}

/**
 * PSIS of one vector of log importance ratios with a tail of `tailLength` draws (loo's `do_psis_i`).
 * Ties among the largest ratios are broken by position, as R's stable sort breaks them.
 */
export function psisSmooth(logRatios: Float64Array, tailLength: number): PsisResult {
  const s = logRatios.length;
  let max = -Infinity;
  for (const v of logRatios) if (v > max) max = v;
  const lw = logRatios.map((v) => v - max); // shifted for safe exponentiation
  let paretoK = Infinity;
  let problem: PsisResult['problem'];
  if (tailLength < MIN_TAIL_LENGTH || tailLength >= s) {
    problem = 'short tail';
  } else {
    const order = Array.from({ length: s }, (_, i) => i).sort((a, b) => lw[a] - lw[b]);
    const tailIds = order.slice(s - tailLength);
    const tail = Float64Array.from(tailIds, (i) => lw[i]);
    if (Math.abs(tail[tailLength - 1] - tail[0]) < Number.EPSILON / 100) {
      problem = 'constant tail';
    } else {
      const cutoff = lw[order[s - tailLength - 1]]; // the largest value below the tail
      const smoothed = smoothTail(tail, cutoff);
      paretoK = smoothed.k;
      tailIds.forEach((id, j) => (lw[id] = smoothed.tail[j]));
    }
  }
  // Truncate at the largest raw ratio (0 after the shift), then shift back.
  for (let i = 0; i < s; i++) lw[i] = Math.min(lw[i], 0) + max;
  return problem ? { logWeights: lw, paretoK, problem } : { logWeights: lw, paretoK };
}

/** Fit the generalized Pareto to exp(tail) − exp(cutoff) and replace the tail by its expected order statistics. */
function smoothTail(tail: Float64Array, cutoff: number): { tail: Float64Array; k: number } {
  const len = tail.length;
  const expCutoff = libm.exp(cutoff);
  const { k, sigma } = gpdFit(tail.map((v) => libm.exp(v) - expCutoff));
  if (!Number.isFinite(k)) return { tail, k };
  const out = new Float64Array(len);
  for (let j = 0; j < len; j++) out[j] = libm.log(gpdQuantile((j + 1 - 0.5) / len, k, sigma) + expCutoff);
  return { tail: out, k };
}
