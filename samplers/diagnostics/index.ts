/**
 * MCMC convergence diagnostics as in Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021) and the
 * R package `posterior`, gathered in one import: rank normalisation, R-hat, ESS and MCSE.
 * Each concept lives in its own file; this module only re-exports them.
 */
export { inverseNormalCdf, averageRanks, rankNormalize, splitChains, foldDraws, median, quantile7 } from './rank_normalize.js';
export { autocovariance, essOfChains, essBasic, essMean, essBulk, essTail, essQuantile, essSd } from './ess.js';
export { rhatOfChains, rhat, rhatBasic, rhatBulk, rhatTail } from './rhat.js';
export { mcseMean, mcseSd, mcseQuantile, betaQuantile, betaCdf } from './mcse.js';
export { paretoKThreshold, psisTailLength, gpdFit, gpdQuantile, psisSmooth, MIN_TAIL_LENGTH, type PsisResult } from './psis.js';
export { loo, relativeEff, paretoKTable, type LooResult, type LooOptions, type ElpdResult, type Estimate } from './loo.js';
export { waic, P_WAIC_THRESHOLD, type WaicResult } from './waic.js';
export { compare, formatCompare, type CompareRow } from './compare.js';
export { LOG_LIK, type LogLikInput } from './log_lik.js';
