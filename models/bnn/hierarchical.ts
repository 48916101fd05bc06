/**
 * The hierarchical BNN (Wiecki 2018), all groups in one model. Per layer l:
 *   mu<l>  [in, out]      ~ N(0, muPriorSd²)      group-mean weights
 *   sd<l>  scalar > 0     ~ HalfNormal(sdPriorSd)  spread of the groups around the mean ('log' transform)
 *   raw<l> [G, in, out]   ~ N(0, 1)               per-group weights, non-centred:
 *   w<l>[g] = raw<l>[g]·sd<l> + mu<l>
 * The non-centred form avoids the funnel between sd and the group weights. The network runs
 * for every group at once: one batched product per layer ([G,N,2]×[G,2,5] …), and the
 * likelihood is the fused Bernoulli-logit sum over all G·N points.
 *
 * Groups must have the same number of training points (the study has 50 each): ragged groups
 * are rejected with an error rather than padded, so no masked points can leak into the sum.
 */
import { modelBackend } from '../../core/kernels/backend.js';
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import { defineModel, type ParamSpec } from '../define_model.js';
import * as dist from '../distributions/index.js';
import { checkPositive, groupArrays, layerShapes, layerSizes, networkLogits, paramOffsets, type BnnModel, type BnnNetwork, type BnnOptions } from './network.js';

/** Priors of the post: mu ~ N(0, 1), sd ~ HalfNormal(1). */
export const DEFAULT_MU_PRIOR_SD = 1;
export const DEFAULT_SD_PRIOR_SD = 1;

/** The training part of StudyData (Xs_test / Ys_test may be present and are ignored). */
export interface HierarchicalData {
  Xs_train: number[][][];
  Ys_train: number[][];
}

export interface HierarchicalBnnOptions extends BnnOptions {
  /** Sd of the N(0, sd²) prior on the group-mean weights (default 1). */
  muPriorSd?: number;
  /** Scale of the HalfNormal prior on each layer's group sd (default 1). */
  sdPriorSd?: number;
}

export function hierarchicalBnn(study: HierarchicalData, opts: HierarchicalBnnOptions = {}): BnnModel {
  if (study === null || typeof study !== 'object' || !Array.isArray(study.Xs_train) || !Array.isArray(study.Ys_train)) {
    throw new Error('hierarchicalBnn: study must be StudyData with Xs_train [G][N][inputs] and Ys_train [G][N]');
  }
  const G = study.Xs_train.length;
  if (G === 0) throw new Error('hierarchicalBnn: study has no groups');
  if (study.Ys_train.length !== G) throw new Error(`hierarchicalBnn: Xs_train has ${G} groups but Ys_train has ${study.Ys_train.length}`);
  const groups = study.Xs_train.map((X, g) => groupArrays({ X, y: study.Ys_train[g] }, `hierarchicalBnn: group ${g}`));
  const { n, inputs } = groups[0];
  groups.forEach((d, g) => {
    if (d.n !== n) throw new Error(`hierarchicalBnn: groups must have equal sizes (ragged groups are not supported), but group 0 has ${n} training points and group ${g} has ${d.n}`);
    if (d.inputs !== inputs) throw new Error(`hierarchicalBnn: group 0 has ${inputs} inputs per point but group ${g} has ${d.inputs}`);
  });
  const sizes = layerSizes(inputs, opts.hidden);
  const shapes = layerShapes(sizes);
  const muPriorSd = checkPositive(opts.muPriorSd ?? DEFAULT_MU_PRIOR_SD, 'hierarchicalBnn: muPriorSd');
  const sdPriorSd = checkPositive(opts.sdPriorSd ?? DEFAULT_SD_PRIOR_SD, 'hierarchicalBnn: sdPriorSd');

  const X = new Tensor(new Float64Array(G * n * inputs), [G, n, inputs]);
  const Y = new Tensor(new Float64Array(G * n), [G, n, 1]);
  groups.forEach((d, g) => {
    X.data.set(d.X, g * n * inputs);
    Y.data.set(d.y, g * n);
  });

  const params: Record<string, ParamSpec> = {};
  shapes.forEach((s, l) => (params[`mu${l}`] = s));
  shapes.forEach((_, l) => (params[`sd${l}`] = { shape: [], transform: 'log' }));
  shapes.forEach((s, l) => (params[`raw${l}`] = [G, ...s]));

  const model = defineModel({
    params,
    backend: modelBackend(opts.backend, 'hierarchicalBnn'),
    compile: opts.compile,
    logp: (p, ctx) => {
      const weights = shapes.map((_, l) => T.add(T.mul(p[`raw${l}`], p[`sd${l}`]), p[`mu${l}`]));
      let lp = T.bernoulliLogitSum(Y, networkLogits(X, weights, ctx.backend));
      shapes.forEach((_, l) => {
        lp = T.add(lp, dist.normal(p[`mu${l}`], 0, muPriorSd));
        lp = T.add(lp, dist.halfNormal(p[`sd${l}`], sdPriorSd));
        lp = T.add(lp, dist.normal(p[`raw${l}`], 0, 1));
      });
      return lp;
    },
  });

  const offsets = paramOffsets(model);
  const network: BnnNetwork = {
    sizes,
    groups: G,
    weightsFromDraw(values: Float64Array, group?: number): Float64Array[] {
      if (values.length !== model.dim) throw new Error(`hierarchicalBnn.weightsFromDraw: a draw has ${model.dim} values, got ${values.length}`);
      if (group !== undefined && !(Number.isInteger(group) && group >= 0 && group < G)) {
        throw new Error(`hierarchicalBnn.weightsFromDraw: group must be an integer in [0, ${G - 1}], got ${group}`);
      }
      return shapes.map(([i, o], l) => {
        const size = i * o;
        const mu = values.subarray(offsets.get(`mu${l}`)!, offsets.get(`mu${l}`)! + size);
        if (group === undefined) return Float64Array.from(mu);
        const sd = values[offsets.get(`sd${l}`)!];
        const rawOff = offsets.get(`raw${l}`)! + group * size;
        const w = new Float64Array(size);
        for (let j = 0; j < size; j++) w[j] = values[rawOff + j] * sd + mu[j];
        return w;
      });
    },
  };
  return Object.assign(model, { network });
}
