/**
 * The study's Bayesian neural network (Wiecki 2018): inputs → tanh hidden layers → one logit, no
 * biases, y ~ Bernoulli(sigmoid(logit)). This file holds what the three BNNs share — input
 * checks, the forward pass, the per-draw weight extraction that `predict` uses, and the one-group
 * model with plain weights that the flat and centred informative BNNs are built on.
 */
import { modelBackend, type BackendName, type ModelBackend } from '../../core/kernels/backend.js';
import { shapeSize } from '../../core/shape.js';
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import type { CompileOption } from '../../autodiff/compile/compiled.js';
import { defineModel, type Model } from '../define_model.js';
import type { GroupArrays } from '../data/study_data.js';

/** Two hidden layers of 5 tanh units, as in the post. */
export const DEFAULT_HIDDEN: readonly number[] = [5, 5];

/** One group's training data: points `X` (n × inputs, nested or row-major flat) and 0/1 labels `y`. */
export interface GroupData {
  X: number[][] | Float64Array;
  y: number[] | Float64Array;
}

export interface BnnOptions {
  /** Hidden layer widths (default [5, 5]). */
  hidden?: readonly number[];
  /**
   * Backend of the matrix products in the log density, chosen once when the model is made: 'js'
   * (Float64, the default whatever setBackend or HBNN_BACKEND say) or 'gpu' (float32, by name only).
   */
  backend?: ModelBackend;
  /** Compile the gradient (default true), false for the eager tape, 'check' to compare both on every call (docs/models.md). */
  compile?: CompileOption;
}

/** What `predict` needs from a BNN: the layer widths and each draw's effective weights. */
export interface BnnNetwork {
  /** Layer widths, inputs first and the single logit last, e.g. [2, 5, 5, 1]. */
  readonly sizes: readonly number[];
  /** Number of groups the model covers (1 for the flat and informative models). */
  readonly groups: number;
  /**
   * Per layer, the weights (sizes[l] × sizes[l+1], row-major) of one draw, given that draw's
   * constrained flat values in the model's `params` order (a Trace row). `group` selects a group
   * of the hierarchical model; without it the hierarchical model gives its group-mean weights.
   */
  weightsFromDraw(values: Float64Array, group?: number): Float64Array[];
}

export type BnnModel = Model & { readonly network: BnnNetwork };

/** Check one group's X and y (`what` names it in errors) and flatten them. */
export function groupArrays(group: GroupData, what = 'group'): GroupArrays {
  if (group === null || typeof group !== 'object') throw new Error(`${what}: expected { X, y }, got ${String(group)}`);
  const { X, y } = group;
  if (!(y instanceof Float64Array) && !Array.isArray(y)) throw new Error(`${what}.y: expected an array of 0/1 labels, got ${typeof y}`);
  const n = y.length;
  if (n === 0) throw new Error(`${what}: needs at least one data point`);
  let flat: Float64Array;
  let inputs: number;
  if (X instanceof Float64Array) {
    inputs = X.length / n;
    if (!Number.isInteger(inputs) || inputs < 1) throw new Error(`${what}.X: ${X.length} values do not make ${n} rows (one per label)`);
    flat = X;
  } else if (Array.isArray(X)) {
    if (X.length !== n) throw new Error(`${what}: X has ${X.length} rows but y has ${n} labels`);
    inputs = Array.isArray(X[0]) ? X[0].length : 0;
    flat = new Float64Array(n * inputs);
    X.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== inputs) throw new Error(`${what}.X[${i}]: expected ${inputs} numbers, got ${JSON.stringify(row)}`);
      row.forEach((v, j) => (flat[i * inputs + j] = v));
    });
    if (inputs < 1) throw new Error(`${what}.X: rows must hold at least one input`);
  } else {
    throw new Error(`${what}.X: expected number[][] or a row-major Float64Array, got ${typeof X}`);
  }
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i])) throw new Error(`${what}.X: value ${flat[i]} at row ${Math.floor(i / inputs)} is not finite`);
  }
  const labels = Float64Array.from(y);
  labels.forEach((v, i) => {
    if (v !== 0 && v !== 1) throw new Error(`${what}.y[${i}] = ${v}: labels must be 0 or 1`);
  });
  return { X: flat, y: labels, n, inputs };
}

