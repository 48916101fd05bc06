/**
 * Monte Carlo standard errors (Vehtari et al. 2021, §4.4; the R package `posterior`): how far an
 * estimate from these draws is likely to be from its exact posterior value, given their ESS.
 */
import { checkChains, concatChains } from './rank_normalize.js';
import { essMean, essQuantile, sampleVariance } from './ess.js';
import * as libm from '../../core/libm.js';
import { lgamma } from '../../core/special.js';

/** MCSE of the posterior mean: sd(x) / sqrt(essMean), with sd over all draws (posterior::mcse_mean). */
export function mcseMean(chains: readonly Float64Array[]): number {
  checkChains('mcseMean', chains);
  return Math.sqrt(sampleVariance(concatChains(chains)) / essMean(chains));
}

/**
 * MCSE of the posterior sd (posterior::mcse_sd): the variance of the variance estimate by
 * Kenney & Keeping (1951, p. 141), with the ESS of the squared centred draws, and a first-order
 * Taylor step from variance to sd.
 */
export function mcseSd(chains: readonly Float64Array[]): number {
  checkChains('mcseSd', chains);
  const pooled = concatChains(chains);
  let mean = 0;
  for (const v of pooled) mean += v;
  mean /= pooled.length;
  const squared = chains.map((c) => c.map((v) => (v - mean) * (v - mean)));
  const ess = essMean(squared);
  let m2 = 0;
  let m4 = 0;
  for (const v of pooled) {
    const d2 = (v - mean) * (v - mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= pooled.length;
  m4 /= pooled.length;
  const varOfVar = (m4 - m2 * m2) / ess;
  return Math.sqrt(varOfVar / m2 / 4);
}

/** Φ(-1) and Φ(1): the quantile interval of ±1 sd used by posterior::mcse_quantile (to its 7 digits). */
const ONE_SIGMA_PROBS = [0.1586553, 0.8413447] as const;

/**
 * MCSE of the `prob` quantile (posterior::mcse_quantile): the half-width of the order statistics
 * that bracket the ±1 sd interval of a Beta(ess·p + 1, ess·(1-p) + 1) for the quantile's rank.
 */
export function mcseQuantile(chains: readonly Float64Array[], prob: number): number {
  checkChains('mcseQuantile', chains);
  if (!(prob >= 0 && prob <= 1)) throw new Error(`mcseQuantile: prob must be in [0, 1], got ${prob}`);
  const ess = essQuantile(chains, prob);
  if (Number.isNaN(ess)) return NaN;
  const a = ess * prob + 1;
  const b = ess * (1 - prob) + 1;
  const sorted = concatChains(chains).sort();
  const S = sorted.length;
  const lo = Math.max(Math.floor(betaQuantile(ONE_SIGMA_PROBS[0], a, b) * S), 1);
  const hi = Math.min(Math.ceil(betaQuantile(ONE_SIGMA_PROBS[1], a, b) * S), S);
  return (sorted[hi - 1] - sorted[lo - 1]) / 2;
}

/** Continued fraction for the incomplete beta by the modified Lentz method (Numerical Recipes §6.4). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) return h;
  }
  throw new Error(`betaContinuedFraction: no convergence for a=${a}, b=${b}, x=${x}`);
}

/** The regularised incomplete beta function I_x(a, b), the Beta(a, b) CDF at x. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * libm.log(x) + b * libm.log1p(-x);
  // The continued fraction converges fast for x below the mean; use the symmetry above it.
  if (x < (a + 1) / (a + b + 2)) return (libm.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (libm.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** The Beta(a, b) quantile at p, by bisection on betaCdf to double precision. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new Error(`betaQuantile: shapes must be positive, got a=${a}, b=${b}`);
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 1100 && hi - lo > 0; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
