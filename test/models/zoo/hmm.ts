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
 * Two states with normal emissions N(mu_k, sigma), mu_1 < mu_2 (`'ordered'`), each row of the
 * transition matrix Γ a `'simplex'` (flat: Dirichlet(1, 1), so Stan's stay probability
 * p_stay[k] = Γ[k, k] ~ U(0, 1)), the first state 1 or 2 with probability ½; mu ~ N(0, 3),
 * sigma ~ N⁺(0, 2).
 */
export function hmm(y: Float64Array): Model {
  const yCol = tensor(y, [y.length, 1]);
  const logInit = tensor([libm.log(0.5), libm.log(0.5)]);
  return defineModel({
    params: {
      mu: { shape: [2], transform: 'ordered' },
      sigma: { shape: [], transform: 'log' },
      gamma1: { shape: [2], transform: 'simplex' },
      gamma2: { shape: [2], transform: 'simplex' },
    },
    logp: ({ mu, sigma, gamma1, gamma2 }) => {
      const logEmission = dist.normal.pointwise(yCol, mu, sigma); // [N, 2]: y_t against each state's mean
      const logGamma = T.log(T.stack([gamma1, gamma2])); // row j: the next state's distribution from state j
      const prior = T.add(dist.normal(mu, 0, 3), dist.halfNormal(sigma, 2));
      return T.add(prior, hmmLogLik(logEmission, logGamma, logInit));
    },
  });
}
// end zoo
