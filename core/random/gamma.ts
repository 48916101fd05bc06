/**
 * Gamma-family variates from the seeded Rng: gamma (Marsaglia & Tsang 2000), and through it beta
 * and Dirichlet. Small shapes are drawn on the log scale (log G(a) = log G(a+1) + log U / a), so
 * a Beta(0.01, 0.01) or Dirichlet(0.05, …) draw does not underflow to 0/0.
 */
import * as libm from '../libm.js';
import type { Rng } from '../rng.js';

/** A Gamma(a, 1) draw for a ≥ 1 by Marsaglia–Tsang's squeeze-and-reject on a transformed normal. */
function gammaAtLeastOne(rng: Rng, a: number): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (libm.log(u) < 0.5 * x2 + d * (1 - v + libm.log(v))) return d * v;
  }
}

/** log of a Gamma(shape, 1) draw; shape > 0. */
export function logGammaVariate(rng: Rng, shape: number): number {
  if (shape >= 1) return libm.log(gammaAtLeastOne(rng, shape));
  // Boost: G(a) = G(a + 1)·U^(1/a), with U in (0, 1].
  const g = gammaAtLeastOne(rng, shape + 1);
  return libm.log(g) + libm.log(1 - rng.uniform()) / shape;
}

/** A Gamma(shape, rate) draw (mean shape / rate). */
export function gammaVariate(rng: Rng, shape: number, rate = 1): number {
  const g = shape >= 1 ? gammaAtLeastOne(rng, shape) : libm.exp(logGammaVariate(rng, shape));
  return g / rate;
}

/** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), formed from their logs. */
export function betaVariate(rng: Rng, a: number, b: number): number {
  const lx = logGammaVariate(rng, a);
  const ly = logGammaVariate(rng, b);
  return lx >= ly ? 1 / (1 + libm.exp(ly - lx)) : libm.exp(lx - ly) / (1 + libm.exp(lx - ly));
}

/** A Dirichlet(alpha) draw into `out` (length alpha.length): normalised gammas, on the log scale. */
export function dirichletVariate(rng: Rng, alpha: ArrayLike<number>, out = new Float64Array(alpha.length)): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < alpha.length; k++) {
    out[k] = logGammaVariate(rng, alpha[k]);
    if (out[k] > max) max = out[k];
  }
  let total = 0;
  for (let k = 0; k < alpha.length; k++) {
    out[k] = libm.exp(out[k] - max);
    total += out[k];
  }
  for (let k = 0; k < alpha.length; k++) out[k] /= total;
  return out;
}
