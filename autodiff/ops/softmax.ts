/**
 * logSoftmax(x, axis) = x − logSumExp(x, axis) and softmax(x, axis) = exp(logSoftmax(x, axis)),
 * over the last axis by default, shifted by the axis maximum so ±1000 stays finite. They turn
 * unconstrained scores into (log) probabilities, as a categorical-logit model needs.
 */
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import { lastAxisView, type AxisView } from './axis_view.js';
import * as libm from '../../core/libm.js';

/** out = x − lse along the axis; a row whose max is ±∞ or NaN gets x − max (NaN or −∞ entries). */
function logSoftmaxInto(x: Float64Array, out: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
      // (x − m) − log Σ exp(x − m): subtracting m first keeps the digits m + log s would round away.
      let logS = 0;
      if (Number.isFinite(m)) {
        let s = 0;
        for (let k = 0; k < n; k++) s += libm.exp(x[base + k * inner] - m);
        logS = libm.log(s);
      }
      for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner] - m - logS;
    }
}

/** gx = g − softmax·Σg along the axis (softmax = exp(out)), every element written. */
function logSoftmaxBackwardInto(out: Float64Array, g: Float64Array, gx: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = 0; k < n; k++) s += g[base + k * inner];
      for (let k = 0; k < n; k++) gx[base + k * inner] = g[base + k * inner] - libm.exp(out[base + k * inner]) * s;
    }
}

const logSoftmaxKernel: PlanKernel<AxisView> = {
  forward: (v, ins, out) => logSoftmaxInto(ins[0], out, v),
  backward: (v, _i, _ins, out, g, gx) => logSoftmaxBackwardInto(out, g, gx, v),
};

/** x − logSumExp(x, axis, keepDims) along `axis` (default: the last), same shape as x. */
export function logSoftmax(input: TensorLike, axis?: number): Tensor {
  const x = asTensor(input, 'logSoftmax');
  const v = lastAxisView(x, axis, 'logSoftmax');
  const out = new Float64Array(x.size);
  logSoftmaxInto(x.buffer, out, v);
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    logSoftmaxBackwardInto(out, g, gx, v);
    accumulate(x, gx, x.shape, 'logSoftmax', true);
  }, 'logSoftmax', planned(logSoftmaxKernel, v));
}

/** y = exp(x − max) / Σ exp(x − max) along the axis. */
function softmaxInto(x: Float64Array, out: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
      let s = 0;
      for (let k = 0; k < n; k++) s += (out[base + k * inner] = libm.exp(x[base + k * inner] - m));
      for (let k = 0; k < n; k++) out[base + k * inner] /= s;
    }
}

/** gx = y·(g − Σ g·y) along the axis. */
function softmaxBackwardInto(y: Float64Array, g: Float64Array, gx: Float64Array, { outer, n, inner }: AxisView): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = 0; k < n; k++) s += g[base + k * inner] * y[base + k * inner];
      for (let k = 0; k < n; k++) gx[base + k * inner] = y[base + k * inner] * (g[base + k * inner] - s);
    }
}

const softmaxKernel: PlanKernel<AxisView> = {
  forward: (v, ins, out) => softmaxInto(ins[0], out, v),
  backward: (v, _i, _ins, out, g, gx) => softmaxBackwardInto(out, g, gx, v),
};

/** exp(x) normalised to sum to 1 along `axis` (default: the last), same shape as x. */
export function softmax(input: TensorLike, axis?: number): Tensor {
  const x = asTensor(input, 'softmax');
  const v = lastAxisView(x, axis, 'softmax');
  const out = new Float64Array(x.size);
  softmaxInto(x.buffer, out, v);
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    softmaxBackwardInto(out, g, gx, v);
    accumulate(x, gx, x.shape, 'softmax', true);
  }, 'softmax', planned(softmaxKernel, v));
}
