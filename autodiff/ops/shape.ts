/**
 * Shape ops: reshape (shares memory), transpose, slice, index, concat, stack. Strided copies go
 * through `ndarray` views and `ndarray-ops.assign`; each gradient is the inverse copy. The plan
 * kernels copy through a gather map (built once per plan) instead, as views would allocate.
 */
import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { normalizeAxis, shapeSize, shapeToString, stridesOf } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

function view(data: Float64Array, shape: readonly number[]) {
  return ndarray(data, [...shape], stridesOf(shape));
}

/** A copy op's plan attributes: how to build its gather map (out[j] = x[map[j]]), and the map once built. */
interface GatherAttrs {
  inSize: number;
  build: () => Int32Array;
  map: Int32Array | null;
}

/** The gather map of an ndarray copy: run the same `assign` on the indices instead of the values. */
function gatherMap(inShape: readonly number[], outShape: readonly number[], select: (nd: ReturnType<typeof view>) => ReturnType<typeof view>): Int32Array {
  const idx = Float64Array.from({ length: shapeSize(inShape) }, (_, i) => i);
  const out = new Float64Array(shapeSize(outShape));
  ops.assign(view(out, outShape), select(view(idx, inShape)));
  return Int32Array.from(out);
}

/** Plan kernel of transpose and slice: a gather forward and a scatter (zeros elsewhere) backward. */
const gatherKernel: PlanKernel<GatherAttrs> = {
  forward(a, ins, out) {
    const map = (a.map ??= a.build()), x = ins[0];
    for (let j = 0; j < map.length; j++) out[j] = x[map[j]];
  },
  backward(a, _i, _ins, _out, g, gx) {
    const map = (a.map ??= a.build());
    if (map.length !== a.inSize) gx.fill(0);
    for (let j = 0; j < map.length; j++) gx[map[j]] = g[j];
  },
};

/** Reshape shares its input's buffer; its gradient is a copy. */
const reshapeKernel: PlanKernel<null> = {
  view: true,
  forward() {},
  backward(_a, _i, _ins, _out, g, gx) {
    gx.set(g);
  },
};

/** Same values in a new shape; one entry may be -1 (inferred). Shares the input's memory. */
export function reshape(input: TensorLike, shape: number[]): Tensor {
  const x = asTensor(input, 'reshape');
  const free = shape.filter((d) => d === -1).length;
  if (free > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`reshape: invalid target shape ${shapeToString(shape)}`);
  }
  const known = shapeSize(shape.filter((d) => d !== -1));
  const target = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (shapeSize(target) !== x.size || !target.every(Number.isInteger)) {
    throw new Error(`reshape: cannot reshape ${shapeToString(x.shape)} (${x.size} elements) into ${shapeToString(shape)}`);
  }
  return record(new Tensor(x.buffer, target), [x], (g) => accumulate(x, g, x.shape, 'reshape'), 'reshape', planned(reshapeKernel, null));
}

/** Permute axes (default: reverse them, so a matrix is transposed). */
export function transpose(input: TensorLike, perm?: number[]): Tensor {
  const x = asTensor(input, 'transpose');
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((u, v) => u - v);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
    throw new Error(`transpose: perm ${JSON.stringify(p)} is not a permutation of the ${x.rank} axes of shape ${shapeToString(x.shape)}`);
  }
  const outShape = p.map((a) => x.shape[a]);
  const out = new Float64Array(x.size);
  ops.assign(view(out, outShape), view(x.buffer, x.shape).transpose(...p));
  return record(new Tensor(out, outShape), [x], (g) => {
    if (!tracks(x)) return;
    const inverse = new Array<number>(p.length);
    p.forEach((a, i) => (inverse[a] = i));
    const gx = new Float64Array(x.size);
    ops.assign(view(gx, x.shape), view(g, outShape).transpose(...inverse));
    accumulate(x, gx, x.shape, 'transpose', true);
  }, 'transpose', planned(gatherKernel, { inSize: x.size, build: () => gatherMap(x.shape, outShape, (nd) => nd.transpose(...p)), map: null }));
}

/** The block starting at `begin` with extent `size` per axis (-1: to the end), as tf.slice. */
export function slice(input: TensorLike, begin: number[], size?: number[]): Tensor {
  const x = asTensor(input, 'slice');
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new Error(`slice: begin ${JSON.stringify(begin)} and size ${JSON.stringify(size)} must have one entry per axis of shape ${shapeToString(x.shape)}`);
  }
  const ext = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(begin[i]) || !Number.isInteger(ext[i]) || begin[i] < 0 || ext[i] < 0 || begin[i] + ext[i] > d) {
      throw new Error(`slice: block begin ${JSON.stringify(begin)} size ${JSON.stringify(ext)} exceeds shape ${shapeToString(x.shape)} on axis ${i}`);
    }
  });
  const out = new Float64Array(shapeSize(ext));
  const block = (nd: ReturnType<typeof view>) => nd.lo(...begin).hi(...ext);
  ops.assign(view(out, ext), block(view(x.buffer, x.shape)));
  return record(new Tensor(out, ext), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    ops.assign(block(view(gx, x.shape)), view(g, ext));
    accumulate(x, gx, x.shape, 'slice', true);
  }, 'slice', planned(gatherKernel, { inSize: x.size, build: () => gatherMap(x.shape, ext, block), map: null }));
}

