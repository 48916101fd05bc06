/**
 * Reductions over all elements or one axis: sum, mean, logSumExp (max-shifted for stability).
 * An axis reduction views the input as [outer, n, inner] and reduces the middle dimension.
 */
import { normalizeAxis, shapeSize } from '../../core/shape.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';

interface AxisView {
  outer: number;
  n: number;
  inner: number;
  outShape: number[];
}

function axisView(x: Tensor, axis: number | undefined, keepDims: boolean, op: string): AxisView {
  if (axis === undefined) {
    return { outer: 1, n: x.size, inner: 1, outShape: keepDims ? x.shape.map(() => 1) : [] };
  }
  const ax = normalizeAxis(axis, x.rank, op);
  const outShape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return { outer: shapeSize(x.shape.slice(0, ax)), n: x.shape[ax], inner: shapeSize(x.shape.slice(ax + 1)), outShape };
}

/** Sum over all elements, or over `axis` (negative counts from the end). */
export function sum(input: TensorLike, axis?: number, keepDims = false): Tensor {
  const x = asTensor(input, 'sum');
  const { outer, n, inner, outShape } = axisView(x, axis, keepDims, 'sum');
  const xd = x.data;
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < n; k++) {
      const base = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] += xd[base + i];
    }
  return record(new Tensor(out, outShape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < n; k++) {
        const base = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) gx[base + i] = g[o * inner + i];
      }
    accumulate(x, gx, x.shape, 'sum', true);
  });
}

/** Mean over all elements, or over `axis`. */
export function mean(input: TensorLike, axis?: number, keepDims = false): Tensor {
  const x = asTensor(input, 'mean');
  const { n } = axisView(x, axis, keepDims, 'mean');
  const s = sum(x, axis, keepDims);
  const out = new Float64Array(s.size);
  for (let i = 0; i < out.length; i++) out[i] = s.data[i] / n;
  return record(new Tensor(out, s.shape), [s], (g) => {
    const gs = new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) gs[i] = g[i] / n;
    accumulate(s, gs, s.shape, 'mean', true);
  });
}

/** log Σ exp(x) over all elements or `axis`, shifted by the max so ±1000 stays finite. */
export function logSumExp(input: TensorLike, axis?: number, keepDims = false): Tensor {
  const x = asTensor(input, 'logSumExp');
  const { outer, n, inner, outShape } = axisView(x, axis, keepDims, 'logSumExp');
  const xd = x.data;
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, xd[(o * n + k) * inner + i]);
      if (m === -Infinity || m === Infinity || Number.isNaN(m)) {
        out[o * inner + i] = m;
        continue;
      }
      let s = 0;
      for (let k = 0; k < n; k++) s += libm.exp(xd[(o * n + k) * inner + i] - m);
      out[o * inner + i] = m + libm.log(s);
    }
  return record(new Tensor(out, outShape), [x], (g) => {
    if (!tracks(x)) return;
    // ∂/∂x_k = softmax(x)_k = exp(x_k - lse)
    const gx = new Float64Array(x.size);
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < n; k++)
        for (let i = 0; i < inner; i++) {
          const j = (o * n + k) * inner + i;
          const lse = out[o * inner + i];
          gx[j] = lse === -Infinity ? 0 : g[o * inner + i] * libm.exp(xd[j] - lse);
        }
    accumulate(x, gx, x.shape, 'logSumExp', true);
  });
}
