/**
 * The chain runner: `sample(target, options)` initialises each chain, runs Stan's windowed
 * warmup and then the draws, and returns a Trace in constrained space.
 *
 * Chain c draws all its randomness (jitter, momenta, accept tests) from
 * `Rng.fromSeed(seed).stream(c)`, so a seed gives the same draws whether chains run in
 * sequence (interleaved, one iteration per chain at a time), in Node's worker threads or in a
 * browser's Web Workers (core/libm.ts keeps the arithmetic the same in every engine).
 */
import { randomSeed } from '../../core/runtime.js';
import { Rng } from '../../core/rng.js';
import type { AnySampler, LogDensity, PosteriorTarget, SamplerSpec } from '../types.js';
import { Trace, type TraceMeta } from '../trace/trace.js';
import { cutToShortest } from '../trace/cut_to_shortest.js';
import { metricKindOf, type FailedChain } from '../trace/trace_meta.js';
import { newRunId, startCheckpointRun } from './checkpoint_manifest.js';
import type { WindowScheduleOptions } from '../adaptation/window_schedule.js';
import { createProgress } from './progress_bars.js';
import { combineProgress, type ChainProgress, type ProgressReporter } from './progress_events.js';
import type { RunControl } from './run_control.js';
import { samplerFactory, workerSpecOf, type BuiltInSamplerName } from '../registry.js';
import { runSequential, type ChainTask, type RunOutcome, traceLayout } from './chain_runner.js';
import { runParallel } from './parallel/run_parallel.js';
import type { WorkerTargetSpec } from './parallel/protocol.js';
import { adviInitializer, type AdviInit } from '../vi/advi_initializer.js';
import { adviInWorker } from './parallel/advi_in_worker.js';

/** ADVI initialisation hook: a fitted mean and a diagonal inverse metric (the fitted variances). */
export type { AdviInit } from '../vi/advi_initializer.js';
export type { WorkerTargetSpec } from './parallel/protocol.js';

export type InitPoint = Float64Array | readonly number[];
export type InitOption = 'jitter' | 'advi+adapt_diag' | InitPoint | readonly InitPoint[];

export interface SampleOptions {
  /** A Sampler object or the name of a registered one (samplers/registry.ts); nuts() by default. */
  sampler?: AnySampler | BuiltInSamplerName | (string & {});
  chains?: number;
  /** Post-warmup draws per chain. */
  draws?: number;
  /** Warmup iterations per chain. */
  tune?: number;
  seed?: number;
  /** 'jitter' (default), 'advi+adapt_diag', one point for all chains, or one point per chain. */
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
}

/** The option names `sample` accepts; typed so that the list and `SampleOptions` cannot drift apart. */
const SAMPLE_OPTION_NAMES: Record<keyof SampleOptions, true> = {
  sampler: true, chains: true, draws: true, tune: true, seed: true, init: true, initRadius: true, parallel: true, progress: true, checkpoint: true, targetAccept: true,
  keepWarmup: true, adaptMassMatrix: true, dense: true, stepSize: true, inverseMassMatrix: true, windows: true, signal: true, control: true, onProgress: true, adviInit: true, workerTarget: true,
};

/** The options every chain shares, checked and with their defaults filled in. */
interface RunSettings {
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
}

/**
 * Draws from the posterior of `target`; see docs/samplers.md for every option. `options` may be
 * omitted, undefined or null (no options).
 */
