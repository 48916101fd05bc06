/** Gaussian process regression with the latent function integrated out, through T.cholesky. */
import { T, defineModel, dist, libm, tensor, type Model, type Tensor } from '../../../index.js';

export interface GpData {
  N: number;
  x: number[];
  y: number[];
}

// zoo: gaussian process
/** log N(y | 0, K) through K's Cholesky factor L: −½‖L⁻¹y‖² − Σ log L_ii − (n/2)·log 2π. */
function mvNormalZeroMean(y: Tensor, k: Tensor): Tensor {
  const l = T.cholesky(k);
  const z = T.solveLowerTriangular(l, y);
  return T.sub(T.mul(-0.5, T.dot(z, z)), T.add(T.logDetTriangular(l), 0.5 * y.size * libm.log(2 * Math.PI)));
}

/**
 * y ~ N(0, K + sigma²·I) with the squared-exponential kernel K_ij = alpha²·exp(−(x_i − x_j)²/(2 rho²)),
 * rho = exp(log_rho), log_rho ~ N(0, 1), alpha ~ N⁺(0, 2), sigma ~ N⁺(0, 1).
 */
export function gpRegression(x: Float64Array, y: Float64Array): Model {
  const n = x.length;
  const d2 = tensor(Float64Array.from({ length: n * n }, (_, k) => (x[Math.floor(k / n)] - x[k % n]) ** 2), [n, n]);
  const eye = tensor(Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0)), [n, n]);
  const yt = tensor(y);
  return defineModel({
    params: { log_rho: [], alpha: { shape: [], transform: 'log' }, sigma: { shape: [], transform: 'log' } },
    logp: ({ log_rho, alpha, sigma }) => {
      const rho2 = T.exp(T.mul(2, log_rho));
      const kernel = T.mul(T.square(alpha), T.exp(T.div(T.mul(-0.5, d2), rho2)));
      const k = T.add(kernel, T.mul(T.add(T.square(sigma), 1e-9), eye));
      const prior = T.add(dist.normal(log_rho, 0, 1), T.add(dist.halfNormal(alpha, 2), dist.halfNormal(sigma, 1)));
      return T.add(prior, mvNormalZeroMean(yt, k));
    },
  });
}
// end zoo
