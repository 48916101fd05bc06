/** A two-component normal mixture, the components summed out with T.logAddExp. */
import { T, defineModel, dist, type Model, type Tensor } from '../../../index.js';

// zoo: mixture
/**
 * y_n ~ w_1·N(mu_1, sigma_1) + w_2·N(mu_2, sigma_2) as Stan's `ordered[2] mu`: the `'ordered'`
 * constraint keeps mu_1 < mu_2 (no label switching), the `'simplex'` weights w have a flat
 * density (Dirichlet(1, 1), so w_1 ~ U(0, 1) as Stan's `real<lower=0, upper=1> w`).
 * mu ~ N(0, 3), sigma ~ N⁺(0, 2).
 */
export function mixture(y: Float64Array): Model {
  /** log w_k + log N(y_n | mu_k, sigma_k), one term per observation. */
  const component = (mu: Tensor, sigma: Tensor, w: Tensor, k: number) =>
    T.add(T.log(T.index(w, k)), dist.normal.pointwise(y, T.index(mu, k), T.index(sigma, k)));
  return defineModel({
    params: {
      mu: { shape: [2], transform: 'ordered' },
      sigma: { shape: [2], transform: 'log' },
      w: { shape: [2], transform: 'simplex' },
    },
    logp: ({ mu, sigma, w }) => {
      const prior = T.add(dist.normal(mu, 0, 3), dist.halfNormal(sigma, 2));
      return T.add(prior, T.sum(T.logAddExp(component(mu, sigma, w, 0), component(mu, sigma, w, 1))));
    },
  });
}
// end zoo
