/**
 * gather(x, indices, axis): the slices x[…, indices[j], …] along one axis, as NumPy's `take`
 * with a 1-D index array, so `theta[group[i]]` is one op instead of a one-hot matmul. The
 * gradient scatter-adds: a slice picked twice receives both gradients, in index order.
 */
import { normalizeAxis, shapeSize, shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

/** For each output element j, the flat index of the input element it copies. */
function gatherMap(shape: readonly number[], ax: number, idx: Int32Array): Int32Array {
  const outer = shapeSize(shape.slice(0, ax));
  const n = shape[ax];
  const inner = shapeSize(shape.slice(ax + 1));
  const m = idx.length;
  const map = new Int32Array(outer * m * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < m; j++)
      for (let i = 0; i < inner; i++) map[(o * m + j) * inner + i] = (o * n + idx[j]) * inner + i;
  return map;
}

/** Indices as an Int32Array, each checked to be an integer in [0, n); the error names its position and value. */
function checkIndices(indices: unknown, n: number, ax: number, shape: readonly number[]): Int32Array {
  if (!(ArrayBuffer.isView(indices) || Array.isArray(indices))) {
    throw new Error(`gather: indices must be an Int32Array or an array of integers, got ${indices instanceof Tensor ? 'a Tensor' : typeof indices}`);
  }
  const list = indices as ArrayLike<number>;
  const out = new Int32Array(list.length);
  for (let j = 0; j < list.length; j++) {
    const v = list[j];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
      throw new Error(`gather: index ${String(v)} at position ${j} is out of range [0, ${n}) for axis ${ax} of shape ${shapeToString(shape)}`);
    }
    out[j] = v;
  }
  return out;
}

interface GatherAttrs {
  /** out[j] = x[map[j]]. */
  map: Int32Array;
}

const gatherKernel: PlanKernel<GatherAttrs> = {
  forward({ map }, ins, out) {
    const x = ins[0];
    for (let j = 0; j < map.length; j++) out[j] = x[map[j]];
  },
  backward({ map }, _i, _ins, _out, g, gx) {
    gx.fill(0);
    for (let j = 0; j < map.length; j++) gx[map[j]] += g[j];
  },
};

/**
 * The slices of `x` at `indices` (integers in [0, n), repeats allowed) along `axis` (default 0):
 * the result's shape is x's with that axis replaced by `indices.length`.
 */
export function gather(input: TensorLike, indices: Int32Array | readonly number[], axis = 0): Tensor {
  const x = asTensor(input, 'gather');
  if (x.rank === 0) throw new Error('gather: x must have at least one axis, got a scalar');
  const ax = normalizeAxis(axis, x.rank, 'gather');
  const idx = checkIndices(indices, x.shape[ax], ax, x.shape);
  const attrs: GatherAttrs = { map: gatherMap(x.shape, ax, idx) };
  const outShape = x.shape.map((d, a) => (a === ax ? idx.length : d));
  const out = new Float64Array(attrs.map.length);
  gatherKernel.forward(attrs, [x.buffer], out);
  return record(new Tensor(out, outShape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    gatherKernel.backward(attrs, 0, [x.buffer], out, g, gx);
    accumulate(x, gx, x.shape, 'gather', true);
  }, 'gather', planned(gatherKernel, attrs));
}
