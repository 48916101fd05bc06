/** The flat BNN: one network per group, every weight ~ N(0, priorSd²), as in the post. */
import * as dist from '../distributions/index.js';
import { checkPositive, groupArrays, layerSizes, plainWeightBnn, type BnnModel, type BnnOptions, type GroupData } from './network.js';

/** Weight prior sd of the flat network: N(0, 1) as in the post. */
export const DEFAULT_PRIOR_SD = 1;

export interface FlatBnnOptions extends BnnOptions {
  /** Sd of the N(0, sd²) prior on every weight (default 1). */
  priorSd?: number;
}

/**
 * One BNN for one group: weights w0 [in, h0], w1 [h0, h1], …, w_L [h_last, 1], each ~ N(0, priorSd²),
 * y ~ Bernoulli(sigmoid(network(X))).
 */
export function flatBnn(group: GroupData, opts: FlatBnnOptions = {}): BnnModel {
  const data = groupArrays(group, 'flatBnn: group');
  const sizes = layerSizes(data.inputs, opts.hidden);
  const priorSd = checkPositive(opts.priorSd ?? DEFAULT_PRIOR_SD, 'flatBnn: priorSd');
  return plainWeightBnn(data, sizes, opts, (w) => dist.normal(w, 0, priorSd), 'flatBnn');
}
