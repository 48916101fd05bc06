/**
 * cumsum(x, axis): running sums along one axis (default: the last), same shape as x. Its
 * gradient is the running sum of the output's gradient taken from the other end.
 */
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import { lastAxisView, type AxisView } from './axis_view.js';

/** out[o, k, i] = Σ_{k' ≤ k} x[o, k', i]. */
function cumsumInto(x: Float64Array, out: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = 0; k < n; k++) out[base + k * inner] = s += x[base + k * inner];
    }
}

/** gx[o, k, i] = Σ_{k' ≥ k} g[o, k', i]. */
function cumsumBackwardInto(g: Float64Array, gx: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = n - 1; k >= 0; k--) gx[base + k * inner] = s += g[base + k * inner];
    }
}

const cumsumKernel: PlanKernel<AxisView> = {
  forward: (v, ins, out) => cumsumInto(ins[0], out, v),
  backward: (v, _i, _ins, _out, g, gx) => cumsumBackwardInto(g, gx, v),
};

/** Running sums of x along `axis` (default: the last axis), same shape as x. */
export function cumsum(input: TensorLike, axis?: number): Tensor {
  const x = asTensor(input, 'cumsum');
  const v = lastAxisView(x, axis, 'cumsum');
  const out = new Float64Array(x.size);
  cumsumInto(x.buffer, out, v);
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    cumsumBackwardInto(g, gx, v);
    accumulate(x, gx, x.shape, 'cumsum', true);
  }, 'cumsum', planned(cumsumKernel, v));
}
