/**
 * max and min over all elements or one axis. The gradient is a subgradient: all of it goes to
 * the first element attaining the extremum (the first NaN, if any, which is also the result).
 */
import { shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import { axisView, type AxisView } from './axis_view.js';

interface Attrs {
  view: AxisView;
  sign: 1 | -1;
  /** For each output element, the flat input index of its first arg-extremum (written by forward). */
  arg: Int32Array;
}

/** sign 1: max, sign −1: min; the first strict improvement wins, a NaN wins at once. */
function extremumInto(x: Float64Array, out: Float64Array, { view: { outer, n, inner }, sign, arg }: Attrs): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = base, m = x[base];
      for (let k = 1; k < n && !Number.isNaN(m); k++) {
        const v = x[base + k * inner];
        if (Number.isNaN(v) || (sign === 1 ? v > m : v < m)) (m = v), (best = base + k * inner);
      }
      out[o * inner + i] = m;
      arg[o * inner + i] = best;
    }
}

const extremumKernel: PlanKernel<Attrs> = {
  forward: (a, ins, out) => extremumInto(ins[0], out, a),
  backward({ arg }, _i, _ins, _out, g, gx) {
    gx.fill(0);
    for (let j = 0; j < arg.length; j++) gx[arg[j]] = g[j];
  },
};

function extremum(op: 'max' | 'min', input: TensorLike, axis: number | undefined, keepDims: boolean): Tensor {
  const x = asTensor(input, op);
  const view = axisView(x, axis, keepDims, op);
  if (view.n === 0) throw new Error(`${op}: ${axis === undefined ? 'the tensor' : `axis ${axis}`} of shape ${shapeToString(x.shape)} is empty`);
  const attrs: Attrs = { view, sign: op === 'max' ? 1 : -1, arg: new Int32Array(view.outer * view.inner) };
  const out = new Float64Array(attrs.arg.length);
  extremumInto(x.buffer, out, attrs);
  // The eager backward keeps this call's arg-extrema (a replay overwrites attrs.arg).
  const arg = Int32Array.from(attrs.arg);
  return record(new Tensor(out, view.reducedShape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    extremumKernel.backward({ view, sign: attrs.sign, arg }, 0, [x.buffer], out, g, gx);
    accumulate(x, gx, x.shape, op, true);
  }, op, planned(extremumKernel, attrs));
}

/** The largest element, over all elements or along `axis` (keepDims keeps it as size 1). */
export function max(input: TensorLike, axis?: number, keepDims = false): Tensor {
  return extremum('max', input, axis, keepDims);
}

/** The smallest element, over all elements or along `axis` (keepDims keeps it as size 1). */
export function min(input: TensorLike, axis?: number, keepDims = false): Tensor {
  return extremum('min', input, axis, keepDims);
}
