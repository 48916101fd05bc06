/**
 * ADVI's adaptive step-size sequence (Kucukelbir et al. 2017, eq. 10–11; Stan's
 * `stochastic_gradient_ascent`):
 *
 *   ρ_k = η · k^(-1/2 + ε) / (τ + √s_k),   s_k = α g_k² + (1 − α) s_{k−1},   s_1 = g_1²
 *
 * applied element by element to the variational parameters. Code names: ρ_k is the per-element
 * step, η is `eta` (the user's `stepSize`), s_k is `history`, g_k is `grad`, k is `iteration`.
 * The k^(-1/2+ε) decay satisfies the Robbins–Monro conditions; the 1/(τ + √s_k) factor is an
 * Adagrad-like rescaling with a short memory, so each parameter moves on its own scale.
 */
import * as libm from '../../core/libm.js';

/** τ = 1 as in Stan and the paper: keeps the step finite when the gradient history is ~0. */
export const STEP_SIZE_TAU = 1;
/** α = 0.1 as in Stan ("post_factor"); the weight of the newest squared gradient. */
export const STEP_SIZE_ALPHA = 0.1;
/** ε = 1e-16 as in the paper: k^(-1/2+ε) keeps Σρ = ∞, Σρ² < ∞ strictly. */
export const STEP_SIZE_EPSILON = 1e-16;
/** Candidate η values for the step-size search, largest first, as in Stan's `adapt_eta`. */
export const STEP_SIZE_CANDIDATES: readonly number[] = [100, 10, 1, 0.1, 0.01];
/** Stochastic-gradient iterations spent on each candidate η, 50 as in Stan (`adapt iter`). */
export const DEFAULT_ADAPT_ITERATIONS = 50;

/**
 * Writes s_k into `out` (may alias `history`): s_1 = g_1², then the exponential moving average.
 * `iteration` is k, counted from 1.
 */
export function updateGradHistory(
  history: Float64Array,
  grad: Float64Array,
  iteration: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < grad.length; i++) {
    const g2 = grad[i] * grad[i];
    out[i] = iteration === 1 ? g2 : STEP_SIZE_ALPHA * g2 + (1 - STEP_SIZE_ALPHA) * history[i];
  }
  return out;
}

/**
 * One stochastic-gradient ascent step: out = params + ρ_k ⊙ grad, with ρ_k built from the
 * already-updated history s_k. `out` may alias `params`.
 */
export function ascentStep(
  params: Float64Array,
  grad: Float64Array,
  history: Float64Array,
  iteration: number,
  eta: number,
  out: Float64Array,
): Float64Array {
  const scaled = eta * libm.pow(iteration, -0.5 + STEP_SIZE_EPSILON);
  for (let i = 0; i < params.length; i++) {
    out[i] = params[i] + (scaled * grad[i]) / (STEP_SIZE_TAU + Math.sqrt(history[i]));
  }
  return out;
}
