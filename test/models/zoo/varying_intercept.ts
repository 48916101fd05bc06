/** A varying-intercept regression, the group intercepts picked per observation with T.gather. */
import { T, defineModel, dist, type Model } from '../../../index.js';

export interface VaryingInterceptData {
  N: number;
  J: number;
  /** Stan's 1-based group of each observation. */
  g: number[];
  x: number[];
  y: number[];
}

// zoo: varying intercepts
/**
 * y_i ~ N(alpha[g_i] + beta·x_i, sigma), alpha = mu_a + tau·z (non-centred), z ~ N(0, 1);
 * `group` holds 0-based group indices.
 */
export function varyingIntercept(group: Int32Array, x: Float64Array, y: Float64Array, groups: number): Model {
  return defineModel({
    params: { mu_a: [], tau: { shape: [], transform: 'log' }, z: [groups], beta: [], sigma: { shape: [], transform: 'log' } },
    logp: ({ mu_a, tau, z, beta, sigma }) => {
      const alpha = T.add(mu_a, T.mul(tau, z));
      const mean = T.add(T.gather(alpha, group), T.mul(beta, x));
      const prior = T.add(T.add(dist.normal(mu_a, 0, 5), dist.halfNormal(tau, 2.5)), T.add(dist.normal(z, 0, 1), T.add(dist.normal(beta, 0, 5), dist.halfNormal(sigma, 2.5))));
      return T.add(prior, dist.normal(y, mean, sigma));
    },
  });
}
// end zoo

/** The model on a fixture's data (Stan's 1-based groups made 0-based). */
export function varyingInterceptOf(d: VaryingInterceptData): Model {
  return varyingIntercept(Int32Array.from(d.g, (k) => k - 1), Float64Array.from(d.x), Float64Array.from(d.y), d.J);
}
