/**
 * The options of `sample()`: their types, and the checks that run before anything is allocated
 * or started, each error naming the option (types, ranges, sizes against a memory budget, seeds).
 * `checkOptions` turns them into the settings every chain shares, defaults filled in.
 */
import { randomSeed } from '../../core/runtime.js';
import type { AnySampler, PosteriorTarget, SamplerSpec } from '../types.js';
import type { WindowScheduleOptions } from '../adaptation/window_schedule.js';
import type { ChainProgress } from './progress_events.js';
import type { RunControl } from './run_control.js';
import { samplerFactory, workerSpecOf, type BuiltInSamplerName } from '../registry.js';
import { traceLayout } from './chain_runner.js';
import type { WorkerTargetSpec } from './parallel/protocol.js';
import type { AdviInit } from '../vi/advi_initializer.js';
import { checkAdaptName, type AdaptName } from '../adaptation/warmup_adapter.js';

export type InitPoint = Float64Array | readonly number[];
export type InitOption = 'jitter' | 'advi+adapt_diag' | 'pathfinder' | InitPoint | readonly InitPoint[];

export interface SampleOptions {
  /** A Sampler object or the name of a registered one (samplers/registry.ts); nuts() by default. */
  sampler?: AnySampler | BuiltInSamplerName | (string & {});
  chains?: number;
  /** Post-warmup draws per chain. */
  draws?: number;
  /**
   * Warmup iterations per chain: `DEFAULT_TUNE` (400) by default, Stan's 1000 when the warmup is
   * `adapt: 'stan'` (given, or chosen because a Stan-only option is set; see `adapt`).
   */
  tune?: number;
  seed?: number;
  /** 'jitter' (default), 'advi+adapt_diag', 'pathfinder' (each chain starts at a draw of its own Pathfinder path, with that path's variances as its metric), one point for all chains, or one point per chain. */
  init?: InitOption;
  /** Half-width of the jitter box on the unconstrained scale; 2 as in Stan. */
  initRadius?: number;
  parallel?: boolean;
  progress?: boolean;
  checkpoint?: { dir: string };
  /** δ of dual averaging; 0.8 as in Stan. */
  targetAccept?: number;
  keepWarmup?: boolean;
  adaptMassMatrix?: boolean;
  /** Adapt a dense metric (starts from the dense identity unless inverseMassMatrix is given). */
  dense?: boolean;
  /** Initial step size; 1 as in Stan. */
  stepSize?: number;
  /** Initial inverse metric: diagonal (length dim) or dense (dim×dim row-major). */
  inverseMassMatrix?: Float64Array | readonly number[];
  /** Warmup window sizes (Stan's init_buffer / term_buffer / window). */
  windows?: WindowScheduleOptions;
  /** Stops the run early; the Trace then holds the draws made so far (`meta.interrupted`). */
  signal?: AbortSignal;
  /** Pause and resume the chains (a RunControl); a paused run goes on with the same draws. */
  control?: RunControl;
  /**
   * Called about every 100 ms per chain (and at the end, and when paused) with its progress and
   * the post-warmup draws made since its previous report: live plots, or keeping draws outside
   * the Trace.
   */
  onProgress?: (progress: ChainProgress) => void;
  adviInit?: AdviInit;
  workerTarget?: WorkerTargetSpec;
  /**
   * The warmup: 'stan' (Stan's windowed adaptation), 'fisher' (nutpie's diagonal
   * Fisher-divergence metric and schedule) or 'fisher-low-rank' (low-rank plus diagonal);
   * see docs/samplers.md. Left out, it is `DEFAULT_ADAPT` ('fisher'), except that
   * Stan-only options (`dense: true`, a dense `inverseMassMatrix` or sampler metric, `windows`,
   * `adaptMassMatrix: false`) choose 'stan', and a sampler with a diagonal metric only (mala, or
   * one of your own) gets 'fisher'. `adapt: 'stan', tune: 1000` is Stan's warmup.
   */
  adapt?: AdaptName;
}

