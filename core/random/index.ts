/** Variate generators on the seeded Rng (core/rng.ts), pure float64 and deterministic by seed. */
export { gammaVariate, logGammaVariate, betaVariate, dirichletVariate } from './gamma.js';
export { openUniform, exponentialVariate, studentTVariate, cauchyVariate, laplaceVariate, logisticVariate } from './continuous.js';
export { poissonVariate, binomialVariate, negativeBinomialVariate, categoricalVariate } from './discrete.js';
export { mvNormalVariate, lkjCholeskyVariate } from './multivariate.js';
