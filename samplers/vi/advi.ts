/**
 * Automatic differentiation variational inference (Kucukelbir, Tran, Ranganath, Gelman & Blei,
 * "Automatic Differentiation Variational Inference", JMLR 2017), following Stan's
 * `stan/variational/advi.hpp`: a Gaussian q on the unconstrained space (mean-field or full-rank),
 * reparameterisation gradients of the ELBO, Stan's step-size search over η ∈ {100, 10, 1, 0.1,
 * 0.01} followed by the decaying Adagrad-like sequence of `advi_stepsize.ts`, and convergence when
 * the mean or the median relative ELBO change over a circular window drops below `tolRelObj`.
 *
 * Robustness beyond Stan (which aborts on the first non-finite gradient): a step whose new
 * parameters, gradient or ELBO is not finite is retried from the last good parameters with η
 * halved, up to MAX_STEP_HALVINGS times in a row; then an AdviError names the iteration and η and
 * carries the last good fit. An aborted `signal` returns the last good fit with `interrupted`.
 */
import { randomSeed, yieldToEventLoop } from '../../core/runtime.js';
import * as libm from '../../core/libm.js';
import { Rng } from '../../core/rng.js';
import type { PosteriorTarget } from '../types.js';
import {
  ADVI_METHODS,
  estimateElbo,
  estimateElboGrad,
  makeFamily,
  makeScratch,
  type AdviMethod,
  type GaussianFamily,
  type MonteCarloScratch,
} from './families.js';
import { DEFAULT_ADAPT_ITERATIONS, STEP_SIZE_CANDIDATES, ascentStep, updateGradHistory } from './step_size.js';
import { createAdviProgress, type AdviProgress } from './progress_bar.js';

import { makeFit, type AdviFit } from './fit.js';

export type { AdviMethod } from './families.js';
export type { AdviFit } from './fit.js';

export interface AdviOptions {
  /** Variational family: 'meanfield' (diagonal, default as in Stan) or 'fullrank'. */
  method?: AdviMethod;
  /** Hard cap on stochastic-gradient iterations (10000 as in Stan). */
  iterations?: number;
  /** Integer seed; a random one is drawn (and reported in the fit) when absent. */
  seed?: number;
  /** Draws per gradient estimate (1 as in Stan). */
  gradSamples?: number;
  /** Draws per ELBO estimate (100 as in Stan). */
  elboSamples?: number;
  /** Relative ELBO tolerance for convergence (0.01 as in Stan). */
  tolRelObj?: number;
  /** Evaluate the ELBO (and test convergence) every `evalElbo` iterations (100 as in Stan). */
  evalElbo?: number;
  /** η of the step-size sequence; when absent, Stan's search over η ∈ {100, 10, 1, 0.1, 0.01}. */
  stepSize?: number;
  /** Iterations per candidate η in the search (50 as in Stan). */
  adaptIterations?: number;
  /** Starting mean: a vector, 'zero', or 'random' = uniform(-2, 2) per coordinate as in Stan (default). */
  init?: Float64Array | 'random' | 'zero';
  /** Progress bar on stderr; default: only when stderr is a TTY. */
  progress?: boolean;
  /** Aborting stops the run and returns the last good fit with `interrupted: true`. */
  signal?: AbortSignal;
}

export const MAX_STEP_HALVINGS = 5;
/** Attempts at a finite starting point for init 'random' (as the jitter initialisation). */
const MAX_INIT_ATTEMPTS = 100;
/** 0.05: Stan warns when the final ELBO is more than 5% (relative) below the best seen. */
const BEST_ELBO_WARN_FRACTION = 0.05;
/** Yield to the event loop this often (ms) so an AbortSignal fired by a timer is seen. */
const YIELD_EVERY_MS = 20;

const DEFAULTS = {
  method: 'meanfield' as AdviMethod,
  iterations: 10000,
  gradSamples: 1,
  elboSamples: 100,
  tolRelObj: 0.01,
  evalElbo: 100,
  adaptIterations: DEFAULT_ADAPT_ITERATIONS,
};
const KNOWN_OPTIONS = [...Object.keys(DEFAULTS), 'seed', 'stepSize', 'init', 'progress', 'signal'];

