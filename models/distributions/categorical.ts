/**
 * Labels in {0, …, K−1} (zero-based, where Stan counts from 1): categorical(y, probs) and
 * categoricalLogit(y, logits), with probs / logits of shape [K] or [..., K] (a row per label,
 * broadcast against y). Each label's entry is picked by `T.gather` from the flattened weights,
 * so a label costs O(1) however many categories there are.
 */
import type { Rng } from '../../core/rng.js';
import { categoricalVariate } from '../../core/random/discrete.js';
import { broadcastIndexMap, shapeSize, shapeToString } from '../../core/shape.js';
import * as T from '../../autodiff/ops/index.js';
import { tracks } from '../../autodiff/tape.js';
import { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import { arg, broadcastShape, checkData, count, family, sampleShape, type DistArg } from './common.js';

/** Tolerance of a constant simplex's sum: a few roundings per element. */
export const SIMPLEX_TOLERANCE = 1e-10;

/** Throw unless the constant `t` holds a simplex along its last axis (each row ≥ 0, summing to 1). */
export function checkSimplex(t: Tensor, dist: string, name: string): void {
  if (tracks(t)) return;
  const k = t.shape[t.rank - 1], rows = t.size / k;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = t.buffer[r * k + j];
      if (!(v >= 0 && v <= 1)) throw new Error(`dist.${dist}: ${name} must be a simplex (entries in [0, 1] summing to 1), got ${v} at flat index ${r * k + j}`);
      s += v;
    }
    if (!(Math.abs(s - 1) <= SIMPLEX_TOLERANCE * k)) {
      throw new Error(`dist.${dist}: ${name} must be a simplex summing to 1, but ${rows === 1 ? 'its entries sum' : `row ${r} sums`} to ${s}`);
    }
  }
}

/** The weights of the K categories: shape [..., K] with K ≥ 1. */
function weightsArg(x: DistArg, dist: string, name: string): Tensor {
  const t = arg(x, dist, name);
  if (t.rank === 0 || t.shape[t.rank - 1] < 1) throw new Error(`dist.${dist}: ${name} must have shape [K] or [..., K] with K ≥ 1, got ${shapeToString(t.shape)}`);
  return t;
}

/** Constant labels y, checked to lie in {0, …, K−1}. */
function checkLabels(yt: Tensor, k: number, dist: string): void {
  checkData(yt, dist, 'y', count, 'a non-negative integer label');
  for (let i = 0; i < yt.size; i++) {
    const v = yt.buffer[i];
    if (v >= k) throw new Error(`dist.${dist}: y must be a label in 0…${k - 1} (zero-based) for ${k} categories, got ${v}${yt.size === 1 ? '' : ` at flat index ${i}`}`);
  }
}

/**
 * weights[..., y] for every element of the broadcast shape of y and the weights' leading axes:
 * gathered from the flattened weights at row·K + label.
 */
function pick(w: Tensor, yt: Tensor, shape: number[]): Tensor {
  const k = w.shape[w.rank - 1];
  const lead = w.shape.slice(0, -1);
  const my = broadcastIndexMap(yt.shape, shape), mw = broadcastIndexMap(lead, shape);
  const flat = new Int32Array(my.length);
  for (let j = 0; j < flat.length; j++) flat[j] = mw[j] * k + yt.buffer[my[j]];
  return T.reshape(T.gather(T.reshape(w, [w.size]), flat), shape);
}

/** The pointwise shape: y's shape broadcast with the weights' leading shape, named as the arguments. */
function labelShape(dist: string, yt: Tensor, w: Tensor, name: string): number[] {
  return broadcastShape(dist, ['y', `${name} (without its last axis)`], yt, new Tensor(new Float64Array(shapeSize(w.shape.slice(0, -1))), w.shape.slice(0, -1)));
}

function categoricalPointwise(y: DistArg, probs: DistArg): Tensor {
  const pt = weightsArg(probs, 'categorical', 'probs');
  checkSimplex(pt, 'categorical', 'probs');
  const yt = arg(y, 'categorical', 'y');
  const shape = labelShape('categorical', yt, pt, 'probs');
  checkLabels(yt, pt.shape[pt.rank - 1], 'categorical');
  return T.log(pick(pt, yt, shape));
}

function categoricalLogitPointwise(y: DistArg, logits: DistArg): Tensor {
  const lt = weightsArg(logits, 'categoricalLogit', 'logits');
  const yt = arg(y, 'categoricalLogit', 'y');
  const shape = labelShape('categoricalLogit', yt, lt, 'logits');
  checkLabels(yt, lt.shape[lt.rank - 1], 'categoricalLogit');
  return pick(T.logSoftmax(lt, -1), yt, shape);
}

/** Draw labels `[...shape, ...batch]` from weight rows (batch = the weights' leading shape). */
function drawLabels(rng: Rng, dist: string, w: Float64Array, batch: number[], k: number, shape: number[] | undefined): Tensor {
  const lead = sampleShape(dist, shape);
  const nb = shapeSize(batch), reps = shapeSize(lead);
  const out = new Float64Array(reps * nb);
  for (let r = 0; r < reps; r++) for (let b = 0; b < nb; b++) out[r * nb + b] = categoricalVariate(rng, w, b * k, k);
  return new Tensor(out, [...lead, ...batch]);
}

function categoricalSample(rng: Rng, probs: DistArg, shape?: number[]): Tensor {
  const pt = weightsArg(probs, 'categorical', 'probs');
  if (!tracks(pt)) checkSimplex(pt, 'categorical', 'probs');
  return drawLabels(rng, 'categorical', pt.buffer, pt.shape.slice(0, -1), pt.shape[pt.rank - 1], shape);
}

function categoricalLogitSample(rng: Rng, logits: DistArg, shape?: number[]): Tensor {
  const lt = weightsArg(logits, 'categoricalLogit', 'logits');
  const k = lt.shape[lt.rank - 1], rows = lt.size / k;
  // Softmax rows, shifted by their max so large logits stay finite.
  const w = new Float64Array(lt.size);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, lt.buffer[r * k + j]);
    for (let j = 0; j < k; j++) w[r * k + j] = libm.exp(lt.buffer[r * k + j] - max);
  }
  return drawLabels(rng, 'categoricalLogit', w, lt.shape.slice(0, -1), k, shape);
}

/** log Categorical(y | probs) = log probs[y], zero-based labels; probs a simplex along its last axis. */
export const categorical = family((y: DistArg, probs: DistArg) => T.sum(categoricalPointwise(y, probs)), categoricalPointwise, categoricalSample);

/** log Categorical(y | softmax(logits)) = logits[y] − log Σ exp(logits), zero-based labels. */
export const categoricalLogit = family((y: DistArg, logits: DistArg) => T.sum(categoricalLogitPointwise(y, logits)), categoricalLogitPointwise, categoricalLogitSample);