export async function sample(target: PosteriorTarget, options: SampleOptions | null = {}): Promise<Trace> {
  checkTarget(target);
  options ??= {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new Error(`sample: options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}`);
  for (const k of Object.keys(options)) if (!Object.hasOwn(SAMPLE_OPTION_NAMES, k)) throw new Error(`sample: unknown option '${k}'`);
  const settings = resolveSettings(target.dim, options);
  checkHooks(options);
  checkMemory(settings, traceLayout(target).width, options.keepWarmup ?? false);
  const { points, inverseMassMatrix } = await startingPoints(target, options, settings);
  const tasks = chainTasks(points, { ...settings, inverseMassMatrix }, options);
  const runId = options.checkpoint ? startCheckpoints(options.checkpoint.dir, target, settings, options) : undefined;
  const started = performance.now();
  const outcome = await runChains(target, tasks, settings, options);
  return assembleTrace(target, outcome, {
    ...(runId ? { runId } : {}),
    sampler: settings.sampler.name,
    samplerOptions: settings.sampler.spec?.options,
    seed: settings.seed,
    chains: settings.chains,
    draws: settings.draws,
    tune: settings.tune,
    targetAccept: settings.targetAccept,
    parallel: options.parallel ?? false,
    secondsTotal: (performance.now() - started) / 1000,
  });
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
  const tune = checkInteger('tune', options.tune ?? 1000, 0);
  const seed = options.seed ?? randomSeed();
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new Error(`sample: seed must be an integer in [0, 2^32 - 1] (seeds are 32-bit), got ${seed}`);
  const targetAccept = options.targetAccept ?? 0.8; // 0.8 as in Stan
  if (typeof targetAccept !== 'number' || !(targetAccept > 0 && targetAccept < 1)) throw new Error(`sample: targetAccept must be in (0, 1), got ${targetAccept}`);
  const initRadius = options.initRadius ?? 2; // 2 as in Stan
  if (!(initRadius >= 0) || !Number.isFinite(initRadius)) throw new Error(`sample: initRadius must be a finite number >= 0, got ${initRadius}`);
  if (options.stepSize !== undefined && !(options.stepSize > 0 && Number.isFinite(options.stepSize))) throw new Error(`sample: stepSize must be positive and finite, got ${options.stepSize}`);
  const inverseMassMatrix = options.inverseMassMatrix === undefined ? undefined : checkInverseMassMatrix(options.inverseMassMatrix, dim, options.dense ?? false);
  // Checked before any work, so that a run that cannot go to workers fails at once.
  let workerSpec: SamplerSpec | undefined;
  if (options.parallel) {
    if (!options.workerTarget) throw new Error('sample: parallel: true needs options.workerTarget { module, exportName, args } so each worker can rebuild the target');
    workerSpec = workerSpecOf(sampler);
  }
  return { sampler, workerSpec, chains, draws, tune, seed, targetAccept, initRadius, inverseMassMatrix };
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

function toPoint(p: InitPoint, dim: number, what: string): Float64Array {
  if (!(p instanceof Float64Array) && !Array.isArray(p)) throw new Error(`sample: ${what} must be a Float64Array or number[], got ${String(p)}`);
  if (p.length !== dim) throw new Error(`sample: ${what} has length ${p.length}, but the target has dim ${dim}`);
  const out = Float64Array.from(p as ArrayLike<number>);
  for (let i = 0; i < dim; i++) if (!Number.isFinite(out[i])) throw new Error(`sample: ${what}[${i}] is ${out[i]}, must be finite`);
  return out;
}

/** One start point per chain (undefined: jitter), and the initial metric (ADVI's fit may give one). */
async function startingPoints(target: PosteriorTarget, options: SampleOptions, settings: RunSettings): Promise<{ points: (Float64Array | undefined)[]; inverseMassMatrix?: Float64Array }> {
  const { chains, inverseMassMatrix } = settings;
  const init = options.init ?? 'jitter';
  if (init === 'advi+adapt_diag') return adviStart(target, options, settings);
  if (init === 'jitter') return { points: new Array(chains).fill(undefined), inverseMassMatrix };
  if (typeof init === 'string') throw new Error(`sample: unknown init '${init}'; use 'jitter', 'advi+adapt_diag', a point, or one point per chain`);
  const perChain = Array.isArray(init) && init.length > 0 && typeof init[0] !== 'number';
  if (!perChain) {
    const p = toPoint(init as InitPoint, target.dim, 'init point');
    return { points: new Array(chains).fill(p), inverseMassMatrix };
  }
  const list = init as readonly InitPoint[];
  if (list.length !== chains) throw new Error(`sample: init has ${list.length} points but chains is ${chains}`);
  return { points: list.map((p, c) => toPoint(p, target.dim, `init point of chain ${c}`)), inverseMassMatrix };
}

/**
 * As PyMC: fit mean-field ADVI, start each chain at its own draw from the fit (overdispersed
 * starts keep R-hat honest), and use the fitted variances as the initial diagonal metric.
 * With workers, the fit runs in one of them too (the same fit, off the calling thread).
 */
async function adviStart(target: PosteriorTarget, options: SampleOptions, settings: RunSettings): Promise<{ points: Float64Array[]; inverseMassMatrix: Float64Array }> {
  const { chains, seed, inverseMassMatrix } = settings;
  const dim = target.dim;
  const inWorker = options.parallel === true && options.workerTarget !== undefined;
  const adviInit = options.adviInit ?? (inWorker ? adviInWorker(options.workerTarget!) : adviInitializer({ progress: options.progress ?? false }));
  const fit = await adviInit(target, { seed, ...(options.signal ? { signal: options.signal } : {}) });
  const position = toPoint(fit.position, dim, 'adviInit position');
  if (!(fit.inverseMassMatrix instanceof Float64Array) || fit.inverseMassMatrix.length !== dim) {
    throw new Error(`sample: adviInit must return a diagonal inverseMassMatrix of length ${dim}, got ${fit.inverseMassMatrix?.length}`);
  }
  const points = Array.from({ length: chains }, (_, c) => drawAround(target, position, fit.inverseMassMatrix, Rng.fromSeed(seed).stream(chains + c)));
  return { points, inverseMassMatrix: inverseMassMatrix ?? (options.dense ? diagToDense(fit.inverseMassMatrix) : fit.inverseMassMatrix) };
}

/** Clears the folder of earlier runs' files and writes this run's manifest; returns the run id. */
function startCheckpoints(dir: string, target: PosteriorTarget, settings: RunSettings, options: SampleOptions): string {
  const runId = newRunId();
  const samplerOptions = settings.sampler.spec?.options;
  startCheckpointRun(dir, {
    format: 'hbnn-checkpoint',
    version: 1,
    runId,
    created: new Date().toISOString(),
    chains: Array.from({ length: settings.chains }, (_, c) => c),
    seed: settings.seed,
    settings: {
      sampler: settings.sampler.name,
      ...(samplerOptions ? { samplerOptions } : {}),
      draws: settings.draws,
      tune: settings.tune,
      keepWarmup: options.keepWarmup ?? false,
      targetAccept: settings.targetAccept,
      dim: target.dim,
      parallel: options.parallel ?? false,
    },
  });
  return runId;
}

/** Everything one chain needs, in structured-cloneable form (it crosses to worker threads). */
function chainTasks(points: (Float64Array | undefined)[], settings: RunSettings, options: SampleOptions): ChainTask[] {
  const { seed, tune, draws, targetAccept, initRadius, inverseMassMatrix } = settings;
  return points.map((p, chain) => ({
    chain,
    seed,
    tune,
    draws,
    keepWarmup: options.keepWarmup ?? false,
    targetAccept,
    adaptMassMatrix: options.adaptMassMatrix ?? true,
    windows: options.windows ?? {},
    init: p ? { kind: 'point', position: p } : { kind: 'jitter', radius: initRadius },
    stepSize: options.stepSize,
    inverseMassMatrix,
    dense: options.dense ?? false,
    checkpointDir: options.checkpoint?.dir,
    streamDraws: options.onProgress !== undefined,
  }));
}

/** Runs the chains in workers or on this thread, reporting progress to the bars and to `onProgress`. */
async function runChains(target: PosteriorTarget, tasks: ChainTask[], settings: RunSettings, options: SampleOptions): Promise<RunOutcome> {
  const reporters: ProgressReporter[] = [createProgress(options.progress, tasks.map((t) => t.chain), settings.tune, settings.draws)];
  const onProgress = options.onProgress;
  if (onProgress) reporters.push({ update: (p) => onProgress(p), fail() {}, stop() {} });
  const progress = combineProgress(...reporters);
  try {
    if (settings.workerSpec) return await runParallel(tasks, options.workerTarget!, settings.workerSpec, progress, options.signal, options.control);
    return await runSequential(tasks, target, settings.sampler, progress, options.signal, options.control);
  } finally {
    progress.stop();
  }
}

function diagToDense(d: Float64Array): Float64Array {
  const n = d.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = d[i];
  return m;
}

function assembleTrace(target: PosteriorTarget, outcome: RunOutcome, meta: TraceMeta): Trace {
  const { params, width } = traceLayout(target);
  const { failed, interrupted } = outcome;
  const results = outcome.results;
  if (results.length === 0) {
    if (failed.length > 0) {
      const f = failed[0];
      const more = failed.length > 1 ? `; ${failed.length - 1} more in error.failedChains` : '';
      const err = new Error(`sample: every chain failed; chain ${f.chain}: ${f.error} (in ${f.phase}, iteration ${f.iteration})${more}`) as Error & { failedChains?: FailedChain[] };
      err.failedChains = failed;
      throw err;
    }
    throw new Error('sample: interrupted before any chain started');
  }
  for (const r of results) {
    if (r.draws.values.length !== r.numDraws * width) {
      throw new Error(`sample: chain ${r.chain} returned ${r.draws.values.length / Math.max(1, r.numDraws)} values per draw, but the target has ${width}; does workerTarget rebuild the same target?`);
    }
  }
  const warnings = results.flatMap((r) => r.warnings);
  // Chains interrupted at different points are cut to the shortest so draws line up.
  const cut = cutToShortest(results.map((r) => ({ id: r.chain, draws: r.draws, numDraws: r.numDraws })), width);
  if (cut.chains.length === 0) throw new Error(`sample: ${interrupted ? 'interrupted' : 'stopped'} during warmup, before any post-warmup draw`);
  const inv = cut.chains[0].adaptation?.inverseMassMatrix;
  return new Trace({
    params,
    chains: cut.chains,
    meta: {
      ...meta,
      dim: target.dim,
      ...(inv ? { metric: metricKindOf(inv.length, target.dim) } : {}),
      chainIds: cut.chainIds,
      interrupted,
      ...(interrupted ? { drawsKept: cut.drawsKept, chainsWithoutDraws: cut.chainsWithoutDraws } : {}),
      failedChains: failed,
      ...(warnings.length > 0 ? { warnings } : {}),
      perChain: outcome.results.map((r) => ({
        chain: r.chain,
        numDraws: r.numDraws,
        numDivergences: r.numDivergences,
        numGradEvals: r.numGradEvals,
        secondsInGradient: r.secondsInGradient,
        secondsTotal: r.secondsTotal,
      })),
    },
  });
}

/** Per-chain cost from `trace.meta.perChain`: the share of time spent outside the gradient is the sampler's overhead. */
export function samplerOverhead(trace: Trace): { chain: number; numGradEvals: number; secondsInGradient: number; secondsTotal: number; overheadFraction: number }[] {
  const per = trace.meta.perChain;
  if (!per) throw new Error('samplerOverhead: trace.meta.perChain is missing (was the trace made by sample()?)');
  return per.map((r) => ({
    chain: r.chain,
    numGradEvals: r.numGradEvals,
    secondsInGradient: r.secondsInGradient,
    secondsTotal: r.secondsTotal,
    overheadFraction: r.secondsTotal > 0 ? 1 - r.secondsInGradient / r.secondsTotal : 0,
  }));
}

/**
 * A start point mean + sd·z (z standard normal) from a fitted Gaussian, redrawn up to 20 times
 * while the log density or gradient is not finite there; the mean itself as the last resort.
 */
function drawAround(target: LogDensity, mean: Float64Array, variance: Float64Array, rng: Rng): Float64Array {
  const grad = new Float64Array(mean.length);
  for (let attempt = 0; attempt < 20; attempt++) {
    const x = Float64Array.from(mean, (m, i) => m + Math.sqrt(variance[i]) * rng.normal());
    const lp = target.logDensityAndGrad(x, grad);
    if (Number.isFinite(lp) && grad.every(Number.isFinite)) return x;
  }
  return Float64Array.from(mean);
}
