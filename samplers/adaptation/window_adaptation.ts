/**
 * Stan's warmup for any sampler whose params carry `stepSize` and `inverseMassMatrix` and whose
 * info reports `acceptanceRate` (BlackJAX's `window_adaptation`, Stan's `adapt_diag_e_nuts`):
 * dual averaging of the step size on every warmup iteration, Welford estimates of the metric in
 * the slow windows of `windowSchedule`, and after each window a new regularised metric, a fresh
 * step-size search and a restart of dual averaging around it.
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import { hamiltonian, leapfrog, type PhasePoint } from '../mcmc/integrator.js';
import { euclideanMetric, metricKind } from '../mcmc/metric.js';
import {
  dualAveragingFinalStepSize,
  dualAveragingInit,
  dualAveragingStepSize,
  dualAveragingUpdate,
  type DualAveragingOptions,
  type DualAveragingState,
} from './dual_averaging.js';
import { windowSchedule, type WindowSchedule, type WindowScheduleOptions } from './window_schedule.js';
import { regularizedInverseMassMatrix, welfordAdd, welfordInit, welfordRestart, type WelfordEstimator } from './mass_matrix.js';
import * as libm from '../../core/libm.js';

export interface AdaptedParams extends SamplerParams {
  stepSize: number;
  inverseMassMatrix: Float64Array;
}

/** Finds a starting step size for dual averaging from `params.stepSize` at `state`. */
export type StepSizeSearch = (rng: Rng, state: SamplerState, target: LogDensity, params: AdaptedParams) => number;

export interface WindowAdaptationOptions extends WindowScheduleOptions, DualAveragingOptions {
  numWarmup: number;
  /** Estimate the metric in the slow windows; when false only the step size adapts. Default true. */
  adaptMassMatrix?: boolean;
  /** Default: Stan's doubling/halving leapfrog heuristic, `initialStepSize`. */
  findStepSize?: StepSizeSearch;
}

export interface WindowAdaptationState {
  /** Warmup iterations done. */
  readonly iteration: number;
  /** The params for the next transition. */
  readonly params: AdaptedParams;
  readonly dualAveraging: DualAveragingState;
  /** Metric updates so far (one per finished slow window). */
  readonly numMetricUpdates: number;
  /** Running estimate of the current window (internal, mutated in place). */
  readonly estimator: WelfordEstimator;
}

export interface WindowAdaptation {
  readonly schedule: WindowSchedule;
  /** Starts warmup at `state`: searches a step size from `params.stepSize` (Stan's init_stepsize). */
  init(rng: Rng, state: SamplerState, target: LogDensity, params: SamplerParams): WindowAdaptationState;
  /** Learns from one warmup transition that ended in `state` with `info`. */
  update(rng: Rng, adaptation: WindowAdaptationState, state: SamplerState, info: SamplerInfo, target: LogDensity): WindowAdaptationState;
  /** The params to sample with after warmup: the metric of the last window and exp(x̄) as step size. */
  finalParams(adaptation: WindowAdaptationState): AdaptedParams;
}

function checkParams(params: SamplerParams, dim: number): AdaptedParams {
  const { stepSize, inverseMassMatrix } = params;
  if (typeof stepSize !== 'number' || !(stepSize > 0) || !Number.isFinite(stepSize)) {
    throw new Error(`windowAdaptation: params.stepSize must be a positive finite number, got ${String(stepSize)}`);
  }
  if (!(inverseMassMatrix instanceof Float64Array) || (inverseMassMatrix.length !== dim && inverseMassMatrix.length !== dim * dim)) {
    throw new Error(
      `windowAdaptation: params.inverseMassMatrix must be a Float64Array of length ${dim} or ${dim * dim}, got ${
        inverseMassMatrix instanceof Float64Array ? `length ${inverseMassMatrix.length}` : String(inverseMassMatrix)
      }`,
    );
  }
  return { ...params, stepSize, inverseMassMatrix };
}

