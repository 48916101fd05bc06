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
import type { LogDensity, PosteriorTarget } from '../types.js';
import { Trace, type TraceMeta } from '../trace/trace.js';
import { cutToShortest } from '../trace/cut_to_shortest.js';
import { metricKindOf } from '../trace/trace_meta.js';
import type { WindowScheduleOptions } from '../adaptation/window_schedule.js';
import { createProgress } from './progress_bars.js';
import { combineProgress, type ChainProgress, type ProgressReporter } from './progress_events.js';
import type { RunControl } from './run_control.js';
import { hmc, type SamplerSpec } from '../mcmc/hmc.js';
import { nuts } from '../mcmc/nuts.js';
import { mala } from '../mcmc/mala.js';
import { runSequential, type AnySampler, type ChainTask, type RunOutcome, traceLayout } from './chain_runner.js';
import { runParallel, type WorkerTargetSpec } from './parallel/run_parallel.js';
import { adviInitializer, type AdviInit } from '../vi/advi_initializer.js';
import { adviInWorker } from './parallel/advi_in_worker.js';

/** ADVI initialisation hook: a fitted mean and a diagonal inverse metric (the fitted variances). */
export type { AdviInit } from '../vi/advi_initializer.js';
export type { AnySampler } from './chain_runner.js';
export type { WorkerTargetSpec } from './parallel/run_parallel.js';

export type InitPoint = Float64Array | readonly number[];
export type InitOption = 'jitter' | 'advi+adapt_diag' | InitPoint | readonly InitPoint[];



