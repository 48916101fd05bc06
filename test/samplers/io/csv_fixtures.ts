/**
 * Shared by the CmdStan CSV tests: a user's sampler whose Info carries an extra numeric field
 * (random-walk Metropolis reporting how far it proposed), and a correlated 3-d Gaussian on which
 * a dense metric differs from a diagonal one.
 */
import type { LogDensity, Sampler, SamplerInfo, SamplerParams, SamplerState } from '../../../samplers/types.js';

interface WalkerInfo extends SamplerInfo {
  readonly proposalDistance: number;
  readonly isAccepted: boolean;
}

export const walker: Sampler<SamplerState, WalkerInfo, SamplerParams> = {
  name: 'walker',
  init(position, target) {
    const g = new Float64Array(target.dim);
    return { position, logDensity: target.logDensityAndGrad(position, g), logDensityGrad: g };
  },
  step(rng, state, target, params) {
    const x = Float64Array.from(state.position, (v) => v + (params.stepSize ?? 1) * rng.normal());
    let dist = 0;
    for (let i = 0; i < x.length; i++) dist += (x[i] - state.position[i]) ** 2;
    const g = new Float64Array(target.dim);
    const lp = target.logDensityAndGrad(x, g);
    const logRatio = lp - state.logDensity;
    const isAccepted = Math.log(rng.uniform()) < logRatio;
    const next = isAccepted ? { position: x, logDensity: lp, logDensityGrad: g } : state;
    return [next, { acceptanceRate: Math.min(1, Math.exp(logRatio)), isDivergent: false, proposalDistance: Math.sqrt(dist), isAccepted }];
  },
  defaultParams: (dim) => ({ stepSize: 1, inverseMassMatrix: new Float64Array(dim).fill(1) }),
};

/** N(0, Σ) with Σ = [[1, .8, 0], [.8, 1, 0], [0, 0, 4]]: its precision is applied by hand. */
export const correlated3: LogDensity = {
  dim: 3,
  logDensityAndGrad(x, g) {
    const c = 1 / (1 - 0.64); // inverse of the 2×2 block [[1, .8], [.8, 1]] is c·[[1, -.8], [-.8, 1]]
    g[0] = -c * (x[0] - 0.8 * x[1]);
    g[1] = -c * (x[1] - 0.8 * x[0]);
    g[2] = -x[2] / 4;
    return 0.5 * (x[0] * g[0] + x[1] * g[1] + x[2] * g[2]);
  },
};