/** Thrown when ADVI cannot continue; `fit` holds the last good approximation when there is one. */
export class AdviError extends Error {
  readonly fit?: AdviFit;
  constructor(message: string, fit?: AdviFit) {
    super(message);
    this.name = 'AdviError';
    this.fit = fit;
  }
}

interface Settings {
  method: AdviMethod;
  iterations: number;
  seed: number;
  gradSamples: number;
  elboSamples: number;
  tolRelObj: number;
  evalElbo: number;
  stepSize?: number;
  adaptIterations: number;
  init: Float64Array | 'random' | 'zero';
  progress?: boolean;
  signal?: AbortSignal;
}

export async function advi(target: PosteriorTarget, options: AdviOptions = {}): Promise<AdviFit> {
  const s = validate(target, options);
  const root = Rng.fromSeed(s.seed);
  // Separate streams, so giving `stepSize` leaves the starting point and optimisation draws unchanged.
  const start = startingPoint(target, s.init, root.stream(0));
  const family = makeFamily(s.method, target.dim);
  const scratch = makeScratch(target.dim);
  const progress = createAdviProgress(s.progress, s.iterations);
  try {
    let eta = s.stepSize;
    if (eta === undefined) {
      progress.phase('step-size search');
      eta = searchStepSize(family, target, start, s, root.stream(1), scratch, progress);
      progress.phase('optimising');
    }
    return await optimise(family, target, start, eta, s, root.stream(2), scratch, progress);
  } finally {
    progress.stop();
  }
}

/** Stan's `adapt_eta`: a short run at each η, largest first; keep the last η that still improved. */
function searchStepSize(
  family: GaussianFamily,
  target: PosteriorTarget,
  start: Float64Array,
  s: Settings,
  rng: Rng,
  scratch: MonteCarloScratch,
  progress: AdviProgress,
): number {
  const initial = family.initialParams(start);
  const elboInit = estimateElbo(family, initial, target, rng, s.elboSamples, scratch);
  if (!Number.isFinite(elboInit)) {
    throw new AdviError(
      'advi: cannot compute the ELBO at the initial variational distribution (every draw gave a non-finite ' +
        'log density); the model may be ill-conditioned or misspecified, or try another `init`',
    );
  }
  const params = new Float64Array(family.numParams);
  const history = new Float64Array(family.numParams);
  const grad = new Float64Array(family.numParams);
  let elboBest = -Number.MAX_VALUE;
  let etaBest = 0;
  for (let c = 0; c < STEP_SIZE_CANDIDATES.length; c++) {
    const eta = STEP_SIZE_CANDIDATES[c];
    params.set(initial);
    history.fill(0);
    for (let k = 1; k <= s.adaptIterations; k++) {
      if (s.signal?.aborted) return eta; // the caller sees the abort before optimising
      // A failed gradient is fine here (as in Stan): a too-large η shows up as a bad ELBO below.
      if (!estimateElboGrad(family, params, target, rng, s.gradSamples, grad, scratch)) grad.fill(0);
      updateGradHistory(history, grad, k, history);
      ascentStep(params, grad, history, k, eta, params);
      progress.update(c * s.adaptIterations + k, NaN, NaN);
    }
    let elbo = estimateElbo(family, params, target, rng, s.elboSamples, scratch);
    if (!Number.isFinite(elbo)) elbo = -Number.MAX_VALUE;
    // Stop once an η does worse than the previous one, provided that one beat the start.
    if (elbo < elboBest && elboBest > elboInit) return etaBest;
    if (c < STEP_SIZE_CANDIDATES.length - 1) {
      elboBest = elbo;
      etaBest = eta;
    } else if (elbo > elboInit) {
      return eta;
    }
  }
  throw new AdviError(
    `advi: every step size tried (${STEP_SIZE_CANDIDATES.join(', ')}) failed to improve the ELBO from its ` +
      `initial value ${elboInit.toPrecision(6)}; the model may be ill-conditioned or misspecified, or give \`stepSize\``,
  );
}

