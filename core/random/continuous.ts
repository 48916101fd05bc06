/**
 * Univariate continuous variates from the seeded Rng by inversion or by a normal / gamma
 * construction: Student-t, Cauchy, Laplace, logistic, exponential. Float64 throughout.
 */
import * as libm from '../libm.js';
import type { Rng } from '../rng.js';
import { gammaVariate } from './gamma.js';

/** U in (0, 1): the open interval, so that logs and inverse CDFs stay finite. */
export function openUniform(rng: Rng): number {
  let u = rng.uniform();
  while (u === 0) u = rng.uniform();
  return u;
}

/** Exponential(rate) by inversion. */
export function exponentialVariate(rng: Rng, rate = 1): number {
  return -libm.log(openUniform(rng)) / rate;
}

/** Standard Student-t with ν degrees of freedom: Z / √(χ²_ν / ν), χ²_ν = 2·Gamma(ν/2). */
export function studentTVariate(rng: Rng, nu: number): number {
  const z = rng.normal();
  const chi2 = 2 * gammaVariate(rng, nu / 2);
  return z / Math.sqrt(chi2 / nu);
}

/** Standard Cauchy by inversion: tan(π(U − ½)). */
export function cauchyVariate(rng: Rng): number {
  return libm.tan(Math.PI * (openUniform(rng) - 0.5));
}

/** Standard Laplace by inversion of its CDF. */
export function laplaceVariate(rng: Rng): number {
  const u = openUniform(rng) - 0.5;
  return u < 0 ? libm.log1p(2 * u) : -libm.log1p(-2 * u);
}

/** Standard logistic by inversion: log(U / (1 − U)). */
export function logisticVariate(rng: Rng): number {
  const u = openUniform(rng);
  return libm.log(u) - libm.log1p(-u);
}
