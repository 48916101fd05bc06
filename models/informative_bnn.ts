/**
 * The informative-prior BNN (Wiecki 2018): the flat network of one group, with each layer's
 * flattened weights ~ MvNormal(mean, cov) from `groupPrior` instead of N(0, 1). Each covariance
 * is factored once here, so the log density costs one triangular solve per layer.
 */
import { cholesky } from '../core/linalg.js';
import * as T from '../autodiff/ops/index.js';
import { Tensor } from '../autodiff/tensor.js';
import { defineModel } from './define_model.js';
import * as dist from './distributions.js';
import { groupArrays, layerShapes, layerSizes, networkLogits, plainWeights, type BnnModel, type BnnOptions, type GroupData } from './bnn.js';
import type { LayerPrior } from './group_prior.js';

/** Per layer, the weights w<l> [in, out] ~ MvNormal(prior[l].mean, prior[l].cov) over their row-major flattening. */
export function informativeBnn(group: GroupData, prior: readonly LayerPrior[], opts: BnnOptions = {}): BnnModel {
  const data = groupArrays(group, 'informativeBnn: group');
  const sizes = layerSizes(data.inputs, opts.hidden);
  const shapes = layerShapes(sizes);
  if (!Array.isArray(prior) || prior.length !== shapes.length) {
    throw new Error(`informativeBnn: prior must list ${shapes.length} layers (one { mean, cov } per weight matrix of sizes ${JSON.stringify(sizes)}), got ${Array.isArray(prior) ? prior.length : typeof prior}`);
  }
  const factors = shapes.map(([i, o], l) => {
    const k = i * o;
    const p = prior[l];
    if (!(p?.mean instanceof Float64Array) || p.mean.length !== k) throw new Error(`informativeBnn: prior[${l}].mean must be a Float64Array of ${i}×${o} = ${k} values, got length ${p?.mean?.length}`);
    if (!(p.cov instanceof Float64Array) || p.cov.length !== k * k) throw new Error(`informativeBnn: prior[${l}].cov must be a Float64Array of ${k}×${k} values, got length ${p?.cov?.length}`);
    if (p.shape !== undefined && (p.shape.length !== 2 || p.shape[0] !== i || p.shape[1] !== o)) {
      throw new Error(`informativeBnn: prior[${l}].shape is [${p.shape.join(',')}] but layer ${l} of the network is [${i},${o}]`);
    }
    try {
      return new Tensor(cholesky(p.cov, k), [k, k]);
    } catch (e) {
      throw new Error(`informativeBnn: prior[${l}].cov is not positive definite (${(e as Error).message})`);
    }
  });
  const X = new Tensor(data.X, [data.n, data.inputs]);
  const y = new Tensor(data.y, [data.n, 1]);
  const params: Record<string, number[]> = {};
  shapes.forEach((s, l) => (params[`w${l}`] = s));
  const model = defineModel({
    params,
    backend: opts.backend,
    logp: (p, ctx) => {
      const weights = shapes.map((_, l) => p[`w${l}`]);
      let lp = T.bernoulliLogitSum(y, networkLogits(X, weights, ctx.backend));
      weights.forEach((w, l) => {
        lp = T.add(lp, dist.mvNormal(T.reshape(w, [w.size]), prior[l].mean, { cholesky: factors[l] }));
      });
      return lp;
    },
  });
  return Object.assign(model, { network: plainWeights(model, sizes, 'informativeBnn') });
}
