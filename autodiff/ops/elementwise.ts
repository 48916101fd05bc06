/**
 * Binary elementwise ops with NumPy broadcasting: add, sub, mul, div, pow. Each forward loops
 * once over the output; broadcast inputs are read through a cached index map. Gradients are
 * produced in the output's shape and un-broadcast centrally by `accumulate`. Each op's plan
 * kernel (autodiff/compile/kernel.ts) follows its eager backward, un-broadcasting as it goes.
 */
import { broadcastIndexMap, broadcastShapes, shapeSize, shapesEqual } from '../../core/shape.js';
import { planned, type Bind, type KernelSource, type PlanKernel } from '../compile/kernel.js';
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

/** Plan attributes of a binary op: the output's size and the inputs' index maps (cached, never mutated). */
type BinaryAttrs = Pick<Broadcast, 'n' | 'ia' | 'ib'>;

/*
 * The kernels' backward loops write input i's gradient straight where the input has the
 * output's shape (map null), else summed over the broadcast axes in output order into a zeroed
 * buffer, as `sumToShape` does. The loops are spelled out per op: a shared loop calling a
 * per-op function is several times slower once V8 sees it called with five different functions.
 */

/** Element j of buffer `name` read through `map` (null: j itself), as text. */
const at = (name: string, map: Int32Array | null, bind: Bind, j = 'j') => `${name}[${map ? `${bind(map)}[${j}]` : j}]`;

/**
 * The generated-code text of a binary op (codegen.ts): `value` is element j of the output,
 * `grad(i)` element j's contribution to input i's gradient; written straight, or summed into a
 * zeroed buffer through the input's map, in output order, as the kernels do.
 */
function binarySource(value: (x: string, y: string) => string, grad: (s: BinaryAttrs, i: number, ins: readonly string[], out: string, g: string, bind: Bind) => string): KernelSource<BinaryAttrs> {
  return {
    forward: () => null,
    elementwise: (s, ins, _size, bind) => ({ n: s.n, sameIndex: [s.ia === null, s.ib === null], value: (j) => value(at(ins[0], s.ia, bind, j), at(ins[1], s.ib, bind, j)) }),
    backward(s, i, ins, out, g, gIn, bind) {
      const map = i === 0 ? s.ia : s.ib;
      const v = grad(s, i, ins, out, g, bind);
      if (map === null) return `for (let j = 0; j < ${s.n}; j++) ${gIn}[j] = ${v};`;
      return `${gIn}.fill(0);\nfor (let j = 0; j < ${s.n}; j++) ${gIn}[${bind(map)}[j]] += ${v};`;
    },
  };
}

const addKernel: PlanKernel<BinaryAttrs> = {
  source: binarySource((x, y) => `${x} + ${y}`, (_s, _i, _ins, _out, g) => `${g}[j]`),
  forward({ n, ia, ib }, ins, out) {
    const x = ins[0], y = ins[1];
    for (let j = 0; j < n; j++) out[j] = x[ia ? ia[j] : j] + y[ib ? ib[j] : j];
  },
  backward(s, i, _ins, _out, g, gIn) {
    const map = i === 0 ? s.ia : s.ib, n = s.n;
    if (map === null) for (let j = 0; j < n; j++) gIn[j] = g[j];
    else {
      gIn.fill(0);
      for (let j = 0; j < n; j++) gIn[map[j]] += g[j];
    }
  },
};

const subKernel: PlanKernel<BinaryAttrs> = {
  source: binarySource((x, y) => `${x} - ${y}`, (_s, i, _ins, _out, g) => `${i === 0 ? 1 : -1} * ${g}[j]`),
  forward({ n, ia, ib }, ins, out) {
    const x = ins[0], y = ins[1];
    for (let j = 0; j < n; j++) out[j] = x[ia ? ia[j] : j] - y[ib ? ib[j] : j];
  },
  backward(s, i, _ins, _out, g, gIn) {
    const map = i === 0 ? s.ia : s.ib, n = s.n, sign = i === 0 ? 1 : -1;
    // sign·g is exact (±g), as eager's g and −g.
    if (map === null) for (let j = 0; j < n; j++) gIn[j] = sign * g[j];
    else {
      gIn.fill(0);
      for (let j = 0; j < n; j++) gIn[map[j]] += sign * g[j];
    }
  },
};

