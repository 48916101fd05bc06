/** dot(a, b) = Σ a_k·b_k of two vectors of one length, a scalar; ∂/∂a = g·b, ∂/∂b = g·a. */
import { shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

const dotKernel: PlanKernel<null> = {
  forward(_a, ins, out) {
    const x = ins[0], y = ins[1];
    let s = 0;
    for (let k = 0; k < x.length; k++) s += x[k] * y[k];
    out[0] = s;
  },
  backward(_a, i, ins, _out, g, gIn) {
    const other = ins[1 - i], gv = g[0];
    for (let k = 0; k < gIn.length; k++) gIn[k] = gv * other[k];
  },
};

/** The inner product of two vectors of the same length. */
export function dot(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x, 'dot');
  const b = asTensor(y, 'dot');
  if (a.rank !== 1 || b.rank !== 1 || a.size !== b.size) {
    throw new Error(`dot: expects two vectors of one length, got shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  const out = new Float64Array(1);
  dotKernel.forward(null, [a.buffer, b.buffer], out);
  return record(new Tensor(out, []), [a, b], (g) => {
    [a, b].forEach((t, i) => {
      if (!tracks(t)) return;
      const gt = new Float64Array(t.size);
      dotKernel.backward(null, i, [a.buffer, b.buffer], out, g, gt);
      accumulate(t, gt, t.shape, 'dot', true);
    });
  }, 'dot', planned(dotKernel, null));
}
