/**
 * Phase-space points and the leapfrog (velocity Verlet) integrator, as Stan's `expl_leapfrog`.
 * A point is immutable: the integrator returns a new point, so a trajectory can keep references
 * to any of its states (NUTS keeps the two ends and a proposal) without copying.
 */
import type { LogDensity } from '../types.js';
import type { EuclideanMetric } from './metric.js';
import { evaluate } from './evaluate.js';

export interface PhasePoint {
  readonly position: Float64Array;
  readonly momentum: Float64Array;
  readonly logDensity: number;
  readonly logDensityGrad: Float64Array;
}

/**
 * One step of size `stepSize` (negative integrates backwards in time). Injectable, so NUTS tree
 * building can be tested with a mock integrator as Stan's unit tests do.
 */
export type Integrator = (target: LogDensity, metric: EuclideanMetric, point: PhasePoint, stepSize: number) => PhasePoint;

/** H(q, p) = -log π(q) + ½ pᵀM⁻¹p; NaN (a failed density) counts as +∞ energy, as in Stan. */
export function hamiltonian(metric: EuclideanMetric, point: PhasePoint): number {
  const h = -point.logDensity + metric.kineticEnergy(point.momentum);
  return Number.isNaN(h) ? Infinity : h;
}

/** Kick–drift–kick leapfrog: symplectic and reversible, energy error O(stepSize²). */
export const leapfrog: Integrator = (target, metric, point, stepSize) => {
  const dim = point.position.length;
  const half = 0.5 * stepSize;
  const momentum = new Float64Array(dim);
  for (let i = 0; i < dim; i++) momentum[i] = point.momentum[i] + half * point.logDensityGrad[i];
  const velocity = metric.velocity(momentum, new Float64Array(dim));
  const position = new Float64Array(dim);
  for (let i = 0; i < dim; i++) position[i] = point.position[i] + stepSize * velocity[i];
  const logDensityGrad = new Float64Array(dim);
  const logDensity = evaluate(target, position, logDensityGrad);
  for (let i = 0; i < dim; i++) momentum[i] += half * logDensityGrad[i];
  return { position, momentum, logDensity, logDensityGrad };
};
