/**
 * Special functions on numbers: log Γ and its derivative ψ (digamma). Used by the Student-t and
 * Poisson log densities; float64 accuracy (relative error about 1e-15 on x > 0).
 */
import * as libm from './libm.js';

// Lanczos approximation with g = 7 and 9 coefficients, as in Numerical Recipes / Boost's
// `lanczos_n9_g7` (Godfrey's coefficients), accurate to double precision for x ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);

/** log|Γ(x)|; +Infinity at the poles x = 0, -1, -2, …; NaN for NaN. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  // Exact zeros, so that log 0! = log 1! = 0 and a binomial with y = 0 or y = n has log C = 0.
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
    return libm.log(Math.PI / Math.abs(libm.sin(Math.PI * x))) - lgamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS_COEFFICIENTS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) a += LANCZOS_COEFFICIENTS[i] / (z + i);
  return HALF_LOG_TWO_PI + (z + 0.5) * libm.log(t) - t + libm.log(a);
}

/** ψ(x) = d/dx log Γ(x); NaN at the poles. Recurrence up to x ≥ 12, then the asymptotic series. */
export function digamma(x: number): number {
  if (Number.isNaN(x) || (x <= 0 && Number.isInteger(x))) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0) {
    // Reflection: ψ(1-x) - ψ(x) = π cot(πx).
    return digamma(1 - x) - Math.PI / libm.tan(Math.PI * x);
  }
  let shift = 0;
  while (x < 12) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // ψ(x) ~ log x - 1/(2x) - Σ B_{2k}/(2k x^{2k}) (Abramowitz & Stegun 6.3.18).
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return shift + libm.log(x) - 0.5 / x - series;
}

/** ψ′(x) (trigamma), the derivative of digamma; NaN at the poles. Recurrence up to x ≥ 12, then the asymptotic series. */
export function trigamma(x: number): number {
  if (Number.isNaN(x) || (x <= 0 && Number.isInteger(x))) return NaN;
  if (x === Infinity) return 0;
  if (x < 0) {
    // Reflection: ψ′(1−x) + ψ′(x) = π² / sin²(πx).
    const s = libm.sin(Math.PI * x);
    return (Math.PI * Math.PI) / (s * s) - trigamma(1 - x);
  }
  let shift = 0;
  while (x < 12) {
    shift += 1 / (x * x);
    x += 1;
  }
  const inv = 1 / x, inv2 = inv * inv;
  // ψ′(x) ~ 1/x + 1/(2x²) + Σ B_{2k}/x^{2k+1} (Abramowitz & Stegun 6.4.12).
  const series = inv2 * inv * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 * (1 / 30 - inv2 * (5 / 66 - inv2 * (691 / 2730))))));
  return shift + inv + 0.5 * inv2 + series;
}

// Below this, log Γ's Stirling remainder is computed as lgamma minus Stirling's formula; above
// it, from its asymptotic series (as Stan's lgamma_stirling_diff).
const STIRLING_DIFF_USEFUL = 10;
// Coefficients B_{2k} / (2k(2k−1)) of the Stirling series, k = 1…6.
const STIRLING_SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360];

/** log Γ(x) − [½ log 2π + (x − ½) log x − x]: the part of log Γ that Stirling's formula leaves out. */
function lgammaStirlingDiff(x: number): number {
  if (x < STIRLING_DIFF_USEFUL) return lgamma(x) - (HALF_LOG_TWO_PI + (x - 0.5) * libm.log(x) - x);
  const inv = 1 / x, inv2 = inv * inv;
  let term = inv, sum = 0;
  for (const c of STIRLING_SERIES) {
    sum += c * term;
    term *= inv2;
  }
  return sum;
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). When an argument is large the three log Γ
 * terms are huge and cancel (lbeta(1, 1e10) = −23 from terms of 2e11), so there the Stirling
 * parts cancel analytically and only the small remainders are summed (Stan's `lbeta`).
 */
export function lbeta(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  const x = Math.min(a, b), y = Math.max(a, b);
  if (x === 0) return Infinity;
  if (x < 0) return NaN;
  if (y === Infinity) return -Infinity;
  if (y < STIRLING_DIFF_USEFUL) return lgamma(x) + lgamma(y) - lgamma(x + y);
  const xOverXy = x / (x + y);
  if (x < STIRLING_DIFF_USEFUL) {
    // y large: log Γ(y) − log Γ(x + y) by Stirling, x's log Γ exactly.
    const diff = lgammaStirlingDiff(y) - lgammaStirlingDiff(x + y);
    return lgamma(x) + diff + (y - 0.5) * libm.log1p(-xOverXy) + x * (1 - libm.log(x + y));
  }
  const diff = lgammaStirlingDiff(x) + lgammaStirlingDiff(y) - lgammaStirlingDiff(x + y);
  return diff + (x - 0.5) * libm.log(xOverXy) + y * libm.log1p(-xOverXy) + HALF_LOG_TWO_PI - 0.5 * libm.log(y);
}

/** log n! for a non-negative integer n (log Γ(n + 1)). */
export function logFactorial(n: number): number {
  return lgamma(n + 1);
}

/** log (n choose k) for integers 0 ≤ k ≤ n. */
export function lchoose(n: number, k: number): number {
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}
