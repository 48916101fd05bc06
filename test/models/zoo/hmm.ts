/** A two-state hidden Markov model, the states summed out by the forward algorithm (T.logSumExp over an axis). */
import { T, defineModel, dist, libm, tensor, type Model, type Tensor } from '../../../index.js';

// zoo: hidden markov model
/**
 * The forward algorithm: lp_1[k] = log ρ_k + log e_k(y_1), lp_t[k] = logSumExp_j(lp_{t−1}[j] + log Γ[j,k])
 * + log e_k(y_t), and log p(y) = logSumExp_k lp_N[k]. `logEmission` is [N, K], `logGamma` [K, K].
 */
function hmmLogLik(logEmission: Tensor, logGamma: Tensor, logInit: Tensor): Tensor {
  const [n, k] = logEmission.shape;
  let lp = T.add(logInit, T.index(logEmission, 0));
  for (let t = 1; t < n; t++) {
    const step = T.add(T.reshape(lp, [k, 1]), logGamma);
    lp = T.add(T.logSumExp(step, 0), T.index(logEmission, t));
  }
  return T.logSumExp(lp);
}

/**
 * Two states with normal emissions N(mu_k, sigma), mu_1 < mu_2 (mu_2 = mu_1 + gap, as in the
 * mixture), stay probabilities p_stay[k] ~ U(0, 1) (a uniform row of the transition matrix), the
 * first state 1 or 2 with probability ½; mu ~ N(0, 3), sigma ~ N⁺(0, 2).
 */
export function hmm(y: Float64Array): Model {
  const n = y.length;
  const yCol = tensor(y, [n, 1]);
  const logInit = tensor([libm.log(0.5), libm.log(0.5)]);
  return defineModel({
    params: { mu1: [], gap: { shape: [], transform: 'log' }, sigma: { shape: [], transform: 'log' }, p_stay: { shape: [2], transform: { lower: 0, upper: 1 } } },
    logp: ({ mu1, gap, sigma, p_stay }) => {
      const mu = T.stack([mu1, T.add(mu1, gap)]);
      const z = T.div(T.sub(yCol, mu), sigma);
      const logEmission = T.sub(T.mul(-0.5, T.square(z)), T.add(T.log(sigma), 0.5 * libm.log(2 * Math.PI)));
      // Γ = [[p_1, 1 − p_1], [1 − p_2, p_2]], row j the distribution of the next state from state j.
      const [p1, p2] = [T.index(p_stay, 0), T.index(p_stay, 1)];
      const logGamma = T.log(T.reshape(T.stack([p1, T.sub(1, p1), T.sub(1, p2), p2]), [2, 2]));
      const prior = T.add(T.add(dist.normal(mu1, 0, 3), dist.normal(T.add(mu1, gap), 0, 3)), dist.halfNormal(sigma, 2));
      return T.add(prior, hmmLogLik(logEmission, logGamma, logInit));
    },
  });
}
// end zoo
