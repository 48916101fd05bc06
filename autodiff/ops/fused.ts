/**
 * Fused likelihood kernels: one pass instead of a chain of elementwise ops, for speed on the
 * hot path of every model (the BNN's likelihood touches every data point on every gradient).
 */
import { shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';

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
  const attrs: BernoulliAttrs = { y: yd, residual: new Float64Array(ld.length) };
  bernoulliLogitSumKernel.forward(attrs, [ld], out);
  return record(new Tensor(out, []), [l], (g) => {
    if (!tracks(l)) return;
    const gl = new Float64Array(ld.length);
    bernoulliLogitSumKernel.backward(attrs, 0, [ld], out, g, gl);
    accumulate(l, gl, l.shape, 'bernoulliLogitSum', true);
  }, 'bernoulliLogitSum', planned(bernoulliLogitSumKernel, attrs));
}

/** The labels (constant data), and y_i − σ(l_i) per point, kept by the forward pass for the backward. */
interface BernoulliAttrs {
  y: Float64Array;
  residual: Float64Array;
}

/**
 * The one loop of the likelihood, which also keeps each point's y − σ(l) for the gradient:
 * softplus(l) = max(l, 0) + log1p(e) and σ(l) share e = exp(−|l|), one exp per point. The values
 * are softplusScalar's and sigmoidScalar's exactly (σ(l) = 1/(1 + e) for l ≥ 0, e/(1 + e) below).
 */
const bernoulliLogitSumKernel: PlanKernel<BernoulliAttrs> = {
  forward({ y, residual }, ins, out) {
    const ld = ins[0];
    let s = 0;
    for (let i = 0; i < ld.length; i++) {
      const l = ld[i];
      const e = libm.exp(-Math.abs(l));
      s += y[i] * l - (Math.max(l, 0) + libm.log1p(e));
      residual[i] = y[i] - (l >= 0 ? 1 / (1 + e) : e / (1 + e));
    }
    out[0] = s;
  },
  backward({ residual }, _i, _ins, _out, g, gl) {
    for (let i = 0; i < residual.length; i++) gl[i] = g[0] * residual[i];
  },
};
