/**
 * Initial points: Stan's random inits, uniform(-radius, radius) on every unconstrained
 * coordinate (radius 2 as in Stan), retried while the log density or its gradient is not finite.
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity } from '../types.js';

/** Tries before giving up; 100 as in Stan's `MAX_INIT_TRIES`. */
export const MAX_INIT_ATTEMPTS = 100;

export interface JitterOptions {
  /** Half-width of the box; 2 as in Stan. */
  radius?: number;
  attempts?: number;
  /** Names the target in the error message. */
  describe?: string;
}

export function jitterInit(rng: Rng, target: LogDensity, options: JitterOptions = {}): Float64Array {
  const { radius = 2, attempts = MAX_INIT_ATTEMPTS, describe = `target of dim ${target.dim}` } = options;
  const grad = new Float64Array(target.dim);
  let last = NaN;
  let gradFinite = true;
  for (let a = 0; a < attempts; a++) {
    const x = new Float64Array(target.dim);
    for (let i = 0; i < x.length; i++) x[i] = rng.uniformRange(-radius, radius);
    // The raw value, not evaluate()'s -Infinity for NaN, so that the error says what the target returned.
    last = target.logDensityAndGrad(x, grad);
    gradFinite = grad.every(Number.isFinite);
    if (Number.isFinite(last) && gradFinite) return x;
  }
  const lastText = `last log density ${last}${Number.isFinite(last) && !gradFinite ? ' with a non-finite gradient' : ''}`;
  throw new Error(
    `init: no point with a finite log density and gradient in ${attempts} tries of uniform(-${radius}, ${radius}) on the unconstrained scale (${describe}); ${lastText}. Check the model's support, or pass init points`,
  );
}
