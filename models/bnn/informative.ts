/**
 * The informative-prior BNN (Wiecki 2018): the flat network of one group, with each layer's
 * flattened weights ~ MvNormal(mean, cov) from `groupPrior` instead of N(0, 1). Each covariance
 * is factored once here (cov = L·Lᵀ).
 *
 * Parameterisations (same posterior over the weights):
 * - 'noncentered' (default): parameters z<l> ~ N(0, I) with w<l> = mean + L·z<l>. The prior is
 *   tight and strongly correlated (it comes from the hierarchical posterior), so in w-space NUTS
 *   needs small steps and deep trees; in z-space the prior is isotropic and trees are shallower.
 * - 'centered': parameters w<l> ~ MvNormal(mean, L·Lᵀ) directly, as the post's PyMC model.
 * Either way `network.weightsFromDraw` returns the weights w, so `predict` works unchanged.
 */
import { cholesky } from '../../core/linalg.js';
import { shapeSize } from '../../core/shape.js';
import { modelBackend } from '../../core/kernels/backend.js';
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import { defineModel } from '../define_model.js';
import * as dist from '../distributions/index.js';
import { groupArrays, layerShapes, layerSizes, networkLogits, plainWeightBnn, type BnnModel, type BnnNetwork, type BnnOptions, type GroupData } from './network.js';
import type { LayerPrior } from './group_prior.js';

/** Per layer, the weights w<l> [in, out] ~ MvNormal(prior[l].mean, prior[l].cov) over their row-major flattening. */
export interface InformativeBnnOptions extends BnnOptions {
  /** 'noncentered' (default) or 'centered'; see the module comment. */
  parameterization?: 'noncentered' | 'centered';
}

export function informativeBnn(group: GroupData, prior: readonly LayerPrior[], opts: InformativeBnnOptions = {}): BnnModel {
  const parameterization = opts.parameterization ?? 'noncentered';
  if (parameterization !== 'noncentered' && parameterization !== 'centered') {
    throw new Error(`informativeBnn: parameterization must be 'noncentered' or 'centered', got ${JSON.stringify(parameterization)}`);
  }
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
    checkLayerPrior(p.mean, p.cov, k, l);
    try {
      return new Tensor(cholesky(p.cov, k), [k, k]);
    } catch (e) {
      throw new Error(`informativeBnn: prior[${l}].cov is not positive definite (${(e as Error).message})`);
    }
  });
  if (parameterization === 'centered') {
    return plainWeightBnn(data, sizes, opts, (w, l) => dist.mvNormal(T.reshape(w, [w.size]), prior[l].mean, { cholesky: factors[l] }), 'informativeBnn');
  }
  const X = new Tensor(data.X, [data.n, data.inputs]);
  const y = new Tensor(data.y, [data.n, 1]);
  const means = shapes.map((_, l) => new Tensor(prior[l].mean, [prior[l].mean.length]));
  const params: Record<string, number[]> = {};
  shapes.forEach(([i, o], l) => (params[`z${l}`] = [i * o]));
  const model = defineModel({
    params,
    backend: modelBackend(opts.backend, 'informativeBnn'),
    compile: opts.compile,
    logp: (p, ctx) => {
      // w = mean + L·z, shaped [in, out]; z ~ N(0, I) carries the whole MvNormal prior.
      const weights = shapes.map((sh, l) => T.reshape(T.add(means[l], T.matmul(factors[l], p[`z${l}`], { backend: ctx.backend })), sh));
      let lp = T.bernoulliLogitSum(y, networkLogits(X, weights, ctx.backend));
      shapes.forEach((_, l) => (lp = T.add(lp, dist.normal(p[`z${l}`], 0, 1))));
      return lp;
    },
  });
  const offsets = shapes.map((_, l) => model.params.slice(0, l).reduce((acc, q) => acc + shapeSize(q.shape), 0));
  const network: BnnNetwork = {
    sizes: [...sizes],
    groups: 1,
    weightsFromDraw(values: Float64Array, g?: number): Float64Array[] {
      if (values.length !== model.dim) throw new Error(`informativeBnn.weightsFromDraw: a draw has ${model.dim} values, got ${values.length}`);
      if (g !== undefined && g !== 0) throw new Error(`informativeBnn.weightsFromDraw: the model has one group, got group ${g}`);
      return shapes.map(([i, o], l) => {
        const k = i * o;
        const L = factors[l].data;
        const w = Float64Array.from(prior[l].mean);
        for (let r = 0; r < k; r++) {
          let acc = 0;
          for (let c = 0; c <= r; c++) acc += L[r * k + c] * values[offsets[l] + c];
          w[r] += acc;
        }
        return w;
      });
    },
  };
  return Object.assign(model, { network });
}

/**
 * Finite values, and a covariance symmetric to rounding (the Cholesky factor reads only one
 * triangle, so an asymmetric matrix would be taken for another without a word).
 */
function checkLayerPrior(mean: Float64Array, cov: Float64Array, k: number, l: number): void {
  const bad = mean.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`informativeBnn: prior[${l}].mean[${bad}] is ${mean[bad]}; the mean must be finite`);
  const badCov = cov.findIndex((v) => !Number.isFinite(v));
  if (badCov >= 0) throw new Error(`informativeBnn: prior[${l}].cov[${Math.floor(badCov / k)},${badCov % k}] is ${cov[badCov]}; the covariance must be finite`);
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(cov[i * k + i]));
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const a = cov[i * k + j], b = cov[j * k + i];
      if (Math.abs(a - b) > 1e-12 * Math.max(scale, Math.abs(a), Math.abs(b))) {
        throw new Error(`informativeBnn: prior[${l}].cov is not symmetric: cov[${i},${j}] = ${a} but cov[${j},${i}] = ${b}`);
      }
    }
}
