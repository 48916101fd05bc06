/**
 * The logistic function σ(x) = 1 / (1 + e^-x) and softplus log(1 + e^x) on numbers, written so
 * that neither overflows for any finite x: the one copy that the autodiff ops, the transforms and
 * the prediction kernel all use.
 */
import * as libm from './libm.js';

/** 1 / (1 + e^-x), evaluated without overflow for either sign. */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + libm.exp(-v));
  const e = libm.exp(v);
  return e / (1 + e);
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): fused for stability. */
export function softplusScalar(v: number): number {
  return Math.max(v, 0) + libm.log1p(libm.exp(-Math.abs(v)));
}
