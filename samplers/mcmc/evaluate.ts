/**
 * The log density and its gradient at a point, as every gradient-based sampler needs them:
 * the leapfrog integrator after each drift, MALA for its proposal, and each sampler's `init`.
 */
import type { LogDensity } from '../types.js';

/**
 * log π(x) and its gradient; a non-finite gradient turns the density into -∞ so that the step
 * is rejected (a divergence in NUTS) instead of carrying NaN into the next position.
 */
export function evaluate(target: LogDensity, position: Float64Array, gradOut: Float64Array): number {
  const lp = target.logDensityAndGrad(position, gradOut);
  let s = 0;
  for (let i = 0; i < gradOut.length; i++) s += gradOut[i];
  if (!Number.isFinite(s)) {
    for (let i = 0; i < gradOut.length; i++) if (!Number.isFinite(gradOut[i])) return -Infinity;
  }
  // NaN and +∞ are failures of the density, not states of infinite probability.
  return Number.isNaN(lp) || lp === Infinity ? -Infinity : lp;
}

/** The log density and gradient at `position`, as every gradient-based sampler's `init` needs. */
export function evaluateAt(target: LogDensity, position: Float64Array): { position: Float64Array; logDensity: number; logDensityGrad: Float64Array } {
  if (position.length !== target.dim) {
    throw new Error(`init: position has length ${position.length}, but the target has dim ${target.dim}`);
  }
  const logDensityGrad = new Float64Array(target.dim);
  const pos = Float64Array.from(position);
  const logDensity = evaluate(target, pos, logDensityGrad);
  return { position: pos, logDensity, logDensityGrad };
}
