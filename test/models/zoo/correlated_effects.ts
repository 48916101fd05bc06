/** Correlated varying intercepts and slopes: an LKJ prior on their 2×2 correlation through 'choleskyCorr'. */
import { T, defineModel, dist, type Model, type Tensor } from '../../../index.js';

export interface CorrelatedEffectsData {
  N: number;
  J: number;
  /** Stan's 1-based group of each observation. */
  g: number[];
  x: number[];
  y: number[];
}

// zoo: correlated effects
/**
 * y_i ~ N(a[g_i] + b[g_i]·x_i, sigma) with (a_j, b_j) ~ N(mu, diag(tau)·Ω·diag(tau)), Ω = L·Lᵀ,
 * L ~ LKJ-Cholesky(2) (`'choleskyCorr'`), written non-centred: (a, b)_j = mu + diag(tau)·L·z_j,
 * z ~ N(0, 1). mu ~ N(0, 5), tau ~ N⁺(0, 2.5), sigma ~ N⁺(0, 2.5); `group` holds 0-based indices.
 * The correlation rho = Ω[1, 0] = L[1, 0] is a derived quantity.
 */
export function correlatedEffects(group: Int32Array, x: Float64Array, y: Float64Array, groups: number): Model {
  /** [2, J]: row 0 the intercepts a_j, row 1 the slopes b_j. */
  const effects = ({ mu, tau, L, z }: Record<string, Tensor>) =>
    T.add(T.reshape(mu, [2, 1]), T.mul(T.reshape(tau, [2, 1]), T.matmul(L, z)));
  return defineModel({
    params: {
      mu: [2],
      tau: { shape: [2], transform: 'log' },
      L: { shape: [2, 2], transform: 'choleskyCorr' },
      z: [2, groups],
      sigma: { shape: [], transform: 'log' },
    },
    logp: (p) => {
      const ab = effects(p);
      const mean = T.add(T.gather(T.index(ab, 0), group), T.mul(T.gather(T.index(ab, 1), group), x));
      const prior = T.add(T.add(dist.normal(p.mu, 0, 5), dist.halfNormal(p.tau, 2.5)), T.add(dist.lkjCholesky(p.L, 2), dist.normal(p.z, 0, 1)));
      return T.add(T.add(prior, dist.halfNormal(p.sigma, 2.5)), dist.normal(y, mean, p.sigma));
    },
    derived: ({ L }) => ({ rho: T.index(T.index(L, 1), 0) }),
  });
}
// end zoo

/** The model on a fixture's data (Stan's 1-based groups made 0-based). */
export function correlatedEffectsOf(d: CorrelatedEffectsData): Model {
  return correlatedEffects(Int32Array.from(d.g, (k) => k - 1), Float64Array.from(d.x), Float64Array.from(d.y), d.J);
}
