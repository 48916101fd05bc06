/**
 * Special-function ops: lgamma (log Γ), whose derivative is digamma. Needed for a Student-t
 * with a tracked degrees-of-freedom parameter.
 */
import { digamma as digammaScalar, lgamma as lgammaScalar } from '../../core/special.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

const lgammaKernel: PlanKernel<null> = {
  forward(_a, ins, out) {
    const xd = ins[0];
    for (let i = 0; i < out.length; i++) out[i] = lgammaScalar(xd[i]);
  },
  backward(_a, _i, ins, _out, g, gx) {
    const xd = ins[0];
    for (let i = 0; i < gx.length; i++) gx[i] = g[i] * digammaScalar(xd[i]);
  },
};

/** log|Γ(x)| elementwise; ∂/∂x = ψ(x). */
export function lgamma(input: TensorLike): Tensor {
  const x = asTensor(input, 'lgamma');
  const out = new Float64Array(x.size);
  lgammaKernel.forward(null, [x.buffer], out);
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    lgammaKernel.backward(null, 0, [x.buffer], out, g, gx);
    accumulate(x, gx, x.shape, 'lgamma', true);
  }, 'lgamma', planned(lgammaKernel, null));
}
