/**
 * Static Hamiltonian Monte Carlo (Neal 2011) with a Metropolis correction, as Stan's
 * `base_static_hmc`: draw a momentum, take a fixed number of leapfrog steps, accept the end
 * point with probability min(1, exp(H0 - H)).
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity, Sampler, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import { hamiltonian, leapfrog, type Integrator, type PhasePoint } from './integrator.js';
import { evaluateAt } from './evaluate.js';
import { checkStepSize } from './sampler_params.js';
import { euclideanMetric, identityInverseMassMatrix, type MetricKind } from './metric.js';
import * as libm from '../../core/libm.js';

export interface HmcOptions {
  /** Leapfrog steps per transition; when absent, ⌊integrationTime / stepSize⌋ (at least 1). */
  numIntegrationSteps?: number;
  /** Trajectory length used when numIntegrationSteps is absent; 2π as in Stan's static HMC. */
  integrationTime?: number;
  /** Each transition uses stepSize·(1 + jitter·u), u ~ U(-1, 1); 0 as in Stan. */
  stepSizeJitter?: number;
  /** Energy error above which the transition is flagged divergent; 1000 as in Stan's NUTS. */
  maxEnergyError?: number;
  /** Kind of the default (identity) metric before adaptation. */
  metric?: MetricKind;
  /** Replaces the leapfrog integrator (tests use a mock). */
  integrator?: Integrator;
}

export type HmcState = SamplerState;

export interface HmcInfo extends SamplerInfo {
  readonly acceptanceRate: number;
  readonly isDivergent: boolean;
  readonly isAccepted: boolean;
  readonly energy: number;
  readonly numIntegrationSteps: number;
  /** The (jittered) step size this transition used (`stepsize__`). */
  readonly stepSize: number;
}

export interface HmcParams extends SamplerParams {
  stepSize: number;
  inverseMassMatrix: Float64Array;
}

export type HmcSampler = Sampler<HmcState, HmcInfo, HmcParams>;

export function hmc(options: HmcOptions = {}): HmcSampler {
  const { numIntegrationSteps, integrationTime = 2 * Math.PI, stepSizeJitter = 0, maxEnergyError = 1000, metric: kind = 'diag' } = options;
  const integrator = options.integrator ?? leapfrog;
  if (numIntegrationSteps !== undefined && (!Number.isInteger(numIntegrationSteps) || numIntegrationSteps < 1)) {
    throw new Error(`hmc: numIntegrationSteps must be a positive integer, got ${numIntegrationSteps}`);
  }
  if (!(integrationTime > 0)) throw new Error(`hmc: integrationTime must be positive, got ${integrationTime}`);
  if (!(stepSizeJitter >= 0 && stepSizeJitter < 1)) throw new Error(`hmc: stepSizeJitter must be in [0, 1), got ${stepSizeJitter}`);
  if (!(maxEnergyError > 0)) throw new Error(`hmc: maxEnergyError must be positive, got ${maxEnergyError}`);
  if (kind !== 'diag' && kind !== 'dense') throw new Error(`hmc: metric must be 'diag' or 'dense', got ${String(kind)}`);

  const step = (rng: Rng, state: HmcState, target: LogDensity, params: HmcParams): [HmcState, HmcInfo] => {
    const nominal = checkStepSize(params.stepSize, 'hmc');
    const stepSize = stepSizeJitter > 0 ? nominal * (1 + stepSizeJitter * (2 * rng.uniform() - 1)) : nominal;
    const metric = euclideanMetric(params.inverseMassMatrix, target.dim);
    const steps = numIntegrationSteps ?? Math.max(1, Math.floor(integrationTime / stepSize));
    const start: PhasePoint = { ...state, momentum: metric.sampleMomentum(rng, new Float64Array(target.dim)) };
    const h0 = hamiltonian(metric, start);
    let z = start;
    for (let i = 0; i < steps; i++) z = integrator(target, metric, z, stepSize);
    const h = hamiltonian(metric, z);
    const acceptProb = libm.exp(h0 - h);
    const isAccepted = rng.uniform() < acceptProb;
    const end = isAccepted ? z : start;
    const next: HmcState = { position: end.position, logDensity: end.logDensity, logDensityGrad: end.logDensityGrad };
    return [
      next,
      {
        acceptanceRate: Math.min(1, acceptProb),
        isDivergent: h - h0 > maxEnergyError,
        isAccepted,
        energy: hamiltonian(metric, end),
        numIntegrationSteps: steps,
        stepSize,
      },
    ];
  };

  const serializable = options.integrator === undefined;
  return {
    name: 'hmc',
    init: (position, target) => evaluateAt(target, position),
    step,
    defaultParams: (dim) => ({ stepSize: 1, inverseMassMatrix: identityInverseMassMatrix(dim, kind) }),
    spec: serializable ? { name: 'hmc', options: { numIntegrationSteps, integrationTime, stepSizeJitter, maxEnergyError, metric: kind } } : undefined,
  };
}
