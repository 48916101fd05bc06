/**
 * Special-function ops: lgamma (log Γ), whose derivative is digamma. Needed for a Student-t
 * with a tracked degrees-of-freedom parameter.
 */
import { digamma as digammaScalar, lgamma as lgammaScalar } from '../../core/special.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

/** log|Γ(x)| elementwise; ∂/∂x = ψ(x). */
export function lgamma(input: TensorLike): Tensor {
  const x = asTensor(input, 'lgamma');
  const xd = x.data;
  const out = new Float64Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = lgammaScalar(xd[i]);
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    for (let i = 0; i < gx.length; i++) gx[i] = g[i] * digammaScalar(xd[i]);
    accumulate(x, gx, x.shape, 'lgamma', true);
  });
}