/** x[i] along `axis` (default 0): drops that axis. Negative i counts from the end. */
export function index(input: TensorLike, i: number, axis = 0): Tensor {
  const x = asTensor(input, 'index');
  const ax = normalizeAxis(axis, x.rank, 'index');
  const n = x.shape[ax];
  if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`index: index ${i} is out of range for axis ${ax} of shape ${shapeToString(x.shape)}`);
  const begin = x.shape.map((_, a) => (a === ax ? (i < 0 ? i + n : i) : 0));
  const size = x.shape.map((d, a) => (a === ax ? 1 : d));
  return reshape(slice(x, begin, size), x.shape.filter((_, a) => a !== ax));
}

/** Join tensors along an existing axis; all other dimensions must agree. */
export function concat(inputs: TensorLike[], axis = 0): Tensor {
  if (inputs.length === 0) throw new Error('concat: needs at least one tensor');
  const xs = inputs.map((t) => asTensor(t, 'concat'));
  const first = xs[0];
  const ax = normalizeAxis(axis, first.rank, 'concat');
  xs.forEach((t, j) => {
    if (t.rank !== first.rank || t.shape.some((d, a) => a !== ax && d !== first.shape[a])) {
      throw new Error(`concat: tensor ${j} of shape ${shapeToString(t.shape)} does not match ${shapeToString(first.shape)} outside axis ${ax}`);
    }
  });
  const outer = shapeSize(first.shape.slice(0, ax));
  const inner = shapeSize(first.shape.slice(ax + 1));
  const widths = xs.map((t) => t.shape[ax] * inner);
  const total = widths.reduce((p, w) => p + w, 0);
  const outShape = first.shape.map((d, a) => (a === ax ? total / inner : d));
  const out = new Float64Array(outer * total);
  let offset = 0;
  xs.forEach((t, j) => {
    for (let o = 0; o < outer; o++) out.set(t.buffer.subarray(o * widths[j], (o + 1) * widths[j]), o * total + offset);
    offset += widths[j];
  });
  const offsets = widths.map((_, j) => widths.slice(0, j).reduce((p, w) => p + w, 0));
  return record(new Tensor(out, outShape), xs, (g) => {
    let off = 0;
    xs.forEach((t, j) => {
      if (tracks(t)) {
        const gt = new Float64Array(t.size);
        for (let o = 0; o < outer; o++) gt.set(g.subarray(o * total + off, o * total + off + widths[j]), o * widths[j]);
        accumulate(t, gt, t.shape, 'concat', true);
      }
      off += widths[j];
    });
  }, 'concat', planned(concatKernel, { outer, total, widths, offsets }));
}

/** Concat's plan attributes: per input its width (elements per outer row) and its offset in a row of the output. */
interface ConcatAttrs {
  outer: number;
  total: number;
  widths: number[];
  offsets: number[];
}

const concatKernel: PlanKernel<ConcatAttrs> = {
  forward({ outer, total, widths, offsets }, ins, out) {
    for (let j = 0; j < ins.length; j++) {
      const x = ins[j], w = widths[j], off = offsets[j];
      for (let o = 0; o < outer; o++) for (let c = 0; c < w; c++) out[o * total + off + c] = x[o * w + c];
    }
  },
  backward({ outer, total, widths, offsets }, j, _ins, _out, g, gx) {
    const w = widths[j], off = offsets[j];
    for (let o = 0; o < outer; o++) for (let c = 0; c < w; c++) gx[o * w + c] = g[o * total + off + c];
  },
};

/** Join same-shaped tensors along a new axis. */
export function stack(inputs: TensorLike[], axis = 0): Tensor {
  if (inputs.length === 0) throw new Error('stack: needs at least one tensor');
  const xs = inputs.map((t) => asTensor(t, 'stack'));
  const rank = xs[0].rank;
  const ax = normalizeAxis(axis, rank + 1, 'stack');
  xs.forEach((t, j) => {
    if (t.rank !== rank || t.shape.some((d, a) => d !== xs[0].shape[a])) {
      throw new Error(`stack: tensor ${j} has shape ${shapeToString(t.shape)}, expected ${shapeToString(xs[0].shape)}`);
    }
  });
  const expanded = [...xs[0].shape.slice(0, ax), 1, ...xs[0].shape.slice(ax)];
  return concat(xs.map((t) => reshape(t, expanded)), ax);
}