/** Layer widths [inputs, ...hidden, 1], validated. */
export function layerSizes(inputs: number, hidden: readonly number[] = DEFAULT_HIDDEN): number[] {
  if (!Array.isArray(hidden) || !hidden.every((h) => Number.isInteger(h) && h >= 1)) {
    throw new Error(`BNN: hidden must list positive integer layer widths, got ${JSON.stringify(hidden)}`);
  }
  return [inputs, ...hidden, 1];
}

/** [in, out] of every layer. */
export function layerShapes(sizes: readonly number[]): [number, number][] {
  return sizes.slice(0, -1).map((s, l) => [s, sizes[l + 1]]);
}

export function checkPositive(v: number, what: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`${what} must be a positive finite number, got ${v}`);
  return v;
}

/**
 * Logits of the network: tanh after every layer but the last. X is [N, in] with weights
 * [in, out] (one network), or [G, N, in] with weights [G, in, out] (a network per group, all in
 * one batched product per layer).
 */
export function networkLogits(X: Tensor, weights: Tensor[], backend?: BackendName): Tensor {
  let h = X;
  weights.forEach((w, l) => {
    h = X.rank === 3 ? T.batchedMatmul(h, w, { backend }) : T.matmul(h, w, { backend });
    if (l < weights.length - 1) h = T.tanh(h);
  });
  return h;
}

/** Offsets of each named parameter in a draw's flat values. */
export function paramOffsets(model: Model): Map<string, number> {
  const offsets = new Map<string, number>();
  let off = 0;
  for (const p of model.params) {
    offsets.set(p.name, off);
    off += shapeSize(p.shape);
  }
  return offsets;
}

/** `weightsFromDraw` for models whose weights are the parameters w0, w1, … themselves. */
export function plainWeights(model: Model, sizes: readonly number[], what: string): BnnNetwork {
  const offsets = paramOffsets(model);
  const shapes = layerShapes(sizes);
  return {
    sizes: [...sizes],
    groups: 1,
    weightsFromDraw(values: Float64Array, group?: number): Float64Array[] {
      if (values.length !== model.dim) throw new Error(`${what}.weightsFromDraw: a draw has ${model.dim} values, got ${values.length}`);
      if (group !== undefined && group !== 0) throw new Error(`${what}.weightsFromDraw: the model has one group, got group ${group}`);
      return shapes.map(([i, o], l) => {
        const off = offsets.get(`w${l}`)!;
        return values.slice(off, off + i * o);
      });
    },
  };
}

/**
 * A one-group BNN whose parameters are the weight matrices w<l> themselves, with log prior
 * `layerPrior(w, l)` per layer: the flat model (N(0, sd²)) and the centred informative model
 * (MvNormal) differ only in that prior.
 */
export function plainWeightBnn(data: GroupArrays, sizes: readonly number[], opts: BnnOptions, layerPrior: (w: Tensor, layer: number) => Tensor, what: string): BnnModel {
  const shapes = layerShapes(sizes);
  const X = new Tensor(data.X, [data.n, data.inputs]);
  const y = new Tensor(data.y, [data.n, 1]);
  const params: Record<string, number[]> = {};
  shapes.forEach((s, l) => (params[`w${l}`] = s));
  const model = defineModel({
    params,
    backend: modelBackend(opts.backend, what),
    compile: opts.compile,
    logp: (p, ctx) => {
      const weights = shapes.map((_, l) => p[`w${l}`]);
      let lp = T.bernoulliLogitSum(y, networkLogits(X, weights, ctx.backend));
      weights.forEach((w, l) => (lp = T.add(lp, layerPrior(w, l))));
      return lp;
    },
  });
  return Object.assign(model, { network: plainWeights(model, sizes, what) });
}
