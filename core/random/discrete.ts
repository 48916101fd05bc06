/**
 * Discrete variates from the seeded Rng: Poisson (multiplication for small means, Hörmann's
 * PTRS transformed rejection for large), binomial (inversion for small n·p, Hörmann's BTRS for
 * large), negative binomial (a gamma–Poisson mixture) and categorical (inverse CDF).
 *
 * W. Hörmann, "The transformed rejection method for generating Poisson random variables" (1993)
 * and "The generation of binomial random variates" (1993), as NumPy's legacy generators use them.
 */
import * as libm from '../libm.js';
import type { Rng } from '../rng.js';
import { lgamma } from '../special.js';
import { gammaVariate } from './gamma.js';

/** Poisson(λ) with λ < 10: count uniforms until their product falls below e^−λ. */
function poissonSmall(rng: Rng, lambda: number): number {
  const limit = libm.exp(-lambda);
  let k = 0;
  let prod = rng.uniform();
  while (prod > limit) {
    k++;
    prod *= rng.uniform();
  }
  return k;
}

/** Poisson(λ) with λ ≥ 10 by PTRS. */
function poissonPtrs(rng: Rng, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const logLam = libm.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (libm.log(v) + libm.log(invAlpha) - libm.log(a / (us * us) + b) <= -lambda + k * logLam - lgamma(k + 1)) return k;
  }
}

/** A Poisson(λ) draw, λ ≥ 0. */
export function poissonVariate(rng: Rng, lambda: number): number {
  if (lambda === 0) return 0;
  return lambda < 10 ? poissonSmall(rng, lambda) : poissonPtrs(rng, lambda);
}

/** Binomial(n, p) for p ≤ ½ and n·p < 10, by sequential inversion of the CDF. */
function binomialInversion(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const qn = libm.exp(n * libm.log1p(-p));
  const ratio = p / q;
  const bound = Math.min(n, n * p + 10 * Math.sqrt(n * p * q + 1));
  for (;;) {
    let x = 0;
    let px = qn;
    let u = rng.uniform();
    while (u > px) {
      x++;
      if (x > bound) break;
      u -= px;
      px *= ((n - x + 1) * ratio) / x;
    }
    if (x <= bound) return x;
  }
}

/** Binomial(n, p) for p ≤ ½ and n·p ≥ 10 by BTRS. */
function binomialBtrs(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = libm.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = lgamma(m + 1) + lgamma(n - m + 1);
  for (;;) {
    const u = rng.uniform() - 0.5;
    let v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = libm.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - lgamma(k + 1) - lgamma(n - k + 1) + (k - m) * lpq) return k;
  }
}

/** A Binomial(n, p) draw: n a non-negative integer, 0 ≤ p ≤ 1. */
export function binomialVariate(rng: Rng, n: number, p: number): number {
  if (p > 0.5) return n - binomialVariate(rng, n, 1 - p);
  if (n === 0 || p === 0) return 0;
  return n * p < 10 ? binomialInversion(rng, n, p) : binomialBtrs(rng, n, p);
}

/** A negative binomial draw with mean μ and dispersion φ (variance μ + μ²/φ): Poisson(μ·Gamma(φ, φ)). */
export function negativeBinomialVariate(rng: Rng, mu: number, phi: number): number {
  return poissonVariate(rng, mu * gammaVariate(rng, phi, phi));
}

/** An index in {0, …, K−1} with probabilities proportional to `weights[offset … offset+K)` (non-negative). */
export function categoricalVariate(rng: Rng, weights: ArrayLike<number>, offset = 0, k = weights.length): number {
  let total = 0;
  for (let i = 0; i < k; i++) total += weights[offset + i];
  const u = rng.uniform() * total;
  let acc = 0;
  for (let i = 0; i < k - 1; i++) {
    acc += weights[offset + i];
    if (u < acc) return i;
  }
  // Rounding can leave u ≥ acc at the end: the last category with positive weight takes it.
  for (let i = k - 1; i > 0; i--) if (weights[offset + i] > 0) return i;
  return 0;
}
