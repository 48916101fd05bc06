/**
 * nutpie's warmup (nuts-rs `GlobalStrategy`) as a WarmupAdapter: the metric starts from the
 * gradient at the initial point (σ² = 1/|g|), is refitted from the foreground estimator's draws
 * and gradients after every draw (the low-rank one every `lowRankEvery` draws and at each switch,
 * its fit costing O(dim·n² + n³)), and the estimators switch on `FisherSchedule`. The step size
 * follows dual averaging throughout, restarted by Stan's heuristic at the first metric fitted
 * from draws and, unlike nutpie, once more at the start of the final step-size-only phase (its
 * average should describe the final metric alone). A draw enters the estimators only when the
 * chain moved and the transition did not diverge (nutpie's `DrawGradCollector`).
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import type { AdaptationReport, WarmupPhase } from '../trace/trace_meta.js';
import { metricKind } from '../mcmc/metric.js';
import { dualAveragingFinalStepSize, dualAveragingInit, dualAveragingStepSize, dualAveragingUpdate, type DualAveragingOptions, type DualAveragingState } from './dual_averaging.js';
import { initialStepSize, type AdaptedParams, type StepSizeSearch } from './window_adaptation.js';
import { FisherSchedule, type FisherScheduleOptions } from './fisher_schedule.js';
import { DrawGradMoments, fisherDiagonal, fisherShift, gradientInitialVariance } from './fisher_diagonal.js';
import { fisherLowRank, type LowRankOptions } from './fisher_low_rank.js';
import type { WarmupAdapter } from './warmup_adapter.js';

export interface FisherAdaptationOptions extends FisherScheduleOptions, DualAveragingOptions, LowRankOptions {
  numWarmup: number;
  /** Fit a low-rank plus diagonal metric instead of a diagonal one. */
  lowRank?: boolean;
  /** Draws between low-rank refits within a window; 10 (nutpie refits on every draw). */
  lowRankEvery?: number;
  /** Start from `params.inverseMassMatrix` (a diagonal one given by the user) instead of 1/|g|. */
  keepInitialMetric?: boolean;
  findStepSize?: StepSizeSearch;
}

/** Draws the low-rank fit needs before it replaces the diagonal one (with fewer, a few draws give spurious directions). */
export const LOW_RANK_MIN_DRAWS = 10;

/** The foreground and background estimators, with the draws themselves for the low-rank fit. */
class Estimators {
  foreground: DrawGradMoments;
  background: DrawGradMoments;
  /** Foreground draws and gradients; those from `split` on are the background's. */
  readonly draws: Float64Array[] = [];
  readonly grads: Float64Array[] = [];
  private split = 0;
  constructor(private readonly dim: number, private readonly keepDraws: boolean) {
    this.foreground = new DrawGradMoments(dim);
    this.background = new DrawGradMoments(dim);
  }
  add(x: Float64Array, g: Float64Array): void {
    this.foreground.add(x, g);
    this.background.add(x, g);
    if (this.keepDraws) {
      this.draws.push(Float64Array.from(x));
      this.grads.push(Float64Array.from(g));
    }
  }
  switch(): void {
    this.foreground = this.background;
    this.background = new DrawGradMoments(this.dim);
    if (this.keepDraws) {
      this.draws.splice(0, this.split);
      this.grads.splice(0, this.split);
      this.split = this.draws.length;
    }
  }
}

function moved(prev: Float64Array, next: SamplerState, info: SamplerInfo): boolean {
  if (info.isDivergent || !next.logDensityGrad.every(Number.isFinite)) return false;
  for (let i = 0; i < prev.length; i++) if (prev[i] !== next.position[i]) return true;
  return false;
}

