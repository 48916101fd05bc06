/**
 * logAddExp(a, b) = log(exp(a) + exp(b)) elementwise with broadcasting, computed as
 * max + log1p(exp(−|a − b|)) so ±1000 stays finite: the two-term mixture's building block.
 */
import { broadcastIndexMap, broadcastShapes, shapeSize, shapesEqual } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';

interface Attrs {
  n: number;
  /** Index maps into a and b, or null where the input has the output's shape. */
  ia: Int32Array | null;
  ib: Int32Array | null;
}

/** One element: equal infinities (both −∞ or both +∞) give that infinity, not NaN. */
function lae(x: number, y: number): number {
  if (x === y && !Number.isFinite(x)) return x;
  const m = x > y ? x : y;
  return m + libm.log1p(libm.exp(-Math.abs(x - y)));
}

const kernel: PlanKernel<Attrs> = {
  forward({ n, ia, ib }, ins, out) {
    const a = ins[0], b = ins[1];
    for (let j = 0; j < n; j++) out[j] = lae(a[ia ? ia[j] : j], b[ib ? ib[j] : j]);
  },
  /** ∂/∂a = exp(a − out) (0 where out is −∞), times g; summed over broadcast axes in output order. */
  backward({ n, ia, ib }, i, ins, out, g, gIn) {
    const x = ins[i], map = i === 0 ? ia : ib;
    if (map !== null) gIn.fill(0);
    for (let j = 0; j < n; j++) {
      const k = map ? map[j] : j;
      const d = out[j] === -Infinity ? 0 : g[j] * libm.exp(x[k] - out[j]);
      if (map) gIn[k] += d;
      else gIn[k] = d;
    }
  },
};

/** log(exp(a) + exp(b)) elementwise, NumPy broadcasting, stable for large and −∞ arguments. */
export function logAddExp(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x, 'logAddExp');
  const b = asTensor(y, 'logAddExp');
  const shape = shapesEqual(a.shape, b.shape) ? [...a.shape] : broadcastShapes(a.shape, b.shape, 'logAddExp');
  const attrs: Attrs = {
    n: shapeSize(shape),
    ia: shapesEqual(a.shape, shape) ? null : broadcastIndexMap(a.shape, shape),
    ib: shapesEqual(b.shape, shape) ? null : broadcastIndexMap(b.shape, shape),
  };
  const out = new Float64Array(attrs.n);
  kernel.forward(attrs, [a.buffer, b.buffer], out);
  return record(new Tensor(out, shape), [a, b], (g) => {
    [a, b].forEach((t, i) => {
      if (!tracks(t)) return;
      const gt = new Float64Array(t.size);
      kernel.backward(attrs, i, [a.buffer, b.buffer], out, g, gt);
      accumulate(t, gt, t.shape, 'logAddExp', true);
    });
  }, 'logAddExp', planned(kernel, attrs));
}
