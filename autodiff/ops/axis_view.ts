/**
 * The [outer, n, inner] view of a tensor around one axis, shared by the axis ops in new files
 * (softmax, logSoftmax, cumsum, max, min): element (o, k, i) sits at (o·n + k)·inner + i.
 */
import { normalizeAxis, shapeSize } from '../../core/shape.js';
import type { Tensor } from '../tensor.js';

export interface AxisView {
  outer: number;
  n: number;
  inner: number;
  /** The shape of a reduction over the axis (with keepDims, the axis kept as 1). */
  reducedShape: number[];
}

/** The view of `x` around `axis` (negative counts from the end); `undefined` views all elements as one axis. */
export function axisView(x: Tensor, axis: number | undefined, keepDims: boolean, op: string): AxisView {
  if (axis === undefined) return { outer: 1, n: x.size, inner: 1, reducedShape: keepDims ? x.shape.map(() => 1) : [] };
  const ax = normalizeAxis(axis, x.rank, op);
  const reducedShape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return { outer: shapeSize(x.shape.slice(0, ax)), n: x.shape[ax], inner: shapeSize(x.shape.slice(ax + 1)), reducedShape };
}

/** The view around the last axis by default, as softmax, logSoftmax and cumsum take it; a scalar is refused. */
export function lastAxisView(x: Tensor, axis: number | undefined, op: string): AxisView {
  if (x.rank === 0) throw new Error(`${op}: needs a tensor with at least one axis, got a scalar`);
  return axisView(x, axis ?? -1, false, op);
}
