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
import { yieldToEventLoop } from '../../core/runtime.js';
import * as libm from '../../core/libm.js';
import { Rng } from '../../core/rng.js';
import { allFinite } from '../../core/finite.js';
import type { LogDensity, PosteriorTarget } from '../types.js';
import { countingTarget } from './counting_target.js';
import { refine, scaledChange } from './refine.js';
import type { AdviRun, Ascent } from './advi_state.js';
import { bestOfRestarts } from './restarts.js';
import { estimateElbo, estimateElboGrad, makeFamily, makeScratch } from './families.js';
import { STEP_SIZE_CANDIDATES, ascentStep, updateGradHistory } from './step_size.js';
import { createAdviProgress } from './progress_bar.js';
import { validateAdviOptions, type AdviOptions, type AdviSettings } from './advi_options.js';
import { AdviError, MAX_STEP_HALVINGS } from './advi_error.js';
import { makeFit, type AdviFit, type AdviStopRule } from './fit.js';

export type { AdviMethod } from './families.js';
export type { AdviFit, AdviStopRule } from './fit.js';
export type { AdviOptions } from './advi_options.js';

export { MAX_STEP_HALVINGS } from './advi_error.js';
/** Attempts at a finite starting point for init 'random' (as the jitter initialisation). */
const MAX_INIT_ATTEMPTS = 100;
/** 0.05: Stan warns when the final ELBO is more than 5% (relative) below the best seen. */
const BEST_ELBO_WARN_FRACTION = 0.05;
/** Yield to the event loop this often (ms) so an AbortSignal fired by a timer is seen. */
const YIELD_EVERY_MS = 20;

export { AdviError } from './advi_error.js';

export async function advi(target: PosteriorTarget, options: AdviOptions = {}): Promise<AdviFit> {
  const s = validateAdviOptions(target, options);
  if (s.restarts === 1) return adviOnce(target, s, s.schedule === 'accurate');
  return bestOfRestarts(target, s, (seed) => adviOnce(target, { ...s, seed }, true));
}

/** One run: starting point, η, Stan's phase, then (schedule 'accurate') the averaging phase. */
async function adviOnce(original: PosteriorTarget, s: AdviSettings, withFinalElbo: boolean): Promise<AdviFit> {
  const root = Rng.fromSeed(s.seed);
  const { target, counts } = countingTarget(original);
  // Separate streams, so giving `stepSize` leaves the starting point and optimisation draws unchanged.
  const start = startingPoint(target, s.init, root.stream(0));
  const run: AdviRun = {
    family: makeFamily(s.method, target.dim), target, original, counts, s, scratch: makeScratch(target.dim),
    progress: createAdviProgress(s.progress, s.iterations + (s.schedule === 'accurate' ? s.refineIterations : 0)), stl: s.schedule === 'accurate',
  };
  try {
    let eta = s.stepSize;
    if (eta === undefined) {
      run.progress.phase('step-size search');
      eta = searchStepSize(run, start, root.stream(1));
      run.progress.phase('optimising');
    }
    const a = await optimise(run, start, eta, root.stream(2));
    if (a.convergedBy !== 'interrupted') addFinalWarnings(a, s); // Stan's messages are about Stan's phase
    let params = a.params;
    if (s.schedule === 'accurate' && a.convergedBy !== 'interrupted') {
      run.progress.phase('refining');
      params = await refine(run, a, root.stream(4), (k, eta, last) => {
        throw nonFiniteStepError(k, eta, makeFit(run.family, run.original, last, { ...fitRecord(a, run, s), interrupted: false }));
      });
    }
    const finalElbo = withFinalElbo ? estimateElbo(run.family, params, target, root.stream(5), s.finalElboSamples, run.scratch) : undefined;
    return makeFit(run.family, original, params, { ...fitRecord(a, run, s), interrupted: a.convergedBy === 'interrupted' || a.refinedBy === 'interrupted', finalElbo });
  } finally {
    run.progress.stop();
  }
}