/** The option names `sample` accepts; typed so that the list and `SampleOptions` cannot drift apart. */
const SAMPLE_OPTION_NAMES: Record<keyof SampleOptions, true> = {
  sampler: true, chains: true, draws: true, tune: true, seed: true, init: true, initRadius: true, parallel: true, progress: true, checkpoint: true, targetAccept: true,
  keepWarmup: true, adaptMassMatrix: true, dense: true, stepSize: true, inverseMassMatrix: true, windows: true, signal: true, control: true, onProgress: true, adviInit: true, workerTarget: true,
  adapt: true,
};

/** The options every chain shares, checked and with their defaults filled in. */
export interface RunSettings {
  sampler: AnySampler;
  /** How workers rebuild the sampler; only with `parallel: true`. */
  workerSpec?: SamplerSpec;
  chains: number;
  draws: number;
  tune: number;
  seed: number;
  targetAccept: number;
  initRadius: number;
  inverseMassMatrix?: Float64Array;
  adapt: AdaptName;
}

/**
 * The warmup when `adapt` is not given, and its length when `tune` is not given: chosen by
 * measurement, as the pair with the most effective draws per gradient (warmup included) over the
 * benchmarked posteriors with no loss of accuracy (bench/adaptation.bench.ts, and
 * bench/adaptation_bnn.bench.ts for the hierarchical BNN; numbers in docs/benchmarks.md and
 * docs/samplers.md#measured-effective-draws-per-gradient).
 */
export const DEFAULT_ADAPT: AdaptName = 'fisher';
/** See `DEFAULT_ADAPT`: the default `tune` of the Fisher warmups (nutpie's default too). */
export const DEFAULT_TUNE = 400;
/** The default `tune` of `adapt: 'stan'`: Stan's 1000, for which its windows (75 / 25·2^k / 50) are laid out. */
export const STAN_DEFAULT_TUNE = 1000;

/** The default `tune` of a warmup scheme: Stan's 1000 for 'stan', `DEFAULT_TUNE` for the Fisher ones. */
export function defaultTune(adapt: AdaptName): number {
  return adapt === 'stan' ? STAN_DEFAULT_TUNE : DEFAULT_TUNE;
}

/** The samplers that take a low-rank plus diagonal metric ('fisher-low-rank'); any other gets 'fisher' as its default. */
const LOW_RANK_SAMPLERS: readonly string[] = ['nuts', 'hmc'];

/** The warmup `sample` runs when `adapt` is left out (see SampleOptions.adapt). */
function defaultAdapt(options: SampleOptions, sampler: AnySampler, dim: number): AdaptName {
  const isDense = (m: ArrayLike<number> | undefined): boolean => m !== undefined && dim > 1 && m.length === dim * dim;
  // A dense metric (asked for, given, or the sampler's own, as nuts({ metric: 'dense' })) is adapted by Stan's windows only.
  const denseMetric = options.dense || isDense(options.inverseMassMatrix) || isDense(sampler.defaultParams(dim).inverseMassMatrix as ArrayLike<number> | undefined);
  if (denseMetric || options.windows !== undefined || options.adaptMassMatrix === false) return 'stan';
  if (DEFAULT_ADAPT === 'fisher-low-rank' && !LOW_RANK_SAMPLERS.includes(sampler.name)) return 'fisher';
  return DEFAULT_ADAPT;
}

/** `adapt`, checked against the options it cannot go with. */
function resolveAdapt(options: SampleOptions, sampler: AnySampler, dim: number): AdaptName {
  if (options.adapt === undefined) return defaultAdapt(options, sampler, dim);
  const adapt = checkAdaptName(options.adapt);
  if (adapt === 'stan') return adapt;
  if (options.dense) throw new Error(`sample: adapt '${adapt}' adapts a ${adapt === 'fisher' ? 'diagonal' : 'low-rank plus diagonal'} metric; dense: true needs adapt 'stan'`);
  if (options.windows !== undefined) throw new Error(`sample: windows sets Stan's warmup windows; with adapt '${adapt}' leave it out (or use adapt 'stan')`);
  if (options.adaptMassMatrix === false) throw new Error(`sample: adaptMassMatrix: false adapts the step size only, as adapt 'stan' does; adapt '${adapt}' needs it true`);
  return adapt;
}