export function windowAdaptation(options: WindowAdaptationOptions): WindowAdaptation {
  const { numWarmup, adaptMassMatrix = true, findStepSize = initialStepSize } = options;
  const daOptions: DualAveragingOptions = { targetAccept: options.targetAccept, gamma: options.gamma, t0: options.t0, kappa: options.kappa };
  for (const [k, v] of Object.entries(daOptions)) if (v === undefined) delete (daOptions as Record<string, unknown>)[k];
  if (options.targetAccept !== undefined && !(options.targetAccept > 0 && options.targetAccept < 1)) {
    throw new Error(`windowAdaptation: targetAccept must be in (0, 1), got ${options.targetAccept}`);
  }
  const schedule = adaptMassMatrix ? windowSchedule(numWarmup, options) : windowSchedule(numWarmup, { initBuffer: numWarmup, termBuffer: 0, baseWindow: 0 });
  const windows = adaptMassMatrix ? schedule.windows : [];

  return {
    schedule,
    init(rng, state, target, params) {
      const p = checkParams(params, target.dim);
      // As Stan's services: μ comes from the user's step size, then the heuristic moves ε itself.
      const dualAveraging = dualAveragingInit(p.stepSize);
      const stepSize = findStepSize(rng, state, target, p);
      const dense = metricKind(p.inverseMassMatrix, target.dim) === 'dense';
      return { iteration: 0, params: { ...p, stepSize }, dualAveraging, numMetricUpdates: 0, estimator: welfordInit(target.dim, dense) };
    },
    update(rng, adaptation, state, info, target) {
      const i = adaptation.iteration; // index of the transition just made
      let dualAveraging = dualAveragingUpdate(adaptation.dualAveraging, info.acceptanceRate, daOptions);
      let params: AdaptedParams = { ...adaptation.params, stepSize: dualAveragingStepSize(dualAveraging) };
      let numMetricUpdates = adaptation.numMetricUpdates;
      const window = windows[numMetricUpdates];
      if (window && i >= window.start && i < window.end) {
        welfordAdd(adaptation.estimator, state.position);
        if (i === window.end - 1) {
          const inverseMassMatrix = regularizedInverseMassMatrix(adaptation.estimator);
          welfordRestart(adaptation.estimator);
          numMetricUpdates += 1;
          if (inverseMassMatrix) params = { ...params, inverseMassMatrix };
          const stepSize = findStepSize(rng, state, target, params);
          params = { ...params, stepSize };
          dualAveraging = dualAveragingInit(stepSize);
        }
      }
      return { iteration: i + 1, params, dualAveraging, numMetricUpdates, estimator: adaptation.estimator };
    },
    finalParams(adaptation) {
      return { ...adaptation.params, stepSize: dualAveragingFinalStepSize(adaptation.dualAveraging) };
    },
  };
}

/** log 0.8: the one-step acceptance Stan's heuristic aims to straddle. */
const LOG_HEURISTIC_ACCEPT = libm.log(0.8);

/**
 * Stan's `init_stepsize`: from a fresh momentum, one leapfrog step of size ε; double ε while the
 * acceptance exp(H0 - H) stays above 0.8, or halve it while it stays below, and stop at the
 * first crossing. Uses the Euclidean metric of `params`, so it suits any gradient sampler.
 */
export function initialStepSize(rng: Rng, state: SamplerState, target: LogDensity, params: AdaptedParams): number {
  let stepSize = params.stepSize;
  if (stepSize === 0 || stepSize > 1e7 || Number.isNaN(stepSize)) return stepSize; // as Stan: avoid endless loops
  const metric = euclideanMetric(params.inverseMassMatrix, target.dim);
  const energyChange = (): number => {
    const z: PhasePoint = { ...state, momentum: metric.sampleMomentum(rng, new Float64Array(target.dim)) };
    const h0 = hamiltonian(metric, z);
    const h = hamiltonian(metric, leapfrog(target, metric, z, stepSize));
    return h0 - h;
  };
  const direction = energyChange() > LOG_HEURISTIC_ACCEPT ? 1 : -1;
  for (;;) {
    const deltaH = energyChange();
    if (direction === 1 && !(deltaH > LOG_HEURISTIC_ACCEPT)) break;
    if (direction === -1 && !(deltaH < LOG_HEURISTIC_ACCEPT)) break;
    stepSize = direction === 1 ? 2 * stepSize : 0.5 * stepSize;
    if (stepSize > 1e7) throw new Error(`initialStepSize: step size grew past 1e7 at position [${Array.from(state.position.slice(0, 5)).join(', ')}${state.position.length > 5 ? ', …' : ''}]; the posterior looks improper (Stan: "Posterior is improper")`);
    if (stepSize === 0) throw new Error('initialStepSize: no acceptably small step size could be found; is the log density continuous and finite near the initial point?');
  }
  return stepSize;
}