/** Stan's `adapt_eta`: a short run at each η, largest first; keep the last η that still improved. */
function searchStepSize(run: AdviRun, start: Float64Array, rng: Rng): number {
  const { family, target, s, scratch } = run;
  const initial = family.initialParams(start);
  const elboInit = estimateElbo(family, initial, target, rng, s.elboSamples, scratch);
  if (!Number.isFinite(elboInit)) {
    throw new AdviError(
      'advi: cannot compute the ELBO at the initial variational distribution (every draw gave a non-finite ' +
        'log density); the model may be ill-conditioned or misspecified, or try another `init`',
    );
  }
  const buffers = { params: new Float64Array(family.numParams), history: new Float64Array(family.numParams), grad: new Float64Array(family.numParams) };
  let elboBest = -Number.MAX_VALUE;
  let etaBest = 0;
  for (let c = 0; c < STEP_SIZE_CANDIDATES.length; c++) {
    const eta = STEP_SIZE_CANDIDATES[c];
    const elbo = trialAscent(run, initial, eta, c, rng, buffers);
    if (elbo === undefined) return eta; // aborted: the caller sees the abort before optimising
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

/**
 * `adaptIterations` ascent steps at η from the initial parameters (candidate number `candidate`
 * of the search); the ELBO reached (−MAX_VALUE when not finite), or undefined when aborted.
 */
function trialAscent(
  run: AdviRun,
  initial: Float64Array,
  eta: number,
  candidate: number,
  rng: Rng,
  { params, history, grad }: { params: Float64Array; history: Float64Array; grad: Float64Array },
): number | undefined {
  const { family, target, s, scratch } = run;
  params.set(initial);
  history.fill(0);
  for (let k = 1; k <= s.adaptIterations; k++) {
    if (s.signal?.aborted) return undefined;
    // A failed gradient is fine here (as in Stan): a too-large η shows up as a bad ELBO below.
    if (!estimateElboGrad(family, params, target, rng, s.gradSamples, grad, scratch)) grad.fill(0);
    updateGradHistory(history, grad, k, history);
    ascentStep(params, grad, history, k, eta, params);
    run.progress.update(candidate * s.adaptIterations + k, NaN, NaN);
  }
  const elbo = estimateElbo(family, params, target, rng, s.elboSamples, scratch);
  return Number.isFinite(elbo) ? elbo : -Number.MAX_VALUE;
}

/** Stan's `stochastic_gradient_ascent`, with retries on non-finite steps; the state at its end. */
async function optimise(run: AdviRun, start: Float64Array, eta: number, rng: Rng): Promise<Ascent> {
  const { s } = run;
  const a = startAscent(run, start, eta, rng);
  let failures = 0;
  let lastYield = Date.now();
  while (a.iteration < s.iterations) {
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    if (s.signal?.aborted) {
      a.convergedBy = 'interrupted';
      return a;
    }
    const k = a.iteration + 1;
    const elbo = proposeStep(run, a, k, rng);
    if (elbo === undefined) {
      if (++failures > MAX_STEP_HALVINGS) throw nonFiniteStepError(k, a.eta, makeFit(run.family, run.original, a.params, { ...fitRecord(a, run, s), interrupted: false }));
      a.eta /= 2; // retry step k from the last good parameters with the same gradient
      continue;
    }
    failures = 0;
    acceptStep(a, k);
    if (k % s.evalElbo === 0) {
      const rule = recordElbo(run, a, k, elbo);
      if (rule !== undefined) {
        a.converged = true;
        a.convergedBy = rule;
        break;
      }
    } else if (k % 10 === 0) {
      run.progress.update(k, a.elbos.length ? a.elbos[a.elbos.length - 1] : NaN, a.relChanges.length ? a.relChanges[a.relChanges.length - 1] : NaN);
    }
  }
  return a;
}

/** The state at iteration 0, with the gradient at the start (no step to shrink yet: only fresh draws can help). */
function startAscent(run: AdviRun, start: Float64Array, eta: number, rng: Rng): Ascent {
  const { family, target, s, scratch } = run;
  const P = family.numParams;
  const a: Ascent = {
    params: family.initialParams(start), history: new Float64Array(P), grad: new Float64Array(P),
    nextParams: new Float64Array(P), nextHistory: new Float64Array(P), nextGrad: new Float64Array(P),
    eta, iteration: 0, converged: false, convergedBy: 'max-iterations', elbos: [], elboIters: [], relChanges: [], warnings: [],
  };
  let ok = false;
  for (let attempt = 0; attempt <= MAX_STEP_HALVINGS && !ok; attempt++) ok = estimateElboGrad(family, a.params, target, rng, s.gradSamples, a.grad, scratch, run.stl);
  if (!ok) {
    throw new AdviError(
      `advi: the ELBO gradient is not finite at the initial point (iteration 0) in ${MAX_STEP_HALVINGS + 1} ` +
        'attempts; check the log density and its gradient there, or try another `init`',
    );
  }
  return a;
}

/**
 * Step k into the `next*` buffers and the gradient there; on an ELBO iteration also the ELBO.
 * Returns that ELBO (NaN on other iterations), or undefined when anything came out non-finite.
 */
function proposeStep(run: AdviRun, a: Ascent, k: number, rng: Rng): number | undefined {
  const { family, target, s, scratch } = run;
  updateGradHistory(a.history, a.grad, k, a.nextHistory);
  ascentStep(a.params, a.grad, a.nextHistory, k, a.eta, a.nextParams);
  if (!allFinite(a.nextParams) || !estimateElboGrad(family, a.nextParams, target, rng, s.gradSamples, a.nextGrad, scratch, run.stl)) return undefined;
  if (k % s.evalElbo !== 0) return NaN;
  const elbo = estimateElbo(family, a.nextParams, target, rng, s.elboSamples, scratch);
  return Number.isFinite(elbo) ? elbo : undefined;
}

/** The proposed step becomes the accepted one (buffers swapped, no copies). */
function acceptStep(a: Ascent, k: number): void {
  [a.params, a.nextParams] = [a.nextParams, a.params];
  [a.history, a.nextHistory] = [a.nextHistory, a.history];
  [a.grad, a.nextGrad] = [a.nextGrad, a.grad];
  a.iteration = k;
}

/**
 * Records the ELBO of iteration k and tests convergence: Stan's rule fires when the mean or the
 * upper median of the relative changes in Stan's window, max(0.1 · max_iterations / eval_elbo, 2),
 * is below tolRelObj; under schedule 'accurate' also PyMC's parameter-change rule. Returns the rule that fired.
 */
function recordElbo(run: AdviRun, a: Ascent, k: number, elbo: number): AdviStopRule | undefined {
  const { s } = run;
  // Stan starts from elbo_prev = 0, so the first relative change is 1.
  const prev = a.elbos.length > 0 ? a.elbos[a.elbos.length - 1] : 0;
  a.relChanges.push(relativeChange(elbo, prev));
  a.elbos.push(elbo);
  a.elboIters.push(k);
  const windowSize = Math.max(Math.floor((0.1 * s.iterations) / s.evalElbo), 2);
  const window = a.relChanges.slice(-windowSize);
  const meanRel = window.reduce((x, y) => x + y, 0) / window.length;
  const medianRel = upperMedian(window);
  run.progress.update(k, elbo, a.relChanges[a.relChanges.length - 1]);
  if (meanRel < s.tolRelObj) return 'relative-elbo-mean';
  if (medianRel < s.tolRelObj) return 'relative-elbo-median';
  if (s.schedule === 'accurate') {
    const last = a.paramsAtLastEval;
    a.paramsAtLastEval = a.params.slice();
    if (last && scaledChange(run.family, last, a.params) < s.tolParam) return 'parameter-change';
  }
  if (k > 10 * s.evalElbo && (meanRel > 0.5 || medianRel > 0.5)) {
    addOnce(a.warnings, 'the relative ELBO change stayed above 0.5 after 10 evaluations: ADVI may be diverging; inspect the ELBO');
  }
  return undefined;
}

/** Stan's messages at the end: the cap was reached, or an earlier ELBO beat the final one by over 5%. */
function addFinalWarnings(a: Ascent, s: AdviSettings): void {
  if (!a.converged) a.warnings.push(`the maximum number of iterations (${s.iterations}) was reached: ADVI may not have converged`);
  if (a.converged && a.elbos.length > 0) {
    const best = a.elbos.reduce((x, y) => Math.max(x, y), -Infinity);
    if (relativeChange(a.elbos[a.elbos.length - 1], best) > BEST_ELBO_WARN_FRACTION) {
      a.warnings.push('the ELBO at an earlier evaluation is larger than at convergence: the fit may not be a good optimum');
    }
  }
}

function fitRecord(a: Ascent, run: AdviRun, s: AdviSettings) {
  return {
    eta: a.eta, iteration: a.iteration, converged: a.converged, elbos: a.elbos, elboIters: a.elboIters, warnings: a.warnings, seed: s.seed,
    schedule: s.schedule, convergedBy: a.convergedBy, refinedBy: a.refinedBy, refineStart: a.refineStart,
    numGradEvals: run.counts.grad, numLogDensityEvals: run.counts.value,
  };
}

function nonFiniteStepError(k: number, eta: number, lastGoodFit: AdviFit): AdviError {
  return new AdviError(
    `advi: non-finite ELBO or ELBO gradient at iteration ${k} with step size ${eta} after halving it ` +
      `${MAX_STEP_HALVINGS} times (from ${eta * libm.pow(2, MAX_STEP_HALVINGS)}); error.fit holds the last good ` +
      'approximation. The model may be ill-conditioned or misspecified, or try a smaller `stepSize`',
    lastGoodFit,
  );
}

/** Stan's `rel_difference(elbo, elbo_prev)`: |(prev − current) / current|. */
function relativeChange(current: number, prev: number): number {
  if (current === 0) return prev === 0 ? 0 : Infinity;
  return Math.abs((prev - current) / current);
}

/** Stan's `circ_buff_median`: element n/2 (rounded down) of the sorted values, the upper median. */
function upperMedian(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

function addOnce(list: string[], message: string): void {
  if (!list.includes(message)) list.push(message);
}

function startingPoint(target: LogDensity, init: AdviSettings['init'], rng: Rng): Float64Array {
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
  for (let attempt = 0; attempt < MAX_INIT_ATTEMPTS; attempt++) {
    const x = Float64Array.from({ length: dim }, () => rng.uniformRange(-2, 2));
    if (finiteAt(x)) return x;
  }
  throw new Error(`advi: no finite log density and gradient at ${MAX_INIT_ATTEMPTS} random points in (-2, 2)^${dim}; give options.init`);
}
