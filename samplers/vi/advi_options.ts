/**
 * ADVI's options: their type (the one source of their names), Stan's defaults, and the check that
 * turns what a user passed into the settings one run works with, rejecting unknown names and
 * invalid values with an error that names the option and the value.
 */
import { randomSeed } from '../../core/runtime.js';
import { allFinite } from '../../core/finite.js';
import type { PosteriorTarget } from '../types.js';
import { ADVI_METHODS, type AdviMethod } from './families.js';
import { DEFAULT_ADAPT_ITERATIONS } from './step_size.js';

/** 'accurate' (default): Stan's run, then an averaging phase that converges to the optimum; 'stan': Stan's algorithm exactly. */
export type AdviSchedule = 'accurate' | 'stan';
export const ADVI_SCHEDULES: readonly AdviSchedule[] = ['accurate', 'stan'];

export interface AdviOptions {
  /**
   * 'accurate' (default): Stan's step-size search and sequence with the stick-the-landing gradient
   * until Stan's (or PyMC's) convergence rule fires, then a refinement phase with a fixed
   * preconditioner, a decaying step, `refineGradSamples` draws per gradient and Polyak averaging of
   * the iterates. 'stan': Stan's algorithm exactly (the last iterate when the relative ELBO rule fires).
   */
  schedule?: AdviSchedule;
  /** 'accurate' only: cap on the refinement (averaging) phase's iterations (10000). */
  refineIterations?: number;
  /** 'accurate' only: draws per gradient estimate in the refinement phase (10). */
  refineGradSamples?: number;
  /**
   * 'accurate' only: PyMC-style parameter-change tolerance (0.01): Stan's phase also ends when, between
   * two ELBO evaluations, no mean moves by more than tolParam marginal sds and no log-sd by more than
   * tolParam; the averaging phase ends when two successive block averages agree that closely.
   */
  tolParam?: number;
  /** Independent fits (seeds seed, seed+1, …); the one with the best final ELBO estimate is returned (1). */
  restarts?: number;
  /** Draws for the final ELBO estimate that ranks restarts and is reported as `finalElbo` (1000). */
  finalElboSamples?: number;
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

/** Options without a default stay optional in the settings; every other one is filled in. */
type OptionalSettings = 'stepSize' | 'progress' | 'signal';
export type AdviSettings = Required<Omit<AdviOptions, OptionalSettings>> & Pick<AdviOptions, OptionalSettings>;

const DEFAULTS = {
  schedule: 'accurate',
  refineIterations: 10000,
  refineGradSamples: 10,
  tolParam: 0.01,
  restarts: 1,
  finalElboSamples: 1000,
  method: 'meanfield',
  iterations: 10000,
  gradSamples: 1,
  elboSamples: 100,
  tolRelObj: 0.01,
  evalElbo: 100,
  adaptIterations: DEFAULT_ADAPT_ITERATIONS,
} as const satisfies Partial<AdviSettings>;

/** Every option name; typed against AdviOptions, so a name missing here or extra does not compile. */
const OPTION_NAMES: Record<keyof AdviOptions, true> = {
  method: true, iterations: true, gradSamples: true, elboSamples: true, tolRelObj: true, evalElbo: true,
  adaptIterations: true, seed: true, stepSize: true, init: true, progress: true, signal: true,
  schedule: true, refineIterations: true, refineGradSamples: true, tolParam: true, restarts: true, finalElboSamples: true,
};
export const ADVI_OPTION_NAMES = Object.keys(OPTION_NAMES) as readonly (keyof AdviOptions)[];

/** Check the target and the options; the settings of the run, defaults filled in. */
export function validateAdviOptions(target: PosteriorTarget, o: AdviOptions): AdviSettings {
  if (!target || typeof target.logDensityAndGrad !== 'function') {
    throw new TypeError('advi: target must have a logDensityAndGrad(x, gradOut) method');
  }
  if (!Number.isInteger(target.dim) || target.dim < 1) throw new Error(`advi: target.dim must be a positive integer, got ${target.dim}`);
  for (const key of Object.keys(o)) {
    if (!(ADVI_OPTION_NAMES as readonly string[]).includes(key)) throw new Error(`advi: unknown option '${key}'; known options are ${ADVI_OPTION_NAMES.join(', ')}`);
  }
  const method = o.method ?? DEFAULTS.method;
  if (!ADVI_METHODS.includes(method)) {
    throw new Error(`advi: options.method must be one of ${ADVI_METHODS.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(method)}`);
  }
  const schedule = o.schedule ?? DEFAULTS.schedule;
  if (!ADVI_SCHEDULES.includes(schedule)) {
    throw new Error(`advi: options.schedule must be one of ${ADVI_SCHEDULES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(schedule)}`);
  }
  type IntOption = 'iterations' | 'gradSamples' | 'elboSamples' | 'evalElbo' | 'adaptIterations' | 'refineIterations' | 'refineGradSamples' | 'restarts' | 'finalElboSamples';
  const positiveInt = (name: IntOption) => {
    const v: unknown = o[name] ?? DEFAULTS[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`advi: options.${name} must be a positive integer, got ${String(v)}`);
    return v;
  };
  const seed = o.seed ?? randomSeed();
  if (!Number.isInteger(seed)) throw new Error(`advi: options.seed must be an integer, got ${seed}`);
  const init = checkInit(o.init ?? 'random', target.dim);
  if (o.progress !== undefined && typeof o.progress !== 'boolean') throw new Error(`advi: options.progress must be a boolean, got ${String(o.progress)}`);
  return {
    schedule,
    refineIterations: positiveInt('refineIterations'),
    refineGradSamples: positiveInt('refineGradSamples'),
    tolParam: positive('tolParam', o.tolParam ?? DEFAULTS.tolParam),
    restarts: positiveInt('restarts'),
    finalElboSamples: positiveInt('finalElboSamples'),
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

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`advi: options.${name} must be a finite number > 0, got ${String(v)}`);
  return v;
}

function checkInit(init: AdviSettings['init'], dim: number): AdviSettings['init'] {
  if (init instanceof Float64Array) {
    if (init.length !== dim) throw new Error(`advi: options.init has length ${init.length}, expected target.dim = ${dim}`);
    if (!allFinite(init)) throw new Error('advi: options.init must be finite');
  } else if (init !== 'random' && init !== 'zero') {
    throw new Error(`advi: options.init must be a Float64Array, 'random' or 'zero', got ${String(init)}`);
  }
  return init;
}
