/** The models layer (`hbnn/models`): distributions, transforms, defineModel, the three BNNs, prediction, data. */
export * as dist from './distributions/index.js';
export type { DistArg, MvNormalScale } from './distributions/index.js';
export { makeTransform, type Transform, type TransformKind, type TransformSpec, type NamedTransform, type Bound, type BoundsSpec } from './transforms/index.js';
export { defineModel, Model, LOG_LIK, type ModelSpec, type ParamSpec, type ParamValues, type LogpContext } from './define_model.js';
export { networkLogits, layerSizes, DEFAULT_HIDDEN, type BnnModel, type BnnNetwork, type BnnOptions, type GroupData } from './bnn/network.js';
export { flatBnn, DEFAULT_PRIOR_SD, type FlatBnnOptions } from './bnn/flat.js';
export { hierarchicalBnn, DEFAULT_MU_PRIOR_SD, DEFAULT_SD_PRIOR_SD, type HierarchicalBnnOptions, type HierarchicalData } from './bnn/hierarchical.js';
export { informativeBnn, type InformativeBnnOptions } from './bnn/informative.js';
export { groupPrior, DEFAULT_REALIZATIONS_PER_DRAW, type LayerPrior, type GroupPriorOptions } from './bnn/group_prior.js';
export { predict, type PredictOptions, type Prediction } from './bnn/predict.js';
export * from './data/index.js';
export { priorPredictive, posteriorPredictive, type PriorPredictiveOptions, type PosteriorPredictiveOptions } from './predictive.js';
