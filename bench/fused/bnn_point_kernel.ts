/**
 * The BNN's per-point forward and backward pass, unrolled for fixed layer sizes: the innermost
 * code of the hand-fused limits (hierarchical and flat BNN). For sizes [2, 5, 5, 1] it is what
 * one would write by hand with every weight, activation and gradient accumulator in a local
 * variable: no inner loops, no array traffic inside the point loop. Writing 40 weights' worth of
 * straight-line code by hand is error-prone, so it is generated once per size list here; the
 * generated text is plain arithmetic (bnnPointKernelSource shows it). The one small array `pre`
 * holds a layer's pre-activations so that tanh has a single call site per layer (see there).
 *
 * kernel(X, y, n, w, wOff, d, dOff) runs the n points of X (n × sizes[0], row-major) with the
 * weights w[wOff ...] (layer after layer, each [in, out] row-major, no biases, tanh after every
 * layer but the last), returns Σ_i y_i·z_i − softplus(z_i), and adds the gradient with respect
 * to the weights into d[dOff ...] (same layout).
 */
import * as libm from '../../core/libm.js';

export type BnnPointKernel = (X: Float64Array, y: Float64Array, n: number, w: Float64Array, wOff: number, d: Float64Array, dOff: number) => number;

/** Which tanh the kernel calls: hbnn's own (core/tanh.ts, as the library uses) or V8's Math.tanh. */
export type TanhChoice = 'libm' | 'math';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Offsets of each layer's weights within one network's weight vector. */
export function layerOffsets(sizes: readonly number[]): number[] {
  const off = [0];
  for (let l = 0; l + 1 < sizes.length; l++) off.push(off[l] + sizes[l] * sizes[l + 1]);
  return off;
}

/** Forward: a<l+1>_o = tanh(Σ_k a<l>_k · w<l>_{k,o}); the last layer gives the logit z. */
function forwardLines(sizes: readonly number[]): string[] {
  const L = sizes.length - 1;
  const lines = range(sizes[0]).map((k) => `const a0_${k} = X[${sizes[0]} * i + ${k}];`);
  for (let l = 0; l < L; l++) {
    const out = sizes[l + 1];
    for (const o of range(out)) {
      const sum = range(sizes[l]).map((k) => `a${l}_${k} * w${l}_${k * out + o}`).join(' + ');
      lines.push(l + 1 < L ? `pre[${o}] = ${sum};` : `const z = ${sum};`);
    }
    if (l + 1 < L) {
      // One tanh call site per layer, in a loop: V8 inlines it there, where ten call sites would
      // exceed its inlining budget and box every result in a fresh HeapNumber.
      lines.push(`for (let o = 0; o < ${out}; o++) pre[o] = tanh(pre[o]);`);
      for (const o of range(out)) lines.push(`const a${l + 1}_${o} = pre[${o}];`);
    }
  }
  return lines;
}

/** Backward: e<l+1>_o is d lp / d(pre-activation o of layer l+1); dw<l>_{k,o} += a<l>_k · e<l+1>_o. */
function backwardLines(sizes: readonly number[]): string[] {
  const L = sizes.length - 1;
  const lines = [`const e${L}_0 = yi - (z >= 0 ? 1 / (1 + ez) : ez / (1 + ez));`];
  for (let l = L - 1; l >= 0; l--) {
    const out = sizes[l + 1];
    for (const k of range(sizes[l])) {
      for (const o of range(out)) lines.push(`dw${l}_${k * out + o} += a${l}_${k} * e${l + 1}_${o};`);
      if (l > 0) {
        const sum = range(out).map((o) => `w${l}_${k * out + o} * e${l + 1}_${o}`).join(' + ');
        lines.push(`const e${l}_${k} = (${sum}) * (1 - a${l}_${k} * a${l}_${k});`);
      }
    }
  }
  return lines;
}

/** The kernel's source: weights and gradient accumulators in locals, one loop over the points. */
export function bnnPointKernelSource(sizes: readonly number[]): string {
  const off = layerOffsets(sizes);
  const weights: string[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (const j of range(off[l + 1] - off[l])) weights.push(`const w${l}_${j} = w[wOff + ${off[l] + j}]; let dw${l}_${j} = 0;`);
  }
  const stores: string[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) for (const j of range(off[l + 1] - off[l])) stores.push(`d[dOff + ${off[l] + j}] += dw${l}_${j};`);
  return [
    ...weights,
    'let lp = 0;',
    'for (let i = 0; i < n; i++) {',
    ...forwardLines(sizes),
    // y·z − softplus(z) and y − sigmoid(z) share one exp(−|z|), so that neither overflows.
    'const yi = y[i]; const ez = exp(-Math.abs(z));',
    'lp += yi * z - (z > 0 ? z + log1p(ez) : log1p(ez));',
    ...backwardLines(sizes),
    '}',
    ...stores,
    'return lp;',
  ].join('\n');
}

/** Compile the kernel for `sizes` (last size 1), calling the chosen tanh and hbnn's exp/log1p. */
export function bnnPointKernel(sizes: readonly number[], tanh: TanhChoice = 'libm'): BnnPointKernel {
  if (sizes.length < 2 || sizes[sizes.length - 1] !== 1 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`bnnPointKernel: sizes must be positive integers ending in 1, got [${sizes.join(', ')}]`);
  }
  const body = bnnPointKernelSource(sizes);
  // `pre` (a hidden layer's pre-activations) is allocated once, with the kernel.
  const make = new Function('tanh', 'exp', 'log1p', `const pre = new Float64Array(${Math.max(...sizes)});\nreturn function bnnPoints(X, y, n, w, wOff, d, dOff) {\n${body}\n};`);
  return make(tanh === 'math' ? Math.tanh : libm.tanh, libm.exp, libm.log1p) as BnnPointKernel;
}