/** Stan's `stochastic_gradient_ascent`, with retries on non-finite steps. */
async function optimise(
  family: GaussianFamily,
  target: PosteriorTarget,
  start: Float64Array,
  eta0: number,
  s: Settings,
  rng: Rng,
  scratch: MonteCarloScratch,
  progress: AdviProgress,
): Promise<AdviFit> {
  const P = family.numParams;
  let params: Float64Array = family.initialParams(start);
  let history = new Float64Array(P);
  let grad = new Float64Array(P);
  let nextParams: Float64Array = new Float64Array(P);
  let nextHistory = new Float64Array(P);
  let nextGrad = new Float64Array(P);
  let eta = eta0;
  const elbos: number[] = [];
  const elboIters: number[] = [];
  const relChanges: number[] = [];
  const warnings: string[] = [];
  // Stan's window: max(0.1 · max_iterations / eval_elbo, 2) relative changes.
  const windowSize = Math.max(Math.floor((0.1 * s.iterations) / s.evalElbo), 2);
  let iteration = 0;
  let converged = false;
  const fit = (interrupted: boolean) =>
    makeFit(family, target, params, { eta, iteration, converged, interrupted, elbos, elboIters, warnings, seed: s.seed });

  // The gradient at the start: no step to shrink yet, so only fresh draws can help.
  let ok = false;
  for (let a = 0; a <= MAX_STEP_HALVINGS && !ok; a++) ok = estimateElboGrad(family, params, target, rng, s.gradSamples, grad, scratch);
  if (!ok) {
    throw new AdviError(
      `advi: the ELBO gradient is not finite at the initial point (iteration 0) in ${MAX_STEP_HALVINGS + 1} ` +
        'attempts; check the log density and its gradient there, or try another `init`',
    );
  }

  let failures = 0;
  let lastYield = Date.now();
  while (iteration < s.iterations) {
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    if (s.signal?.aborted) return fit(true);
    const k = iteration + 1;
    updateGradHistory(history, grad, k, nextHistory);
    ascentStep(params, grad, nextHistory, k, eta, nextParams);
    const evaluate = k % s.evalElbo === 0;
    let good = allFinite(nextParams) && estimateElboGrad(family, nextParams, target, rng, s.gradSamples, nextGrad, scratch);
    const elbo = good && evaluate ? estimateElbo(family, nextParams, target, rng, s.elboSamples, scratch) : NaN;
    if (good && evaluate) good = Number.isFinite(elbo);
    if (!good) {
      if (++failures > MAX_STEP_HALVINGS) {
        throw new AdviError(
          `advi: non-finite ELBO or ELBO gradient at iteration ${k} with step size ${eta} after halving it ` +
            `${MAX_STEP_HALVINGS} times (from ${eta * libm.pow(2, MAX_STEP_HALVINGS)}); error.fit holds the last good ` +
            'approximation. The model may be ill-conditioned or misspecified, or try a smaller `stepSize`',
          fit(false),
        );
      }
      eta /= 2; // retry step k from the last good parameters with the same gradient
      continue;
    }
    failures = 0;
    [params, nextParams] = [nextParams, params];
    [history, nextHistory] = [nextHistory, history];
    [grad, nextGrad] = [nextGrad, grad];
    iteration = k;
    if (evaluate) {
      // Stan starts from elbo_prev = 0, so the first relative change is 1.
      const prev = elbos.length > 0 ? elbos[elbos.length - 1] : 0;
      relChanges.push(relativeChange(elbo, prev));
      elbos.push(elbo);
      elboIters.push(k);
      const window = relChanges.slice(-windowSize);
      const meanRel = window.reduce((a, b) => a + b, 0) / window.length;
      const medianRel = upperMedian(window);
      progress.update(k, elbo, relChanges[relChanges.length - 1]);
      if (meanRel < s.tolRelObj || medianRel < s.tolRelObj) {
        converged = true;
        break;
      }
      if (k > 10 * s.evalElbo && (meanRel > 0.5 || medianRel > 0.5)) {
        addOnce(warnings, 'the relative ELBO change stayed above 0.5 after 10 evaluations: ADVI may be diverging; inspect the ELBO');
      }
    } else if (k % 10 === 0) {
      progress.update(k, elbos.length ? elbos[elbos.length - 1] : NaN, relChanges.length ? relChanges[relChanges.length - 1] : NaN);
    }
  }
  if (!converged) warnings.push(`the maximum number of iterations (${s.iterations}) was reached: ADVI may not have converged`);
  if (converged && elbos.length > 0) {
    const best = elbos.reduce((a, b) => Math.max(a, b), -Infinity);
    if (relativeChange(elbos[elbos.length - 1], best) > BEST_ELBO_WARN_FRACTION) {
      warnings.push('the ELBO at an earlier evaluation is larger than at convergence: the fit may not be a good optimum');
    }
  }
  return fit(false);
}

