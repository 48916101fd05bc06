/**
 * The standard normal CDF Φ(x) = erfc(−x/√2)/2, to about 1e-15 absolute: for |z| < 3 the series
 * erf z = 2/√π e^{−z²} Σ 2ⁿ z^{2n+1} / (1·3···(2n+1)) (all terms positive, so no cancellation),
 * beyond it the continued fraction erfc z = e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))).
 */
import * as libm from '../../core/libm.js';

export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = -x / Math.SQRT2;
  return 0.5 * erfc(z);
}

function erfc(z: number): number {
  if (z < 0) return 2 - erfc(-z);
  if (z < 3) return 1 - erfSeries(z);
  return erfcContinuedFraction(z);
}

function erfSeries(z: number): number {
  let term = z;
  let sum = z;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= (2 * z * z) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * libm.exp(-z * z) * sum;
}

/** Evaluated from the back with 60 terms, plenty for z ≥ 3. */
function erfcContinuedFraction(z: number): number {
  let f = z;
  for (let n = 60; n >= 1; n--) f = z + n / 2 / f;
  return libm.exp(-z * z) / Math.sqrt(Math.PI) / f;
}
