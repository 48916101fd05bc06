/**
 * Nesterov dual averaging of log step size (Hoffman & Gelman 2014, §3.2), as Stan's
 * `stepsize_adaptation`. Code names for the paper's symbols:
 *   μ → mu (shrinkage target), H̄ → gradientAverage, x = log ε → logStepSize,
 *   x̄ → logStepSizeAverage, δ → targetAccept, γ → gamma, t0, κ → kappa.
 *
 *   H̄_t = (1 - 1/(t + t0)) H̄_{t-1} + (δ - α_t)/(t + t0)
 *   x_t = μ - √t/γ · H̄_t
 *   x̄_t = t^{-κ} x_t + (1 - t^{-κ}) x̄_{t-1}
 */
import * as libm from '../../core/libm.js';

export interface DualAveragingOptions {
  /** δ, the acceptance statistic to aim for; 0.8 as in Stan. */
  targetAccept?: number;
  /** γ, regularisation scale; 0.05 as in Stan. */
  gamma?: number;
  /** t0, iteration offset that damps early steps; 10 as in Stan. */
  t0?: number;
  /** κ, decay of the averaging weights; 0.75 as in Stan. */
  kappa?: number;
}

export const DUAL_AVERAGING_DEFAULTS = { targetAccept: 0.8, gamma: 0.05, t0: 10, kappa: 0.75 } as const;

export interface DualAveragingState {
  readonly iteration: number;
  readonly mu: number;
  readonly gradientAverage: number;
  readonly logStepSize: number;
  readonly logStepSizeAverage: number;
}

/**
 * A fresh run of dual averaging from `stepSize`, with shrinkage target μ = log(10 ε) by default,
 * which biases the search towards larger steps (Stan sets it on every restart).
 */
export function dualAveragingInit(stepSize: number, mu = libm.log(10 * stepSize)): DualAveragingState {
  if (!(stepSize > 0) || !Number.isFinite(stepSize)) throw new Error(`dualAveragingInit: stepSize must be positive and finite, got ${stepSize}`);
  if (!Number.isFinite(mu)) throw new Error(`dualAveragingInit: mu must be finite, got ${mu}`);
  return { iteration: 0, mu, gradientAverage: 0, logStepSize: libm.log(stepSize), logStepSizeAverage: 0 };
}

/** One update from the acceptance statistic of the last transition (clipped at 1, as Stan does). */
export function dualAveragingUpdate(state: DualAveragingState, acceptanceRate: number, options: DualAveragingOptions = {}): DualAveragingState {
  const { targetAccept, gamma, t0, kappa } = { ...DUAL_AVERAGING_DEFAULTS, ...options };
  // A NaN statistic (a failed transition) counts as a rejection, so the step size shrinks.
  const alpha = Number.isNaN(acceptanceRate) ? 0 : Math.min(1, acceptanceRate);
  const t = state.iteration + 1;
  const eta = 1 / (t + t0);
  const gradientAverage = (1 - eta) * state.gradientAverage + eta * (targetAccept - alpha);
  const logStepSize = state.mu - (Math.sqrt(t) / gamma) * gradientAverage;
  const weight = libm.pow(t, -kappa);
  const logStepSizeAverage = (1 - weight) * state.logStepSizeAverage + weight * logStepSize;
  return { iteration: t, mu: state.mu, gradientAverage, logStepSize, logStepSizeAverage };
}

/** The step size to use for the next transition (exp of the current iterate). */
export function dualAveragingStepSize(state: DualAveragingState): number {
  return libm.exp(state.logStepSize);
}

/**
 * The step size to keep when adaptation ends: exp(x̄). Before any update x̄ is not yet an
 * average (Stan would return exp(0) = 1 here, its issue #3023); we keep the current step instead.
 */
export function dualAveragingFinalStepSize(state: DualAveragingState): number {
  return state.iteration === 0 ? libm.exp(state.logStepSize) : libm.exp(state.logStepSizeAverage);
}
