/**
 * The densities, as log-density functions of Tensors (`dist` in the public API). Each
 * `dist.name(x, …)` returns the SUMMED log density with its normalising constants as a scalar
 * Tensor and broadcasts its arguments like the ops do; `dist.name.pointwise(x, …)` returns the
 * log density of every element (every row, for multivariate families) in the broadcast shape;
 * `dist.name.sample(rng, …params, shape?)` draws from the seeded Rng. Arguments may be Tensors,
 * numbers, Float64Arrays or arrays. See common.ts for how arguments are validated.
 */
export type { DistArg, Family } from './common.js';
export type { MvNormalScale } from './mv_normal.js';
export { normal, halfNormal, lognormal } from './normal.js';
export { studentT, halfStudentT, cauchy, halfCauchy } from './student_t.js';
export { exponential, gamma, inverseGamma } from './gamma.js';
export { beta, uniform } from './beta.js';
export { laplace, logistic } from './laplace.js';
export { dirichlet } from './dirichlet.js';
export { mvNormal } from './mv_normal.js';
export { lkjCholesky } from './lkj.js';
export { bernoulli, bernoulliLogit } from './bernoulli.js';
export { binomial, binomialLogit } from './binomial.js';
export { poisson, poissonLog, negativeBinomial } from './poisson.js';
export { categorical, categoricalLogit } from './categorical.js';
