/**
 * Unary elementwise ops. Each op is its forward loop plus the derivative it pushes back;
 * softplus and logSigmoid are fused for numerical stability (finite at ±1000). The same two
 * loops serve the eager op and its plan kernel, so the two cannot drift apart.
 */
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';
import { sigmoidScalar, softplusScalar } from '../../core/logistic.js';

/**
 * An op's two loops: `forward` fills `out` from `x`; `derivative` fills `dx` with ∂out/∂x given
 * x and out (multiplied by the incoming gradient afterwards, once, for every op).
 */
interface UnaryLoops {
  forward: (x: Float64Array, out: Float64Array) => void;
  derivative: (x: Float64Array, out: Float64Array, dx: Float64Array) => void;
  /**
   * The same two as expressions of one element x (and its output o), for generated code, where
   * they call no function: a call (tanh, exp) inlined at many sites of one large generated
   * function exceeds V8's inlining budget and boxes every result, so those loops are called.
   */
  text: { f?: (x: string) => string; d?: (x: string, o: string) => string };
}

/** The plan kernel of every unary op: its own loops on the plan's buffers. */
const unaryKernel: PlanKernel<UnaryLoops> = {
  forward(loops, ins, out) {
    loops.forward(ins[0], out);
  },
  backward(loops, _i, ins, out, gradOut, gradIn) {
    loops.derivative(ins[0], out, gradIn);
    for (let i = 0; i < gradIn.length; i++) gradIn[i] *= gradOut[i];
  },
  source: {
    forward: (loops, ins, out, bind) => (loops.text.f ? null : `${bind(loops.forward)}(${ins[0]}, ${out});`),
    elementwise: (loops, ins, size) => {
      const f = loops.text.f;
      return f ? { n: size, sameIndex: [true], value: (j) => f(`${ins[0]}[${j}]`) } : null;
    },
    backward(loops, _i, ins, out, g, gIn, bind) {
      const d = loops.text.d;
      if (d) return `for (let j = 0; j < ${gIn}.length; j++) ${gIn}[j] = (${d(`${ins[0]}[j]`, `${out}[j]`)}) * ${g}[j];`;
      return `${bind(loops.derivative)}(${ins[0]}, ${out}, ${gIn});\nfor (let j = 0; j < ${gIn}.length; j++) ${gIn}[j] *= ${g}[j];`;
    },
  },
};

/** Shared wrapper: the eager forward, the backward that scales the derivative by the gradient, and the kernel. */
function unary(op: string, input: TensorLike, loops: UnaryLoops): Tensor {
  const t = asTensor(input, op);
  const out = new Float64Array(t.size);
  loops.forward(t.buffer, out);
  return record(new Tensor(out, t.shape), [t], (g) => {
    if (!tracks(t)) return;
    const dx = new Float64Array(t.size);
    loops.derivative(t.buffer, out, dx);
    for (let i = 0; i < dx.length; i++) dx[i] *= g[i];
    accumulate(t, dx, t.shape, op, true);
  }, op, planned(unaryKernel, loops));
}

const NEG: UnaryLoops = { forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = -a[i]; }, derivative: (_a, _o, d) => d.fill(-1), text: { f: (x) => `-${x}`, d: () => '-1' } };
const EXP: UnaryLoops = { forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.exp(a[i]); }, derivative: (_a, o, d) => d.set(o), text: { d: (_x, o) => o } };
const LOG: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.log(a[i]); },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = 1 / a[i]; },
  text: { d: (x) => `1 / ${x}` },
};
const LOG1P: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.log1p(a[i]); },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = 1 / (1 + a[i]); },
  text: { d: (x) => `1 / (1 + ${x})` },
};
const EXPM1: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.expm1(a[i]); },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = libm.exp(a[i]); },
  text: {},
};
const TANH: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.tanh(a[i]); },
  derivative: (_a, o, d) => { for (let i = 0; i < o.length; i++) d[i] = 1 - o[i] * o[i]; },
  text: { d: (_x, o) => `1 - ${o} * ${o}` },
};
const SIGMOID: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = sigmoidScalar(a[i]); },
  derivative: (_a, o, d) => { for (let i = 0; i < o.length; i++) d[i] = o[i] * (1 - o[i]); },
  text: { d: (_x, o) => `${o} * (1 - ${o})` },
};
const SOFTPLUS: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = softplusScalar(a[i]); },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = sigmoidScalar(a[i]); },
  text: {},
};
const LOG_SIGMOID: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = -softplusScalar(-a[i]); },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = sigmoidScalar(-a[i]); },
  text: {},
};
const SQUARE: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = a[i] * a[i]; },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = 2 * a[i]; },
  text: { f: (x) => `${x} * ${x}`, d: (x) => `2 * ${x}` },
};
const SQRT: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = Math.sqrt(a[i]); },
  derivative: (_a, o, d) => { for (let i = 0; i < o.length; i++) d[i] = 0.5 / o[i]; },
  text: { f: (x) => `Math.sqrt(${x})`, d: (_x, o) => `0.5 / ${o}` },
};
const ABS: UnaryLoops = {
  forward: (a, o) => { for (let i = 0; i < a.length; i++) o[i] = Math.abs(a[i]); },
  derivative: (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = Math.sign(a[i]); },
  text: { f: (x) => `Math.abs(${x})`, d: (x) => `Math.sign(${x})` },
};

export function neg(x: TensorLike): Tensor {
  return unary('neg', x, NEG);
}
export function exp(x: TensorLike): Tensor {
  return unary('exp', x, EXP);
}
export function log(x: TensorLike): Tensor {
  return unary('log', x, LOG);
}
export function log1p(x: TensorLike): Tensor {
  return unary('log1p', x, LOG1P);
}
export function expm1(x: TensorLike): Tensor {
  return unary('expm1', x, EXPM1);
}
export function tanh(x: TensorLike): Tensor {
  return unary('tanh', x, TANH);
}
export function sigmoid(x: TensorLike): Tensor {
  return unary('sigmoid', x, SIGMOID);
}
export function softplus(x: TensorLike): Tensor {
  return unary('softplus', x, SOFTPLUS);
}
/** log σ(x) = -softplus(-x): fused for stability. */
export function logSigmoid(x: TensorLike): Tensor {
  return unary('logSigmoid', x, LOG_SIGMOID);
}
export function square(x: TensorLike): Tensor {
  return unary('square', x, SQUARE);
}
export function sqrt(x: TensorLike): Tensor {
  return unary('sqrt', x, SQRT);
}
/** |x|, with derivative sign(x) (0 at 0, as NumPy and PyTorch). */
export function abs(x: TensorLike): Tensor {
  return unary('abs', x, ABS);
}
