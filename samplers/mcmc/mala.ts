/**
 * The Metropolis-adjusted Langevin algorithm (Roberts & Tweedie 1996): the worked example of a
 * sampler written against the `Sampler` contract alone (docs/samplers.md walks through it).
 *
 * With a diagonal inverse mass matrix D, the proposal is
 *   x' = x + (ε²/2) D ∇log π(x) + ε √D z,   z ~ N(0, I),
 * accepted with probability min(1, π(x') q(x | x') / (π(x) q(x' | x))). Because its params carry
 * `stepSize` and `inverseMassMatrix` and its info reports `acceptanceRate`, `sample()` adapts it
 * with Stan's window adaptation without any MALA-specific code.
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity, Sampler, SamplerInfo, SamplerParams, SamplerSpec, SamplerState } from '../types.js';
import { evaluate, evaluateAt } from './evaluate.js';
import { checkStepSize } from './sampler_params.js';
import * as libm from '../../core/libm.js';

export type MalaState = SamplerState;

export interface MalaInfo extends SamplerInfo {
  readonly acceptanceRate: number;
  readonly isDivergent: boolean;
  readonly isAccepted: boolean;
  readonly numIntegrationSteps: number;
}

export interface MalaParams extends SamplerParams {
  stepSize: number;
  /** Diagonal only: MALA's proposal needs √D, which a diagonal makes cheap. */
  inverseMassMatrix: Float64Array;
}

/** log q(to | from) up to a constant shared by both directions. */
function logProposal(to: Float64Array, from: MalaState, stepSize: number, inv: Float64Array): number {
  const h = 0.5 * stepSize * stepSize;
  let s = 0;
  for (let i = 0; i < to.length; i++) {
    const r = to[i] - from.position[i] - h * inv[i] * from.logDensityGrad[i];
    s += (r * r) / inv[i];
  }
  return -s / (2 * stepSize * stepSize);
}

export function mala(): Sampler<MalaState, MalaInfo, MalaParams> & { readonly spec: SamplerSpec } {
  const step = (rng: Rng, state: MalaState, target: LogDensity, params: MalaParams): [MalaState, MalaInfo] => {
    const stepSize = checkStepSize(params.stepSize, 'mala');
    const inv = params.inverseMassMatrix;
    const dim = target.dim;
    if (!(inv instanceof Float64Array) || inv.length !== dim) {
      throw new Error(`mala: params.inverseMassMatrix must be a diagonal Float64Array of length ${dim}, got length ${inv?.length}`);
    }
    const h = 0.5 * stepSize * stepSize;
    const position = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      position[i] = state.position[i] + h * inv[i] * state.logDensityGrad[i] + stepSize * Math.sqrt(inv[i]) * rng.normal();
    }
    const logDensityGrad = new Float64Array(dim);
    const logDensity = evaluate(target, position, logDensityGrad);
    const proposal: MalaState = { position, logDensity, logDensityGrad };
    let logRatio = logDensity - state.logDensity + logProposal(state.position, proposal, stepSize, inv) - logProposal(position, state, stepSize, inv);
    if (Number.isNaN(logRatio)) logRatio = -Infinity;
    const isAccepted = libm.log(rng.uniform()) < logRatio;
    return [
      isAccepted ? proposal : state,
      { acceptanceRate: Math.min(1, libm.exp(logRatio)), isDivergent: false, isAccepted, numIntegrationSteps: 1 },
    ];
  };
  return {
    name: 'mala',
    init: (position, target) => evaluateAt(target, position),
    step,
    defaultParams: (dim) => ({ stepSize: 1, inverseMassMatrix: new Float64Array(dim).fill(1) }),
    spec: { name: 'mala', options: {} },
  };
}
