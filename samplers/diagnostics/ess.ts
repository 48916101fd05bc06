/**
 * Effective sample size (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, §3), computed as the
 * R package `posterior` computes it: autocovariances per chain by FFT, combined across chains
 * with the within/between variance estimate var⁺, Geyer's initial positive sequence truncated at
 * the first negative pair sum, made monotone, the "improved" tail term for antithetic chains,
 * and τ̂ clamped below by 1/log10(S) so no estimate exceeds S·log10(S).
 *
 * Every function takes `chains: Float64Array[]` (one array per chain, equal lengths) and returns
 * NaN, as posterior returns NA, when a draw is not finite or all draws are equal.
 */
import {
  anyNonFinite,
  checkChains,
  concatChains,
  isConstant,
  quantile7,
  rankNormalize,
  splitChains,
} from './rank_normalize.js';
import * as libm from '../../core/libm.js';

/** cos/sin of -2πk/n for k < n/2, cached per transform size (the same few sizes recur). */
const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleCache.get(n);
  if (!t) {
    t = { cos: new Float64Array(n / 2), sin: new Float64Array(n / 2) };
    for (let k = 0; k < n / 2; k++) {
      t.cos[k] = libm.cos((-2 * Math.PI * k) / n);
      t.sin[k] = libm.sin((-2 * Math.PI * k) / n);
    }
    twiddleCache.set(n, t);
  }
  return t;
}

/** In-place iterative radix-2 FFT of (re, im), length a power of 2; `inverse` conjugates the twiddles (no 1/n). */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const { cos, sin } = twiddles(n);
  const sign = inverse ? -1 : 1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const stride = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wRe = cos[k * stride];
        const wIm = sign * sin[k * stride];
        const a = start + k;
        const b = a + half;
        const tRe = re[b] * wRe - im[b] * wIm;
        const tIm = re[b] * wIm + im[b] * wRe;
        re[b] = re[a] - tRe;
        im[b] = im[a] - tIm;
        re[a] += tRe;
        im[a] += tIm;
      }
    }
  }
}

/**
 * Autocovariances of one sequence at lags 0..n-1, the "biased" estimate (divided by n at every
 * lag) that Geyer (1992) recommends: acov[t] = Σ_i (x_i - x̄)(x_{i+t} - x̄) / n. Computed by FFT on
 * a zero-padded copy (no circular wrap-around), then scaled so acov[0] is exactly the biased
 * variance, as posterior::autocovariance does.
 */
export function autocovariance(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  if (ss === 0) return out; // constant: every autocovariance is 0
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const biasedVar = ss / n;
  for (let t = 0; t < n; t++) out[t] = (re[t] / re[0]) * biasedVar;
  return out;
}

/**
 * posterior's `.ess`: the ESS of chains taken as they are (split and transform them first).
 * Needs at least 3 draws per chain; NaN on non-finite or constant draws.
 */
export function essOfChains(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  if (n < 3 || anyNonFinite(chains) || isConstant(chains)) return NaN;

  const acovMeans = new Float64Array(n);
  const chainMeans = new Float64Array(m);
  chains.forEach((c, j) => {
    const acov = autocovariance(c);
    for (let t = 0; t < n; t++) acovMeans[t] += acov[t] / m;
    let s = 0;
    for (const v of c) s += v;
    chainMeans[j] = s / n;
  });
  const meanVar = (acovMeans[0] * n) / (n - 1); // mean of the unbiased within-chain variances
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += sampleVariance(chainMeans); // B/n: the between-chain part of var⁺
  const rhoAt = (t: number) => 1 - (meanVar - acovMeans[t]) / varPlus;

  // Geyer's initial positive sequence: sum autocorrelations in pairs while the pair sum is positive.
  const rho = new Float64Array(n);
  rho[0] = 1;
  let rhoEven = 1;
  let rhoOdd = rhoAt(1);
  rho[1] = rhoOdd;
  let t = 0;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = rhoAt(t);
    rhoOdd = rhoAt(t + 1);
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  // The last even lag enters the "improved" estimate, which lowers the variance for antithetic chains.
  if (rhoEven > 0) rho[maxT] = rhoEven;

  // Geyer's initial monotone sequence: no pair sum may exceed the one before it.
  t = 0;
  while (t <= maxT - 4) {
    t += 2;
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }

  // τ̂ = -1 + 2 Σ_{t<maxT} ρ_t + ρ_maxT. (R's rho[1:max_t] is rho[1] alone when max_t = 0.)
  let sum = 0;
  for (let k = 0; k < Math.max(maxT, 1); k++) sum += rho[k];
  let tau = -1 + 2 * sum + rho[maxT];
  const total = m * n;
  // Clamp so ESS ≤ S·log10(S): guards against unstable estimates for antithetic chains.
  tau = Math.max(tau, 1 / libm.log10(total));
  return total / tau;
}

/** Sample variance with the n-1 denominator, as R's var. */
export function sampleVariance(x: Float64Array): number {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  return ss / (n - 1);
}

/** ESS of the draws as they are, split into half-chains by default (posterior::ess_basic). */
export function essBasic(chains: readonly Float64Array[], { split = true }: { split?: boolean } = {}): number {
  checkChains('essBasic', chains);
  return essOfChains(split ? splitChains(chains) : chains);
}

/** ESS for the mean: split chains, untransformed (posterior::ess_mean). */
export function essMean(chains: readonly Float64Array[]): number {
  checkChains('essMean', chains);
  return essOfChains(splitChains(chains));
}

/** Bulk-ESS: the ESS of rank-normalised split chains (posterior::ess_bulk). */
export function essBulk(chains: readonly Float64Array[]): number {
  checkChains('essBulk', chains);
  return essOfChains(rankNormalize(splitChains(chains)));
}

/**
 * ESS of the quantile at `prob`: the ESS of the split-chain indicator x ≤ q̂(prob), with q̂ the
 * type-7 quantile of all draws (posterior::ess_quantile). At prob = 1 it uses (S - 1/2)/S instead.
 */
export function essQuantile(chains: readonly Float64Array[], prob: number, sortedDraws?: Float64Array): number {
  checkChains('essQuantile', chains);
  if (!(prob >= 0 && prob <= 1)) throw new Error(`essQuantile: prob must be in [0, 1], got ${prob}`);
  if (anyNonFinite(chains) || isConstant(chains)) return NaN;
  // `sortedDraws` (all draws, sorted) lets a caller that needs several quantiles sort once.
  const sorted = sortedDraws ?? concatChains(chains).sort();
  const p = prob === 1 ? (sorted.length - 0.5) / sorted.length : prob;
  const q = quantile7(sorted, p, true);
  const indicators = chains.map((c) => c.map((v) => (v <= q ? 1 : 0)));
  return essOfChains(splitChains(indicators));
}

/** Tail-ESS: the smaller of the ESS of the 5% and 95% quantiles (posterior::ess_tail). */
export function essTail(chains: readonly Float64Array[], sortedDraws?: Float64Array): number {
  checkChains('essTail', chains);
  const sorted = sortedDraws ?? concatChains(chains).sort();
  return Math.min(essQuantile(chains, 0.05, sorted), essQuantile(chains, 0.95, sorted));
}

/** ESS for the standard deviation: the ESS of |x - mean| on split chains (posterior::ess_sd). */
export function essSd(chains: readonly Float64Array[]): number {
  checkChains('essSd', chains);
  const pooled = concatChains(chains);
  let mean = 0;
  for (const v of pooled) mean += v;
  mean /= pooled.length;
  return essOfChains(splitChains(chains.map((c) => c.map((v) => Math.abs(v - mean)))));
}
