/**
 * Fused likelihood kernels: one pass instead of a chain of elementwise ops, for speed on the
 * hot path of every model (the BNN's likelihood touches every data point on every gradient).
 */
import { shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import { sigmoidScalar, softplusScalar } from '../../core/logistic.js';

/**
 * Σ_i [ y_i·l_i − log(1 + e^{l_i}) ]: the Bernoulli log-likelihood with logits `l`, stable for
 * large |l|. `y` (0/1 labels, same shape as `logits`) is data and gets no gradient.
 */
export function bernoulliLogitSum(y: TensorLike, logits: TensorLike): Tensor {
  const yt = asTensor(y, 'bernoulliLogitSum');
  const l = asTensor(logits, 'bernoulliLogitSum');
  // The same shape, not only the same size: labels [n, 1] against logits [1, n] would pair wrongly.
  if (yt.shape.length !== l.shape.length || yt.shape.some((d, i) => d !== l.shape[i])) {
    throw new Error(`bernoulliLogitSum: labels of shape ${shapeToString(yt.shape)} do not match logits of shape ${shapeToString(l.shape)}`);
  }
  const yd = yt.buffer, ld = l.buffer;
  for (let i = 0; i < yd.length; i++) {
    if (yd[i] !== 0 && yd[i] !== 1) throw new Error(`bernoulliLogitSum: label ${i} is ${yd[i]}; labels must be 0 or 1`);
  }
  const out = new Float64Array(1);
  bernoulliLogitSumKernel.forward(yd, [ld], out);
  return record(new Tensor(out, []), [l], (g) => {
    if (!tracks(l)) return;
    const gl = new Float64Array(ld.length);
    bernoulliLogitSumKernel.backward(yd, 0, [ld], out, g, gl);
    accumulate(l, gl, l.shape, 'bernoulliLogitSum', true);
  }, 'bernoulliLogitSum', planned(bernoulliLogitSumKernel, yd));
}

/** The one loop of the likelihood and of its gradient; the labels (constant data) are the attribute. */
const bernoulliLogitSumKernel: PlanKernel<Float64Array> = {
  forward(yd, ins, out) {
    const ld = ins[0];
    let s = 0;
    for (let i = 0; i < ld.length; i++) s += yd[i] * ld[i] - softplusScalar(ld[i]);
    out[0] = s;
  },
  backward(yd, _i, ins, _out, g, gl) {
    const ld = ins[0];
    for (let i = 0; i < ld.length; i++) gl[i] = g[0] * (yd[i] - sigmoidScalar(ld[i]));
  },
};
