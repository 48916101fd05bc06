/**
 * 'ordered' and 'positiveOrdered' vectors (Stan's `ordered[K]`, `positive_ordered[K]`, manual
 * §10.6–10.7): x₁ = u₁ (or e^{u₁}), x_k = x_{k−1} + e^{u_k}. The Jacobian is triangular with
 * diagonal (1 or e^{u₁}, e^{u₂}, …), so log|J| = Σ_{k≥2} u_k (+ u₁ when positive).
 * The cumulative sum is a product with a constant lower-triangular matrix of ones.
 */
import * as T from '../../autodiff/ops/index.js';
import type { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import { forwardIntoVia, scalar, showValues, summingMatrix, vectorLength, type Transform } from './transform.js';

export function orderedTransform(positive: boolean): Transform {
  const kind = positive ? 'positiveOrdered' : 'ordered';
  const article = positive ? 'a' : 'an';
  const forward = (u: Tensor): Tensor => {
    const k = u.size;
    const steps = positive ? T.exp(u) : k === 1 ? u : T.concat([T.slice(u, [0], [1]), T.exp(T.slice(u, [1], [k - 1]))]);
    if (k === 1) return steps;
    const cumulative = summingMatrix(k, k, (i, j) => j <= i);
    return T.reshape(T.matmul(cumulative, T.reshape(steps, [k, 1])), [k]);
  };
  return {
    kind,
    freeShape: (shape, what = 'transform') => [vectorLength(shape, kind, 1, what)],
    forward,
    logJacobian: (u) => (positive ? T.sum(u) : u.size === 1 ? scalar(0) : T.sum(T.slice(u, [1], [u.size - 1]))),
    forwardInto: forwardIntoVia(forward),
    inverse: (x, what = 'value') => {
      const u = new Float64Array(x.length);
      for (let k = 0; k < x.length; k++) {
        const step = k === 0 ? (positive ? x[0] : 0) : x[k] - x[k - 1];
        const ok = Number.isFinite(x[k]) && (k === 0 && !positive ? true : step > 0);
        if (!ok) {
          const why = k === 0 ? `${what}[0] = ${x[0]} is not a finite${positive ? ' positive' : ''} number` : `${what}[${k}] = ${x[k]} is not above [${k - 1}] = ${x[k - 1]}`;
          throw new Error(`${why}: ${article} '${kind}' value must be strictly increasing${positive ? ' and positive' : ''}, got ${showValues(x)}`);
        }
        u[k] = k === 0 && !positive ? x[0] : libm.log(step);
      }
      return u;
    },
  };
}
