/**
 * 'simplex' (Stan's `simplex[K]`, manual §10.8, stick-breaking): K values from K − 1 free ones.
 * z_k = σ(u_k − log(K − k)) (k = 1…K−1; the offset maps u = 0 to the uniform simplex) breaks a
 * fraction z_k off the stick left, r_k = Π_{j<k} (1 − z_j): x_k = r_k·z_k, x_K = r_K. The map
 * u → (x₁…x_{K−1}) is triangular, so log|J| = Σ_k log z_k + log(1 − z_k) + log r_k.
 * Everything is on the log scale (log r = exclusive cumulative sum of log(1 − z), a product with
 * a constant matrix), so no value underflows to a log of 0. Initial values must lie inside the
 * open simplex (every entry > 0), where u is finite.
 */
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import { forwardIntoVia, showValues, summingMatrix, vectorLength, type Transform } from './transform.js';

/** How far the constrained values may be from summing to 1 (Stan's CONSTRAINT_TOLERANCE). */
export const SIMPLEX_TOLERANCE = 1e-8;

function offsets(k: number): Tensor {
  return new Tensor(Float64Array.from({ length: k - 1 }, (_, j) => -libm.log(k - 1 - j)), [k - 1]);
}

/** log z, log(1 − z) and log r (length K) of the stick-breaking construction. */
function sticks(u: Tensor): { logZ: Tensor; log1mZ: Tensor; logR: Tensor } {
  const k = u.size + 1;
  const a = T.add(u, offsets(k));
  const logZ = T.logSigmoid(a);
  const log1mZ = T.logSigmoid(T.neg(a));
  const exclusive = summingMatrix(k, k - 1, (i, j) => j < i);
  const logR = T.reshape(T.matmul(exclusive, T.reshape(log1mZ, [k - 1, 1])), [k]);
  return { logZ, log1mZ, logR };
}

export function simplexTransform(): Transform {
  const forward = (u: Tensor): Tensor => {
    const { logZ, logR } = sticks(u);
    return T.exp(T.add(logR, T.concat([logZ, new Tensor(new Float64Array(1), [1])])));
  };
  return {
    kind: 'simplex',
    freeShape: (shape, what = 'transform') => [vectorLength(shape, 'simplex', 2, what) - 1],
    forward,
    logJacobian: (u) => {
      const { logZ, log1mZ, logR } = sticks(u);
      return T.add(T.sum(T.add(logZ, log1mZ)), T.sum(T.slice(logR, [0], [u.size])));
    },
    forwardInto: forwardIntoVia(forward),
    inverse: (x, what = 'value') => {
      const k = x.length;
      let total = 0;
      for (let i = 0; i < k; i++) {
        if (!(x[i] > 0) || !Number.isFinite(x[i])) throw new Error(`${what}[${i}] = ${x[i]} is not a positive number: a 'simplex' value has entries > 0 summing to 1, got ${showValues(x)}`);
        total += x[i];
      }
      if (!(Math.abs(total - 1) <= SIMPLEX_TOLERANCE)) throw new Error(`${what} sums to ${total}, not 1: a 'simplex' value has entries > 0 summing to 1 (within ${SIMPLEX_TOLERANCE}), got ${showValues(x)}`);
      const u = new Float64Array(k - 1);
      let left = 1;
      for (let i = 0; i < k - 1; i++) {
        const z = x[i] / left;
        u[i] = libm.log(z) - libm.log1p(-z) + libm.log(k - 1 - i);
        left -= x[i];
      }
      return u;
    },
  };
}
