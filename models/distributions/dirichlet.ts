/**
 * dirichlet(x, alpha): x a simplex along its last axis ([K] or [..., K]), alpha positive of the
 * same last length (broadcast over the leading axes). A constant x is checked to be a simplex.
 */
import type { Rng } from '../../core/rng.js';
import { dirichletVariate } from '../../core/random/gamma.js';
import { shapeSize, shapeToString } from '../../core/shape.js';
import * as T from '../../autodiff/ops/index.js';
import { lgamma } from '../../autodiff/ops/special.js';
import { Tensor } from '../../autodiff/tensor.js';
import { arg, broadcastShape, checkConstant, expandTo, family, positive, sampleShape, type DistArg } from './common.js';
import { checkSimplex } from './categorical.js';

function vectorArg(x: DistArg, name: string): Tensor {
  const t = arg(x, 'dirichlet', name);
  if (t.rank === 0) throw new Error(`dist.dirichlet: ${name} must have shape [K] or [..., K], got a scalar`);
  return t;
}

function dirichletPointwise(x: DistArg, alpha: DistArg): Tensor {
  const [xt, at] = [vectorArg(x, 'x'), vectorArg(alpha, 'alpha')];
  const k = xt.shape[xt.rank - 1];
  if (at.shape[at.rank - 1] !== k) {
    throw new Error(`dist.dirichlet: x has ${k} entries along its last axis (shape ${shapeToString(xt.shape)}) but alpha has ${at.shape[at.rank - 1]} (shape ${shapeToString(at.shape)})`);
  }
  checkConstant(at, 'dirichlet', 'alpha', positive, 'positive and finite');
  checkSimplex(xt, 'dirichlet', 'x');
  const lead = (t: Tensor) => new Tensor(new Float64Array(shapeSize(t.shape.slice(0, -1))), t.shape.slice(0, -1));
  const shape = broadcastShape('dirichlet', ['x (without its last axis)', 'alpha (without its last axis)'], lead(xt), lead(at));
  // Σ_k (α_k − 1)·log x_k + log Γ(Σ_k α_k) − Σ_k log Γ(α_k)
  const kernel = T.sum(T.mul(T.sub(at, 1), T.log(xt)), -1);
  const norm = T.sub(lgamma(T.sum(at, -1)), T.sum(lgamma(at), -1));
  return expandTo(T.add(kernel, norm), shape);
}

function dirichletSample(rng: Rng, alpha: DistArg, shape?: number[]): Tensor {
  const at = vectorArg(alpha, 'alpha');
  checkConstant(at, 'dirichlet', 'alpha', positive, 'positive and finite');
  const lead = sampleShape('dirichlet', shape);
  const k = at.shape[at.rank - 1], rows = at.size / k, reps = shapeSize(lead);
  const out = new Float64Array(reps * at.size);
  for (let r = 0; r < reps; r++) {
    for (let b = 0; b < rows; b++) dirichletVariate(rng, at.buffer.subarray(b * k, (b + 1) * k), out.subarray((r * rows + b) * k, (r * rows + b + 1) * k));
  }
  return new Tensor(out, [...lead, ...at.shape]);
}

/** log Dirichlet(x | alpha) per simplex (row of x); `.sample(rng, alpha, shape?)` gives [...shape, ...alpha.shape]. */
export const dirichlet = family((x: DistArg, alpha: DistArg) => T.sum(dirichletPointwise(x, alpha)), dirichletPointwise, dirichletSample);