const mulKernel: PlanKernel<BinaryAttrs> = {
  source: binarySource((x, y) => `${x} * ${y}`, (s, i, ins, _out, g, bind) => `${g}[j] * ${at(ins[1 - i], i === 0 ? s.ib : s.ia, bind)}`),
  forward({ n, ia, ib }, ins, out) {
    const x = ins[0], y = ins[1];
    for (let j = 0; j < n; j++) out[j] = x[ia ? ia[j] : j] * y[ib ? ib[j] : j];
  },
  backward(s, i, ins, _out, g, gIn) {
    // d(a·b)/da = b, d(a·b)/db = a: the other input, read through its own map.
    const map = i === 0 ? s.ia : s.ib, other = ins[1 - i], om = i === 0 ? s.ib : s.ia, n = s.n;
    if (map === null) for (let j = 0; j < n; j++) gIn[j] = g[j] * other[om ? om[j] : j];
    else {
      gIn.fill(0);
      for (let j = 0; j < n; j++) gIn[map[j]] += g[j] * other[om ? om[j] : j];
    }
  },
};

const divKernel: PlanKernel<BinaryAttrs> = {
  source: binarySource((x, y) => `${x} / ${y}`, (s, i, ins, out, g, bind) => (i === 0 ? `${g}[j] / ${at(ins[1], s.ib, bind)}` : `(-${g}[j] * ${out}[j]) / ${at(ins[1], s.ib, bind)}`)),
  forward({ n, ia, ib }, ins, out) {
    const x = ins[0], y = ins[1];
    for (let j = 0; j < n; j++) out[j] = x[ia ? ia[j] : j] / y[ib ? ib[j] : j];
  },
  backward(s, i, ins, out, g, gIn) {
    const map = i === 0 ? s.ia : s.ib, y = ins[1], ib = s.ib, n = s.n;
    if (map !== null) gIn.fill(0);
    for (let j = 0; j < n; j++) {
      // d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
      const v = i === 0 ? g[j] / y[ib ? ib[j] : j] : (-g[j] * out[j]) / y[ib ? ib[j] : j];
      if (map === null) gIn[j] = v;
      else gIn[map[j]] += v;
    }
  },
};

const powKernel: PlanKernel<BinaryAttrs> = {
  forward({ n, ia, ib }, ins, out) {
    const x = ins[0], y = ins[1];
    for (let j = 0; j < n; j++) out[j] = libm.pow(x[ia ? ia[j] : j], y[ib ? ib[j] : j]);
  },
  backward(s, i, ins, out, g, gIn) {
    const x = ins[0], y = ins[1];
    const map = i === 0 ? s.ia : s.ib, ia = s.ia, ib = s.ib, n = s.n;
    if (map !== null) gIn.fill(0);
    for (let j = 0; j < n; j++) {
      const e = y[ib ? ib[j] : j];
      const v = i === 0 ? (e === 0 ? 0 : g[j] * e * libm.pow(x[ia ? ia[j] : j], e - 1)) : out[j] === 0 ? 0 : g[j] * out[j] * libm.log(x[ia ? ia[j] : j]);
      if (map === null) gIn[j] = v;
      else gIn[map[j]] += v;
    }
  },
};

export function add(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('add', x, y);
  const ad = a.buffer, bd = b.buffer, out = new Float64Array(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] + bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia ? ia[i] : i] + bd[ib ? ib[i] : i];
  return record(new Tensor(out, shape), [a, b], (g) => {
    accumulate(a, g, shape, 'add');
    accumulate(b, g, shape, 'add');
  }, 'add', planned(addKernel, { n, ia, ib }));
}

export function sub(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('sub', x, y);
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
  }, 'sub', planned(subKernel, { n, ia, ib }));
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('mul', x, y);
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
  }, 'mul', planned(mulKernel, { n, ia, ib }));
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('div', x, y);
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
  }, 'div', planned(divKernel, { n, ia, ib }));
}

/** x ** y. The gradient in y, x^y·log x, is taken as 0 where x^y is 0 (x = 0, y > 0). */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  const { a, b, shape, ia, ib, n } = broadcastPair('pow', x, y);
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
  }, 'pow', planned(powKernel, { n, ia, ib }));
}
