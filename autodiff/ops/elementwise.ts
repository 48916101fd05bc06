/**
 * Binary elementwise ops with NumPy broadcasting: add, sub, mul, div, pow. Each forward loops
 * once over the output; broadcast inputs are read through a cached index map. Gradients are
 * produced in the output's shape and un-broadcast centrally by `accumulate`.
 */
import { broadcastIndexMap, broadcastShapes, shapeSize, shapesEqual } from '../../core/shape.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';

interface Broadcast {
  a: Tensor;
  b: Tensor;
  shape: number[];
  /** Index maps into a and b, or null where the input already has the output's shape. */
  ia: Int32Array | null;
  ib: Int32Array | null;
  n: number;
}

function broadcastPair(op: string, x: TensorLike, y: TensorLike): Broadcast {
  const a = asTensor(x, op);
  const b = asTensor(y, op);
  const shape = shapesEqual(a.shape, b.shape) ? [...a.shape] : broadcastShapes(a.shape, b.shape, op);
  const ia = shapesEqual(a.shape, shape) ? null : broadcastIndexMap(a.shape, shape);
  const ib = shapesEqual(b.shape, shape) ? null : broadcastIndexMap(b.shape, shape);
  return { a, b, shape, ia, ib, n: shapeSize(shape) };
}

export function add(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('add', x, y);
  const ad = a.data, bd = b.data, out = new Float64Array(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] + bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] + bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    accumulate(a, g, shape, 'add');
    accumulate(b, g, shape, 'add');
  });
}

export function sub(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('sub', x, y);
  const ad = a.data, bd = b.data, out = new Float64Array(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] - bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] - bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    accumulate(a, g, shape, 'sub');
    if (tracks(b)) {
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) gb[i] = -g[i];
      accumulate(b, gb, shape, 'sub', true);
    }
  });
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('mul', x, y);
  const ad = a.data, bd = b.data, out = new Float64Array(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] * bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] * bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    if (tracks(a)) {
      const ga = new Float64Array(n);
      for (let i = 0; i < n; i++) ga[i] = g[i] * bd[ib ? ib[i] : i];
      accumulate(a, ga, shape, 'mul', true);
    }
    if (tracks(b)) {
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) gb[i] = g[i] * ad[ia ? ia[i] : i];
      accumulate(b, gb, shape, 'mul', true);
    }
  });
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('div', x, y);
  const ad = a.data, bd = b.data, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] / bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    if (tracks(a)) {
      const ga = new Float64Array(n);
      for (let i = 0; i < n; i++) ga[i] = g[i] / bd[ib ? ib[i] : i];
      accumulate(a, ga, shape, 'div', true);
    }
    if (tracks(b)) {
      // d(a/b)/db = -(a/b)/b
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) gb[i] = (-g[i] * out[i]) / bd[ib ? ib[i] : i];
      accumulate(b, gb, shape, 'div', true);
    }
  });
}

/** x ** y. The gradient in y, x^y·log x, is taken as 0 where x^y is 0 (x = 0, y > 0). */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('pow', x, y);
  const ad = a.data, bd = b.data, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = libm.pow(ad[ia ? ia[i] : i], bd[ib ? ib[i] : i]);
  return record(new Tensor(out, shape), [a, b], (g) => {
    if (tracks(a)) {
      const ga = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const e = bd[ib ? ib[i] : i];
        ga[i] = e === 0 ? 0 : g[i] * e * libm.pow(ad[ia ? ia[i] : i], e - 1);
      }
      accumulate(a, ga, shape, 'pow', true);
    }
    if (tracks(b)) {
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) gb[i] = out[i] === 0 ? 0 : g[i] * out[i] * libm.log(ad[ia ? ia[i] : i]);
      accumulate(b, gb, shape, 'pow', true);
    }
  });
}