export interface SampleOptions {
  /** A Sampler object or a built-in's name; nuts() by default. */
  sampler?: AnySampler | 'nuts' | 'hmc' | 'mala';
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

/** Everything one chain needs, in structured-cloneable form (it crosses to worker threads). */
function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`sample: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function resolveSampler(s: SampleOptions['sampler']): AnySampler {
  if (s === undefined) return nuts();
  if (typeof s === 'string') {
    if (s === 'nuts') return nuts();
    if (s === 'hmc') return hmc();
    if (s === 'mala') return mala();
    throw new Error(`sample: unknown sampler '${s}'; built-in samplers are 'nuts', 'hmc', 'mala', or pass a Sampler object`);
  }
  const ok = s && typeof s === 'object' && typeof s.name === 'string' && typeof s.init === 'function' && typeof s.step === 'function' && typeof s.defaultParams === 'function';
  if (!ok) throw new Error(`sample: options.sampler must be a Sampler { name, init, step, defaultParams } or 'nuts' | 'hmc' | 'mala', got ${String(s)}`);
  return s;
}

function toPoint(p: InitPoint, dim: number, what: string): Float64Array {
  if (!(p instanceof Float64Array) && !Array.isArray(p)) throw new Error(`sample: ${what} must be a Float64Array or number[], got ${String(p)}`);
  if (p.length !== dim) throw new Error(`sample: ${what} has length ${p.length}, but the target has dim ${dim}`);
  const out = Float64Array.from(p as ArrayLike<number>);
  for (let i = 0; i < dim; i++) if (!Number.isFinite(out[i])) throw new Error(`sample: ${what}[${i}] is ${out[i]}, must be finite`);
  return out;
}

/** Draws from the posterior of `target`; see docs/samplers.md for every option. */
export async function sample(target: PosteriorTarget, options: SampleOptions = {}): Promise<Trace> {
  if (!target || typeof target.logDensityAndGrad !== 'function' || !Number.isInteger(target.dim) || target.dim < 1) {
    throw new Error('sample: target must have an integer dim >= 1 and logDensityAndGrad(x, gradOut)');
  }
  const known = new Set(['sampler', 'chains', 'draws', 'tune', 'seed', 'init', 'initRadius', 'parallel', 'progress', 'checkpoint', 'targetAccept', 'keepWarmup', 'adaptMassMatrix', 'dense', 'stepSize', 'inverseMassMatrix', 'windows', 'signal', 'control', 'onProgress', 'adviInit', 'workerTarget']);
  for (const k of Object.keys(options)) if (!known.has(k)) throw new Error(`sample: unknown option '${k}'`);
  const dim = target.dim;
  const sampler = resolveSampler(options.sampler);
  const chains = checkInteger('chains', options.chains ?? 4, 1);
  const draws = checkInteger('draws', options.draws ?? 1000, 1);
  const tune = checkInteger('tune', options.tune ?? 1000, 0);
  const seed = options.seed ?? randomSeed();
  if (!Number.isInteger(seed)) throw new Error(`sample: seed must be an integer, got ${seed}`);
  const targetAccept = options.targetAccept ?? 0.8; // 0.8 as in Stan
  if (typeof targetAccept !== 'number' || !(targetAccept > 0 && targetAccept < 1)) throw new Error(`sample: targetAccept must be in (0, 1), got ${targetAccept}`);
  const initRadius = options.initRadius ?? 2; // 2 as in Stan
  if (!(initRadius >= 0) || !Number.isFinite(initRadius)) throw new Error(`sample: initRadius must be a finite number >= 0, got ${initRadius}`);
  if (options.stepSize !== undefined && !(options.stepSize > 0 && Number.isFinite(options.stepSize))) throw new Error(`sample: stepSize must be positive and finite, got ${options.stepSize}`);
  let inverseMassMatrix: Float64Array | undefined;
  if (options.inverseMassMatrix !== undefined) {
    inverseMassMatrix = Float64Array.from(options.inverseMassMatrix as ArrayLike<number>);
    if (inverseMassMatrix.length !== dim && inverseMassMatrix.length !== dim * dim) {
      throw new Error(`sample: inverseMassMatrix has length ${inverseMassMatrix.length}; expected ${dim} (diagonal) or ${dim * dim} (dense)`);
    }
    if (options.dense && inverseMassMatrix.length !== dim * dim) throw new Error(`sample: dense: true needs a dense inverseMassMatrix of length ${dim * dim}, got ${inverseMassMatrix.length}`);
  }
  if (options.checkpoint !== undefined && typeof options.checkpoint?.dir !== 'string') throw new Error('sample: checkpoint must be { dir: string }');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new Error('sample: signal must be an AbortSignal');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new Error(`sample: onProgress must be a function, got ${String(options.onProgress)}`);
  const control = options.control;
  if (control !== undefined && (typeof control?.subscribe !== 'function' || typeof control.paused !== 'boolean')) throw new Error('sample: control must be a RunControl');

  // Initial points, one per chain (undefined: jitter).
  const init = options.init ?? 'jitter';
  let points: (Float64Array | undefined)[] = new Array(chains).fill(undefined);
  if (init === 'advi+adapt_diag') {
    // As PyMC: fit mean-field ADVI, start each chain at its own draw from the fit (overdispersed
    // starts keep R-hat honest), and use the fitted variances as the initial diagonal metric.
    // With workers, the fit runs in one of them too (the same fit, off the calling thread).
    const inWorker = options.parallel === true && options.workerTarget !== undefined;
    const adviInit = options.adviInit ?? (inWorker ? adviInWorker(options.workerTarget!) : adviInitializer({ progress: options.progress ?? false }));
    const fit = await adviInit(target, { seed, ...(options.signal ? { signal: options.signal } : {}) });
    const position = toPoint(fit.position, dim, 'adviInit position');
    if (!(fit.inverseMassMatrix instanceof Float64Array) || fit.inverseMassMatrix.length !== dim) {
      throw new Error(`sample: adviInit must return a diagonal inverseMassMatrix of length ${dim}, got ${fit.inverseMassMatrix?.length}`);
    }
    points = points.map((_, c) => drawAround(target, position, fit.inverseMassMatrix, Rng.fromSeed(seed).stream(chains + c)));
    inverseMassMatrix ??= options.dense ? diagToDense(fit.inverseMassMatrix) : fit.inverseMassMatrix;
  } else if (init !== 'jitter') {
    if (typeof init === 'string') throw new Error(`sample: unknown init '${init}'; use 'jitter', 'advi+adapt_diag', a point, or one point per chain`);
    const perChain = Array.isArray(init) && init.length > 0 && typeof init[0] !== 'number';
    if (perChain) {
      const list = init as readonly InitPoint[];
      if (list.length !== chains) throw new Error(`sample: init has ${list.length} points but chains is ${chains}`);
      points = list.map((p, c) => toPoint(p, dim, `init point of chain ${c}`));
    } else {
      const p = toPoint(init as InitPoint, dim, 'init point');
      points = points.map(() => p);
    }
  }

  const tasks: ChainTask[] = points.map((p, chain) => ({
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

  const reporters: ProgressReporter[] = [createProgress(options.progress, tasks.map((t) => t.chain), tune, draws)];
  const onProgress = options.onProgress;
  if (onProgress) reporters.push({ update: (p) => onProgress(p), fail() {}, stop() {} });
  const progress = combineProgress(...reporters);
  const started = performance.now();
  let outcome: RunOutcome;
  try {
    if (options.parallel) {
      if (!options.workerTarget) throw new Error('sample: parallel: true needs options.workerTarget { module, exportName, args } so each worker can rebuild the target');
      const spec = (sampler as { spec?: SamplerSpec }).spec;
      // A spec only counts when it still describes this sampler (not a modified copy of a built-in).
      if (!spec || spec.kind !== sampler.name) throw new Error(`sample: parallel: true runs built-in samplers only (nuts, hmc, mala without a custom integrator); sampler '${sampler.name}' must run with parallel: false`);
      outcome = await runParallel(tasks, options.workerTarget, spec, progress, options.signal, control);
    } else {
      outcome = await runSequential(tasks, target, sampler, progress, options.signal, control);
    }
  } finally {
    progress.stop();
  }
  return assembleTrace(target, outcome, {
    sampler: sampler.name,
    samplerOptions: (sampler as { spec?: SamplerSpec }).spec?.options,
    seed,
    chains,
    draws,
    tune,
    targetAccept,
    parallel: options.parallel ?? false,
    secondsTotal: (performance.now() - started) / 1000,
  });
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
      const err = new Error(`sample: every chain failed; chain ${failed[0].chain}: ${failed[0].error}`) as Error & { failedChains?: unknown };
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