/** Stan's `rel_difference(elbo, elbo_prev)`: |(prev − current) / current|. */
function relativeChange(current: number, prev: number): number {
  if (current === 0) return prev === 0 ? 0 : Infinity;
  return Math.abs((prev - current) / current);
}

/** Stan's `circ_buff_median`: element n/2 (rounded down) of the sorted values, the upper median. */
function upperMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function addOnce(list: string[], message: string): void {
  if (!list.includes(message)) list.push(message);
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function startingPoint(target: PosteriorTarget, init: Settings['init'], rng: Rng): Float64Array {
  const dim = target.dim;
  const grad = new Float64Array(dim);
  const finiteAt = (x: Float64Array) => Number.isFinite(target.logDensityAndGrad(x, grad)) && allFinite(grad);
  if (init instanceof Float64Array) {
    if (!finiteAt(init)) throw new Error('advi: the log density or its gradient is not finite at options.init');
    return init.slice();
  }
  if (init === 'zero') {
    const x = new Float64Array(dim);
    if (!finiteAt(x)) throw new Error("advi: the log density or its gradient is not finite at init 'zero'; try init 'random'");
    return x;
  }
  for (let a = 0; a < MAX_INIT_ATTEMPTS; a++) {
    const x = Float64Array.from({ length: dim }, () => rng.uniformRange(-2, 2));
    if (finiteAt(x)) return x;
  }
  throw new Error(`advi: no finite log density and gradient at ${MAX_INIT_ATTEMPTS} random points in (-2, 2)^${dim}; give options.init`);
}

function validate(target: PosteriorTarget, o: AdviOptions): Settings {
  if (!target || typeof target.logDensityAndGrad !== 'function') {
    throw new TypeError('advi: target must have a logDensityAndGrad(x, gradOut) method');
  }
  if (!Number.isInteger(target.dim) || target.dim < 1) throw new Error(`advi: target.dim must be a positive integer, got ${target.dim}`);
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.includes(key)) throw new Error(`advi: unknown option '${key}'; known options are ${KNOWN_OPTIONS.join(', ')}`);
  }
  const method = o.method ?? DEFAULTS.method;
  if (!ADVI_METHODS.includes(method)) {
    throw new Error(`advi: options.method must be one of ${ADVI_METHODS.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(method)}`);
  }
  const positiveInt = (name: keyof typeof DEFAULTS) => {
    const v = (o as Record<string, unknown>)[name] ?? DEFAULTS[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`advi: options.${name} must be a positive integer, got ${String(v)}`);
    return v;
  };
  const positive = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`advi: options.${name} must be a finite number > 0, got ${String(v)}`);
    return v;
  };
  const seed = o.seed ?? randomSeed();
  if (!Number.isInteger(seed)) throw new Error(`advi: options.seed must be an integer, got ${seed}`);
  const init = o.init ?? 'random';
  if (init instanceof Float64Array) {
    if (init.length !== target.dim) throw new Error(`advi: options.init has length ${init.length}, expected target.dim = ${target.dim}`);
    if (!allFinite(init)) throw new Error('advi: options.init must be finite');
  } else if (init !== 'random' && init !== 'zero') {
    throw new Error(`advi: options.init must be a Float64Array, 'random' or 'zero', got ${String(init)}`);
  }
  if (o.progress !== undefined && typeof o.progress !== 'boolean') throw new Error(`advi: options.progress must be a boolean, got ${String(o.progress)}`);
  return {
    method,
    iterations: positiveInt('iterations'),
    seed,
    gradSamples: positiveInt('gradSamples'),
    elboSamples: positiveInt('elboSamples'),
    tolRelObj: positive('tolRelObj', o.tolRelObj ?? DEFAULTS.tolRelObj),
    evalElbo: positiveInt('evalElbo'),
    stepSize: o.stepSize === undefined ? undefined : positive('stepSize', o.stepSize),
    adaptIterations: positiveInt('adaptIterations'),
    init,
    progress: o.progress,
    signal: o.signal,
  };
}