function checkTarget(target: PosteriorTarget): void {
  if (!target || typeof target.logDensityAndGrad !== 'function' || !Number.isInteger(target.dim) || target.dim < 1) {
    throw new Error('sample: target must have an integer dim >= 1 and logDensityAndGrad(x, gradOut)');
  }
}

function checkInteger(name: string, value: unknown, min: number, max = MAX_ITERATIONS): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`sample: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  if (value > max) throw new Error(`sample: ${name} must be at most ${max}, got ${value}`);
  return value;
}

/** The flags of SampleOptions: true or false, nothing else (a string 'no' would read as true). */
const BOOLEAN_OPTIONS = ['parallel', 'progress', 'keepWarmup', 'adaptMassMatrix', 'dense'] as const;

function checkTypes(options: SampleOptions): void {
  for (const k of BOOLEAN_OPTIONS) {
    const v = options[k];
    if (v !== undefined && typeof v !== 'boolean') throw new Error(`sample: ${k} must be true or false, got ${typeof v} ${JSON.stringify(v)}`);
  }
  for (const k of ['targetAccept', 'initRadius', 'stepSize', 'seed'] as const) {
    const v = options[k];
    if (v !== undefined && typeof v !== 'number') throw new Error(`sample: ${k} must be a number, got ${typeof v} ${JSON.stringify(v)}`);
  }
  const w = options.windows;
  if (w !== undefined && (typeof w !== 'object' || w === null || Array.isArray(w))) throw new Error(`sample: windows must be an object { initBuffer?, termBuffer?, window? }, got ${String(w)}`);
  const wt = options.workerTarget;
  if (wt !== undefined && (typeof wt?.module !== 'string' || typeof wt.exportName !== 'string')) throw new Error('sample: workerTarget must be { module: string, exportName: string, args? }');
}

/** Chains, draws and warmup iterations above these are refused (no run gets there; Stan's defaults are 4, 1000, 1000). */
export const MAX_CHAINS = 10_000;
export const MAX_ITERATIONS = 100_000_000;
/**
 * The float64 values `sample` may hold for the draws (2^30, 8 GiB): chains × (draws, plus tune
 * when warmup is kept) × (values per draw + 8 statistics). Checked before anything is allocated.
 */
export const MAX_DRAW_VALUES = 2 ** 30;
const STATS_PER_DRAW = 8;

function checkMemory(settings: RunSettings, width: number, keepWarmup: boolean): void {
  const { chains, draws, tune } = settings;
  const perDraw = width + STATS_PER_DRAW;
  const rows = draws + (keepWarmup ? tune : 0);
  const total = chains * rows * perDraw;
  if (total <= MAX_DRAW_VALUES) return;
  const rowsText = keepWarmup ? `(draws ${draws} + tune ${tune}, as keepWarmup is true)` : `draws ${draws}`;
  throw new Error(
    `sample: chains ${chains} × ${rowsText} × ${perDraw} values per draw (${width} parameters + ${STATS_PER_DRAW} statistics) = ${total.toExponential(2)} float64 values, ` +
      `more than the ${MAX_DRAW_VALUES} (8 GiB) sample() holds in memory; lower chains or draws${keepWarmup ? ' or tune, or keepWarmup: false' : ''}, or keep draws from onProgress instead`,
  );
}

/** Seeds are 32-bit: larger, negative or fractional ones would collide with others, so they are refused. */
export const MAX_SEED = 2 ** 32 - 1;

function resolveSettings(dim: number, options: SampleOptions): RunSettings {
  checkTypes(options);
  const sampler = resolveSampler(options.sampler);
  const chains = checkInteger('chains', options.chains ?? 4, 1, MAX_CHAINS);
  const draws = checkInteger('draws', options.draws ?? 1000, 1);
  const seed = options.seed ?? randomSeed();
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new Error(`sample: seed must be an integer in [0, 2^32 - 1] (seeds are 32-bit), got ${seed}`);
  const targetAccept = options.targetAccept ?? 0.8; // 0.8 as in Stan
  if (typeof targetAccept !== 'number' || !(targetAccept > 0 && targetAccept < 1)) throw new Error(`sample: targetAccept must be in (0, 1), got ${targetAccept}`);
  const initRadius = options.initRadius ?? 2; // 2 as in Stan
  if (!(initRadius >= 0) || !Number.isFinite(initRadius)) throw new Error(`sample: initRadius must be a finite number >= 0, got ${initRadius}`);
  if (options.stepSize !== undefined && !(options.stepSize > 0 && Number.isFinite(options.stepSize))) throw new Error(`sample: stepSize must be positive and finite, got ${options.stepSize}`);
  const inverseMassMatrix = options.inverseMassMatrix === undefined ? undefined : checkInverseMassMatrix(options.inverseMassMatrix, dim, options.dense ?? false);
  const adapt = resolveAdapt(options, sampler, dim);
  const tune = checkInteger('tune', options.tune ?? defaultTune(adapt), 0);
  if (adapt === 'fisher-low-rank' && sampler.name === 'mala') throw new Error("sample: adapt 'fisher-low-rank' needs a sampler that takes a low-rank metric (nuts, hmc); mala's metric is diagonal, use adapt 'fisher'");
  if (adapt !== 'stan' && inverseMassMatrix && inverseMassMatrix.length !== dim) throw new Error(`sample: adapt '${adapt}' starts from a diagonal inverseMassMatrix (length ${dim}), got length ${inverseMassMatrix.length}`);
  // Checked before any work, so that a run that cannot go to workers fails at once.
  let workerSpec: SamplerSpec | undefined;
  if (options.parallel) {
    if (!options.workerTarget) throw new Error('sample: parallel: true needs options.workerTarget { module, exportName, args } so each worker can rebuild the target');
    workerSpec = workerSpecOf(sampler);
  }
  return { sampler, workerSpec, chains, draws, tune, seed, targetAccept, initRadius, inverseMassMatrix, adapt };
}

function resolveSampler(s: SampleOptions['sampler']): AnySampler {
  if (s === undefined) return samplerFactory('nuts')();
  if (typeof s === 'string') {
    try {
      return samplerFactory(s)();
    } catch (e) {
      throw new Error(`sample: ${(e as Error).message}, or pass a Sampler object`);
    }
  }
  const ok = s && typeof s === 'object' && typeof s.name === 'string' && typeof s.init === 'function' && typeof s.step === 'function' && typeof s.defaultParams === 'function';
  if (!ok) throw new Error(`sample: options.sampler must be a Sampler { name, init, step, defaultParams } or a registered sampler's name, got ${String(s)}`);
  return s;
}

