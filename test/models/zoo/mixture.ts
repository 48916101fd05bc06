/** A two-component normal mixture, the components summed out with T.logAddExp. */
import { T, defineModel, dist, libm, type Model, type Tensor } from '../../../index.js';

// zoo: mixture
/** log N(y | mu, sigma) elementwise (each observation's term). */
function normalTerms(y: Float64Array, mu: Tensor, sigma: Tensor): Tensor {
  const z = T.div(T.sub(y, mu), sigma);
  return T.sub(T.mul(-0.5, T.square(z)), T.add(T.log(sigma), 0.5 * libm.log(2 * Math.PI)));
}

/**
 * y_n ~ w·N(mu_1, sigma_1) + (1 − w)·N(mu_2, sigma_2) with mu_1 < mu_2, as Stan's `ordered[2] mu`:
 * mu_2 = mu_1 + gap with gap > 0 (a log transform; the map (mu_1, gap) ↦ (mu_1, mu_2) has unit
 * Jacobian, so the prior is put on mu itself). mu ~ N(0, 3), sigma ~ N⁺(0, 2), w ~ U(0, 1).
 */
export function mixture(y: Float64Array): Model {
  return defineModel({
    params: { mu1: [], gap: { shape: [], transform: 'log' }, sigma: { shape: [2], transform: 'log' }, w: { shape: [], transform: { lower: 0, upper: 1 } } },
    logp: ({ mu1, gap, sigma, w }) => {
      const mu2 = T.add(mu1, gap);
      const [s1, s2] = [T.index(sigma, 0), T.index(sigma, 1)];
      const first = T.add(T.log(w), normalTerms(y, mu1, s1));
      const second = T.add(T.log1p(T.neg(w)), normalTerms(y, mu2, s2));
      const prior = T.add(T.add(dist.normal(mu1, 0, 3), dist.normal(mu2, 0, 3)), dist.halfNormal(sigma, 2));
      return T.add(prior, T.sum(T.logAddExp(first, second)));
    },
  });
}
// end zoo
