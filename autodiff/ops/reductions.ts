/**
 * Reductions over all elements or one axis: sum, mean, logSumExp (max-shifted for stability).
 * An axis reduction views the input as [outer, n, inner] and reduces the middle dimension.
 * Each op's plan kernel (autodiff/compile/kernel.ts) repeats its loops on the plan's buffers.
 */
import { normalizeAxis, shapeSize } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
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

/** out[o, i] = Σ_k x[o, k, i], into a zeroed `out`. */
function sumInto(xd: Float64Array, out: Float64Array, { outer, n, inner }: AxisView): void {
  if (outer === 1 && inner === 1) {
    // The sum of everything: the same additions in the same order, in a register.
    let s = out[0];
    for (let k = 0; k < n; k++) s += xd[k];
    out[0] = s;
    return;
  }
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < n; k++) {
      const base = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] += xd[base + i];
    }
}

/** gx[o, k, i] = g[o, i]: the gradient of the sum, every element written. */
function sumBackwardInto(g: Float64Array, gx: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < n; k++) {
      const base = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) gx[base + i] = g[o * inner + i];
    }
}

const sumKernel: PlanKernel<AxisView> = {
  forward(v, ins, out) {
    if (v.outer * v.inner === 1) out[0] = 0;
    else out.fill(0);
    sumInto(ins[0], out, v);
  },
  backward(v, _i, _ins, _out, gradOut, gradIn) {
    sumBackwardInto(gradOut, gradIn, v);
  },
  // Generated code for the sum of everything (the likelihood's and the priors' sums); axis sums call the kernel.
  source: {
    forward: (v, ins, out) => (v.outer * v.inner === 1 ? `let s = 0;\nfor (let k = 0; k < ${v.n}; k++) s += ${ins[0]}[k];\n${out}[0] = s;` : null),
    backward: (v, _i, _ins, _out, g, gIn) => (v.outer * v.inner === 1 ? `for (let k = 0; k < ${v.n}; k++) ${gIn}[k] = ${g}[0];` : null),
    sumOf: (v, ins) => (v.outer * v.inner === 1 ? { n: v.n, term: (j) => `${ins[0]}[${j}]` } : null),
  },
};

/** Sum over all elements, or over `axis` (negative counts from the end). */
export function sum(input: TensorLike, axis?: number, keepDims = false): Tensor {
  const x = asTensor(input, 'sum');
  const v = axisView(x, axis, keepDims, 'sum');
  const out = new Float64Array(v.outer * v.inner);
  sumInto(x.buffer, out, v);
  return record(new Tensor(out, v.outShape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    sumBackwardInto(g, gx, v);
    accumulate(x, gx, x.shape, 'sum', true);
  }, 'sum', planned(sumKernel, v));
}

/** Mean over all elements, or over `axis`. */
export function mean(input: TensorLike, axis?: number, keepDims = false): Tensor {
  const x = asTensor(input, 'mean');
  const { n } = axisView(x, axis, keepDims, 'mean');
  const s = sum(x, axis, keepDims);
  const out = new Float64Array(s.size);
  meanKernel.forward(n, [s.buffer], out);
  return record(new Tensor(out, s.shape), [s], (g) => {
    const gs = new Float64Array(g.length);
    meanKernel.backward(n, 0, [s.buffer], out, g, gs);
    accumulate(s, gs, s.shape, 'mean', true);
  }, 'mean', planned(meanKernel, n));
}

/** The division of the sum by the count `n` (the attribute), and its gradient. */
const meanKernel: PlanKernel<number> = {
  forward(n, ins, out) {
    const sd = ins[0];
    for (let i = 0; i < out.length; i++) out[i] = sd[i] / n;
  },
  backward(n, _i, _ins, _out, g, gs) {
    for (let i = 0; i < g.length; i++) gs[i] = g[i] / n;
  },
  source: {
    forward: () => null,
    elementwise: (n, ins, size) => ({ n: size, sameIndex: [true], value: (j) => `${ins[0]}[${j}] / ${n}` }),
    backward: (n, _i, _ins, _out, g, gs) => `for (let i = 0; i < ${gs}.length; i++) ${gs}[i] = ${g}[i] / ${n};`,
  },
};

/** log Σ exp(x) over the reduced axis into `out`, shifted by the max so ±1000 stays finite. */
function logSumExpInto(xd: Float64Array, out: Float64Array, { outer, n, inner }: AxisView): void {
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
}

/** ∂/∂x_k = softmax(x)_k = exp(x_k − lse), times the output's gradient; every element written. */
function logSumExpBackwardInto(xd: Float64Array, out: Float64Array, g: Float64Array, gx: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < n; k++)
      for (let i = 0; i < inner; i++) {
        const j = (o * n + k) * inner + i;
        const lse = out[o * inner + i];
        gx[j] = lse === -Infinity ? 0 : g[o * inner + i] * libm.exp(xd[j] - lse);
      }
}

const logSumExpKernel: PlanKernel<AxisView> = {
  forward: (v, ins, out) => logSumExpInto(ins[0], out, v),
  backward: (v, _i, ins, out, gradOut, gradIn) => logSumExpBackwardInto(ins[0], out, gradOut, gradIn, v),
};

/** log Σ exp(x) over all elements or `axis`, shifted by the max so ±1000 stays finite. */
export function logSumExp(input: TensorLike, axis?: number, keepDims = false): Tensor {
  const x = asTensor(input, 'logSumExp');
  const v = axisView(x, axis, keepDims, 'logSumExp');
  const out = new Float64Array(v.outer * v.inner);
  logSumExpInto(x.buffer, out, v);
  return record(new Tensor(out, v.outShape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    logSumExpBackwardInto(x.buffer, out, g, gx, v);
    accumulate(x, gx, x.shape, 'logSumExp', true);
  }, 'logSumExp', planned(logSumExpKernel, v));
}
