/**
 * The building blocks of rank-normalised diagnostics (Vehtari et al. 2021, §4): fractional ranks,
 * the inverse normal CDF, split chains, folding, and R's type-7 quantile — each written to give the
 * same numbers as the R package `posterior` (z_scale, .split_chains, fold_draws, quantile).
 *
 * Chains are `Float64Array[]`, one array per chain, all the same length.
 */
import * as libm from '../../core/libm.js';

/** Blom's fractional offset c in (r - c) / (S - 2c + 1); 3/8 as in posterior::z_scale. */
export const BLOM_OFFSET = 3 / 8;

/** Fewest draws per chain a diagnostic accepts: split chains then hold 2 draws each. */
export const MIN_DRAWS = 4;

/**
 * Checks that `chains` is a non-empty list of equal-length Float64Arrays with at least
 * `minDraws` draws each; `fn` names the caller in the error.
 */
export function checkChains(fn: string, chains: readonly Float64Array[], minDraws = MIN_DRAWS): void {
  if (!Array.isArray(chains) || chains.length === 0) {
    throw new Error(`${fn}: chains must be a non-empty array of Float64Array, got ${describe(chains)}`);
  }
  chains.forEach((c, i) => {
    if (!(c instanceof Float64Array)) throw new Error(`${fn}: chains[${i}] must be a Float64Array, got ${describe(c)}`);
  });
  const n = chains[0].length;
  chains.forEach((c, i) => {
    if (c.length !== n) {
      throw new Error(`${fn}: all chains must have the same length; chains[0] has ${n} draws, chains[${i}] has ${c.length}`);
    }
  });
  if (n < minDraws) throw new Error(`${fn}: needs at least ${minDraws} draws per chain, got ${n}`);
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return (x as object).constructor?.name ?? typeof x;
}

/**
 * Wichura's AS241 (PPND16): the standard normal quantile, relative error about 1e-16 over
 * (0, 1) — the algorithm behind R's qnorm. Returns ±Infinity at 0 and 1 and NaN outside [0, 1].
 */
export function inverseNormalCdf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    // Central region: a rational function in r = 0.425² - q².
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    );
  }
  // Tails: a rational function in sqrt(-log(min(p, 1-p))).
  let r = Math.sqrt(-libm.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    value =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -value : value;
}

/**
 * Ranks 1..S of `x`, ties given the average of the ranks they span (R's ties.method = 'average'):
 * for a value v that is (#{x < v} + #{x ≤ v} + 1) / 2, found by binary search in a sorted copy.
 * ±Infinity rank at the ends; NaN gets rank NaN (and the other ranks are as if it sorted last, as R's).
 */
export function averageRanks(x: Float64Array): Float64Array {
  const sorted = Float64Array.from(x).sort(); // numeric sort, NaN last
  const ranks = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v)) {
      ranks[i] = NaN;
      continue;
    }
    const below = lowerBound(sorted, v, false);
    const atOrBelow = lowerBound(sorted, v, true);
    ranks[i] = (below + atOrBelow + 1) / 2;
  }
  return ranks;
}

/** The number of entries of sorted `s` that are < v (or ≤ v with `inclusive`); NaN entries never count. */
function lowerBound(s: Float64Array, v: number, inclusive: boolean): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < v || (inclusive && s[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rank normalisation (posterior::z_scale): pool all chains, rank with average ties, map each
 * rank r to Φ⁻¹((r - 3/8) / (S + 1/4)). Returns chains of the same shape. ±Infinity draws
 * get the extreme ranks (so R-hat stays defined, as in posterior); NaN draws map to NaN.
 */
export function rankNormalize(chains: readonly Float64Array[]): Float64Array[] {
  const pooled = concatChains(chains);
  const ranks = averageRanks(pooled);
  const S = pooled.length;
  const z = ranks.map((r) => inverseNormalCdf((r - BLOM_OFFSET) / (S - 2 * BLOM_OFFSET + 1)));
  return unconcat(z, chains.length);
}

/**
 * Split each chain into its first and second half (posterior's .split_chains): with an odd
 * number of draws the middle draw is dropped, so both halves have floor(n/2) draws.
 */
export function splitChains(chains: readonly Float64Array[]): Float64Array[] {
  const n = chains[0].length;
  const half = Math.floor(n / 2);
  const out: Float64Array[] = [];
  for (const c of chains) out.push(c.slice(0, half));
  for (const c of chains) out.push(c.slice(n - half));
  return out;
}

/** |x - median(x)| with the median over all chains: the folded draws of rhat_tail (`center` if already known). */
export function foldDraws(chains: readonly Float64Array[], center?: number): Float64Array[] {
  const m = center ?? median(concatChains(chains));
  return chains.map((c) => c.map((v) => Math.abs(v - m)));
}

/** Median (the mean of the two middle values when their count is even), as R's median; `sorted` skips the sort. */
export function median(x: Float64Array, sorted = false): number {
  const s = sorted ? x : Float64Array.from(x).sort();
  const n = s.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Quantile of `x` at `prob` by R's default (type 7): linear interpolation between the order
 * statistics around position 1 + (n-1)p, computed in the same floating-point steps as R's
 * quantile.default so that indicators like `x <= quantile(x, 0.05)` agree draw for draw.
 * `sorted` says `x` is already sorted ascending.
 */
export function quantile7(x: Float64Array, prob: number, sorted = false): number {
  if (!(prob >= 0 && prob <= 1)) throw new Error(`quantile: prob must be in [0, 1], got ${prob}`);
  const s = sorted ? x : Float64Array.from(x).sort();
  const n = s.length;
  if (n === 0) return NaN;
  const index = 1 + (n - 1) * prob; // 1-based, as in R
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const q = s[lo - 1];
  if (!(index > lo) || s[hi - 1] === q) return q;
  const h = index - lo;
  return (1 - h) * q + h * s[hi - 1];
}

/** All chains end to end (chain-major), the order in which posterior pools draws. */
export function concatChains(chains: readonly Float64Array[]): Float64Array {
  const n = chains[0]?.length ?? 0;
  const out = new Float64Array(chains.length * n);
  chains.forEach((c, i) => out.set(c, i * n));
  return out;
}

function unconcat(x: Float64Array, numChains: number): Float64Array[] {
  const n = x.length / numChains;
  return Array.from({ length: numChains }, (_, i) => x.slice(i * n, (i + 1) * n));
}

/** True when some draw is NaN or ±Infinity. */
export function anyNonFinite(chains: readonly Float64Array[]): boolean {
  for (const c of chains) for (const v of c) if (!Number.isFinite(v)) return true;
  return false;
}

/**
 * True when all draws lie within `tol` of each other (posterior::is_constant with tol = machine
 * epsilon): then R-hat and ESS are NaN, since a constant cannot tell mixing from a stuck sampler.
 */
export function isConstant(chains: readonly Float64Array[], tol = Number.EPSILON): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const c of chains) {
    for (const v of c) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Math.abs(max - min) < tol;
}
