/**
 * Binary elementwise ops with NumPy broadcasting: add, sub, mul, div, pow. Each forward loops
 * once over the output; broadcast inputs are read through a cached index map. Gradients are
 * produced in the output's shape and un-broadcast centrally by `accumulate`. Each op's plan
 * kernel (autodiff/compile/kernel.ts) follows its eager backward, un-broadcasting as it goes.
 */
import { broadcastIndexMap, broadcastShapes, shapeSize, shapesEqual } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
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

/** Plan attributes of a binary op: the broadcast (its maps are cached and never mutated). */
type BinaryAttrs = Broadcast;

/**
 * Store `v(i)` for output element i into an input's gradient `gIn`: directly where the input has
 * the output's shape, else summed over the broadcast axes in output order (as `sumToShape` does).
 */
function scatter(gIn: Float64Array, map: Int32Array | null, n: number, v: (i: number) => number): void {
  if (map === null) {
    for (let i = 0; i < n; i++) gIn[i] = v(i);
    return;
  }
  gIn.fill(0);
  for (let i = 0; i < n; i++) gIn[map[i]] += v(i);
}

/** The kernel of a binary op from its elementwise forward and its gradient of input i at element j. */
function binaryKernel(
  f: (x: number, y: number) => number,
  grad: (i: number, g: number, x: number, y: number, out: number) => number,
): PlanKernel<BinaryAttrs> {
  // The scatter callbacks read these, set before each use, so no closure is made per replay.
  let gi = 0, go: Float64Array, ad: Float64Array, bd: Float64Array, od: Float64Array, ia: Int32Array | null, ib: Int32Array | null;
  const value = (j: number) => grad(gi, go[j], ad[ia ? ia[j] : j], bd[ib ? ib[j] : j], od[j]);
  return {
    forward(s, ins, out) {
      const x = ins[0], y = ins[1], ma = s.ia, mb = s.ib;
      for (let j = 0; j < s.n; j++) out[j] = f(x[ma ? ma[j] : j], y[mb ? mb[j] : j]);
    },
    backward(s, i, ins, out, gradOut, gradIn) {
      gi = i; go = gradOut; ad = ins[0]; bd = ins[1]; od = out; ia = s.ia; ib = s.ib;
      scatter(gradIn, i === 0 ? s.ia : s.ib, s.n, value);
    },
  };
}

const addKernel = binaryKernel((x, y) => x + y, (_i, g) => g);
const subKernel = binaryKernel((x, y) => x - y, (i, g) => (i === 0 ? g : -g));
const mulKernel = binaryKernel((x, y) => x * y, (i, g, x, y) => (i === 0 ? g * y : g * x));
const divKernel = binaryKernel((x, y) => x / y, (i, g, _x, y, out) => (i === 0 ? g / y : (-g * out) / y));
const powKernel = binaryKernel(libm.pow, (i, g, x, y, out) => {
  if (i === 0) return y === 0 ? 0 : g * y * libm.pow(x, y - 1);
  return out === 0 ? 0 : g * out * libm.log(x);
});

export function add(x: TensorLike, y: TensorLike): Tensor {
  const bc = broadcastPair('add', x, y);
  const { a, b, shape, ia, ib, n } = bc;
  const ad = a.buffer, bd = b.buffer, out = new Float64Array(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] + bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] + bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    accumulate(a, g, shape, 'add');
    accumulate(b, g, shape, 'add');
  }, 'add', planned(addKernel, bc));
}

export function sub(x: TensorLike, y: TensorLike): Tensor {
  const bc = broadcastPair('sub', x, y);
  const { a, b, shape, ia, ib, n } = bc;
  const ad = a.buffer, bd = b.buffer, out = new Float64Array(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] - bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] - bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    accumulate(a, g, shape, 'sub');
    if (tracks(b)) {
      const gb = new Float64Array(n);
      for (let i = 0; i < n; i++) gb[i] = -g[i];
      accumulate(b, gb, shape, 'sub', true);
    }
  }, 'sub', planned(subKernel, bc));
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const bc = broadcastPair('mul', x, y);
  const { a, b, shape, ia, ib, n } = bc;
  const ad = a.buffer, bd = b.buffer, out = new Float64Array(n);
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
  }, 'mul', planned(mulKernel, bc));
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const bc = broadcastPair('div', x, y);
  const { a, b, shape, ia, ib, n } = bc;
  const ad = a.buffer, bd = b.buffer, out = new Float64Array(n);
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
  }, 'div', planned(divKernel, bc));
}

/** x ** y. The gradient in y, x^y·log x, is taken as 0 where x^y is 0 (x = 0, y > 0). */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  const bc = broadcastPair('pow', x, y);
  const { a, b, shape, ia, ib, n } = bc;
  const ad = a.buffer, bd = b.buffer, out = new Float64Array(n);
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
  }, 'pow', planned(powKernel, bc));
}