export function fisherAdaptation(options: FisherAdaptationOptions): WarmupAdapter {
  const { numWarmup, lowRank = false, lowRankEvery = 10, keepInitialMetric = false, findStepSize = initialStepSize } = options;
  if (!Number.isInteger(lowRankEvery) || lowRankEvery < 1) throw new Error(`fisherAdaptation: lowRankEvery must be a positive integer, got ${lowRankEvery}`);
  const daOptions: DualAveragingOptions = {};
  for (const k of ['targetAccept', 'gamma', 't0', 'kappa'] as const) if (options[k] !== undefined) daOptions[k] = options[k];
  const lowRankOptions: LowRankOptions = {
    ...(options.regularization !== undefined ? { regularization: options.regularization } : {}),
    ...(options.cutoff !== undefined ? { cutoff: options.cutoff } : {}),
  };
  const schedule = new FisherSchedule(numWarmup, options);
  const adapt = lowRank ? 'fisher-low-rank' : 'fisher';

  let est: Estimators | undefined;
  let params: AdaptedParams | undefined;
  let variance: Float64Array = new Float64Array(0);
  let dual: DualAveragingState | undefined;
  let prev: Float64Array = new Float64Array(0);
  let iteration = 0;
  let fittedFromDraws = false;
  let lastFit = -1;
  let metricUpdates = 0;
  let eigenvalues: Float64Array | undefined;
  const mainSwitches: number[] = [];
  const live = () => {
    if (!est || !params || !dual) throw new Error('fisherAdaptation: init must come first');
    return { est, params, dual };
  };

  /** A new metric from the foreground, or undefined when there is none yet. */
  const refit = (e: Estimators, switched: boolean): Float64Array | undefined => {
    if (!lowRank) {
      const v = fisherDiagonal(e.foreground, variance);
      if (v) variance = v;
      return v;
    }
    const n = e.draws.length;
    if (n < 3) return undefined;
    if (n < LOW_RANK_MIN_DRAWS) {
      const v = fisherDiagonal(e.foreground, variance);
      if (v) variance = v;
      return v;
    }
    if (!switched && lastFit >= 0 && iteration - lastFit < lowRankEvery) return undefined;
    const fit = fisherLowRank(e.draws, e.grads, lowRankOptions);
    if (!fit) return undefined;
    lastFit = iteration;
    variance = fit.inverseMassMatrix.subarray(0, variance.length).slice();
    eigenvalues = fit.eigenvalues;
    return fit.inverseMassMatrix;
  };

  const phases = (): WarmupPhase[] => {
    const out: WarmupPhase[] = [];
    const push = (name: string, start: number, end: number) => end > start && out.push({ name, start, end });
    push('early', 0, schedule.earlyEnd);
    let start = schedule.earlyEnd;
    mainSwitches.forEach((d, j) => {
      push(`window ${j + 1}`, start, d + 1);
      start = d + 1;
    });
    push(`window ${mainSwitches.length + 1}`, start, schedule.finalStart);
    push('step size', schedule.finalStart, numWarmup);
    return out;
  };

  return {
    adapt,
    init(rng, state, target, given: SamplerParams) {
      const stepSize = given.stepSize;
      if (typeof stepSize !== 'number' || !(stepSize > 0) || !Number.isFinite(stepSize)) throw new Error(`fisherAdaptation: params.stepSize must be a positive finite number, got ${String(stepSize)}`);
      const inv = given.inverseMassMatrix;
      if (!(inv instanceof Float64Array) || metricKind(inv, target.dim) !== 'diag' || inv.length !== target.dim) {
        throw new Error(`fisherAdaptation: adapt '${adapt}' starts from a diagonal inverseMassMatrix of length ${target.dim}`);
      }
      est = new Estimators(target.dim, lowRank);
      variance = keepInitialMetric ? Float64Array.from(inv) : gradientInitialVariance(state.logDensityGrad);
      est.add(state.position, state.logDensityGrad);
      prev = state.position;
      params = { ...given, stepSize, inverseMassMatrix: variance };
      params = { ...params, stepSize: findStepSize(rng, state, target, params) };
      dual = dualAveragingInit(params.stepSize);
      return params;
    },
    update(rng, state, info, target: LogDensity) {
      const cur = live();
      const i = iteration;
      const keep = moved(prev, state, info);
      prev = state.position;
      let next = cur.params;
      let dualNext: DualAveragingState;
      if (i < schedule.finalStart) {
        const before = cur.est.background.count;
        if (keep) cur.est.add(state.position, state.logDensityGrad);
        const step = schedule.advance(i, before, cur.est.background.count);
        if (step.switched) {
          cur.est.switch();
          if (step.phase === 'windows') mainSwitches.push(i);
        }
        const inv = refit(cur.est, step.switched);
        dualNext = dualAveragingUpdate(cur.dual, info.acceptanceRate, daOptions);
        if (inv) {
          metricUpdates += 1;
          next = { ...next, inverseMassMatrix: inv };
        }
        if (inv && !fittedFromDraws) {
          fittedFromDraws = true;
          next = { ...next, stepSize: findStepSize(rng, state, target, next) };
          dualNext = dualAveragingInit(next.stepSize);
        } else next = { ...next, stepSize: dualAveragingStepSize(dualNext) };
      } else {
        const from = i === schedule.finalStart ? dualAveragingInit(cur.params.stepSize) : cur.dual;
        dualNext = dualAveragingUpdate(from, info.acceptanceRate, daOptions);
        next = { ...next, stepSize: dualAveragingStepSize(dualNext) };
      }
      iteration = i + 1;
      params = next;
      dual = dualNext;
      return next;
    },
    finalParams() {
      const cur = live();
      params = { ...cur.params, stepSize: dualAveragingFinalStepSize(cur.dual) };
      return params;
    },
    phaseOf: (i) => (i < numWarmup ? schedule.phaseOf(i) : 'sampling'),
    report(): AdaptationReport {
      const cur = live();
      const dim = variance.length;
      const kind = metricKind(cur.params.inverseMassMatrix, dim);
      return {
        adapt,
        metric: kind,
        stepSize: cur.params.stepSize,
        metricUpdates,
        phases: phases(),
        ...(kind === 'lowrank' && eigenvalues ? { rank: eigenvalues.length, eigenvalues: Array.from(eigenvalues) } : {}),
        shift: Array.from(fisherShift(cur.est.foreground, variance)),
      };
    },
  };
}