function checkInverseMassMatrix(given: Float64Array | readonly number[], dim: number, dense: boolean): Float64Array {
  const m = Float64Array.from(given as ArrayLike<number>);
  if (m.length !== dim && m.length !== dim * dim) {
    throw new Error(`sample: inverseMassMatrix has length ${m.length}; expected ${dim} (diagonal) or ${dim * dim} (dense)`);
  }
  if (dense && m.length !== dim * dim) throw new Error(`sample: dense: true needs a dense inverseMassMatrix of length ${dim * dim}, got ${m.length}`);
  return m;
}

/** The callbacks and handles that are passed through to the chains. */
function checkHooks(options: SampleOptions): void {
  if (options.checkpoint !== undefined && typeof options.checkpoint?.dir !== 'string') throw new Error('sample: checkpoint must be { dir: string }');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new Error('sample: signal must be an AbortSignal');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new Error(`sample: onProgress must be a function, got ${String(options.onProgress)}`);
  const control = options.control;
  if (control !== undefined && (typeof control?.subscribe !== 'function' || typeof control.paused !== 'boolean')) throw new Error('sample: control must be a RunControl');
}

/** The options checked (null is no options) and the settings they give. */
export function checkOptions(target: PosteriorTarget, given: SampleOptions | null): { options: SampleOptions; settings: RunSettings } {
  checkTarget(target);
  const options = given ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new Error(`sample: options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}`);
  for (const k of Object.keys(options)) if (!Object.hasOwn(SAMPLE_OPTION_NAMES, k)) throw new Error(`sample: unknown option '${k}'`);
  const settings = resolveSettings(target.dim, options);
  checkHooks(options);
  checkMemory(settings, traceLayout(target).width, options.keepWarmup ?? false);
  return { options, settings };
}
