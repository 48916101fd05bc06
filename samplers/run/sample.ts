/**
 * The chain runner: `sample(target, options)` initialises each chain, runs Stan's windowed
 * warmup and then the draws, and returns a Trace in constrained space.
 *
 * Chain c draws all its randomness (jitter, momenta, accept tests) from
 * `Rng.fromSeed(seed).stream(c)`, so a seed gives the same draws whether chains run in
 * sequence (interleaved, one iteration per chain at a time), in Node's worker threads or in a
 * browser's Web Workers (core/libm.ts keeps the arithmetic the same in every engine).
 */
import { Rng } from '../../core/rng.js';
import type { LogDensity, PosteriorTarget } from '../types.js';
import { Trace, type TraceMeta } from '../trace/trace.js';
import { cutToShortest } from '../trace/cut_to_shortest.js';
import { metricKindOf, type FailedChain } from '../trace/trace_meta.js';
import { newRunId, startCheckpointRun } from './checkpoint_manifest.js';
import { createProgress, printRunWarnings } from './progress_bars.js';
import { samplerWarnings } from '../diagnostics/warnings.js';
import { combineProgress, type ProgressReporter } from './progress_events.js';
import { runSequential, type ChainTask, type RunOutcome, traceLayout } from './chain_runner.js';
import { runParallel } from './parallel/run_parallel.js';
import { adviInitializer } from '../vi/advi_initializer.js';
import { pathfinderStart } from '../vi/pathfinder/pathfinder_init.js';
import { adviInWorker } from './parallel/advi_in_worker.js';
import { checkOptions, type InitPoint, type RunSettings, type SampleOptions } from './sample_options.js';

/** ADVI initialisation hook: a fitted mean and a diagonal inverse metric (the fitted variances). */
export type { AdviInit } from '../vi/advi_initializer.js';
export type { WorkerTargetSpec } from './parallel/protocol.js';
export type { InitOption, InitPoint, SampleOptions } from './sample_options.js';
export { MAX_CHAINS, MAX_DRAW_VALUES, MAX_ITERATIONS, MAX_SEED } from './sample_options.js';

/**
 * Draws from the posterior of `target`; see docs/samplers.md for every option. `given` may be
 * omitted, undefined or null (no options); sample_options.ts checks it.
 */
export async function sample(target: PosteriorTarget, given: SampleOptions | null = {}): Promise<Trace> {
  const { options, settings } = checkOptions(target, given);
  const { points, inverseMassMatrix, perChainMetric, initGradEvals } = await startingPoints(target, options, settings);
  const tasks = chainTasks(points, { ...settings, inverseMassMatrix }, options, perChainMetric);
  const runId = options.checkpoint ? startCheckpoints(options.checkpoint.dir, target, settings, options) : undefined;
  const started = performance.now();
  const outcome = await runChains(target, tasks, settings, options);
  const trace = assembleTrace(target, outcome, {
    ...(runId ? { runId } : {}),
    sampler: settings.sampler.name,
    samplerOptions: settings.sampler.spec?.options,
    seed: settings.seed,
    chains: settings.chains,
    draws: settings.draws,
    tune: settings.tune,
    targetAccept: settings.targetAccept,
    adapt: settings.adapt,
    parallel: options.parallel ?? false,
    ...(initGradEvals !== undefined ? { initGradEvals } : {}),
    secondsTotal: (performance.now() - started) / 1000,
  });
  printRunWarnings(options.progress, () => samplerWarnings(trace));
  return trace;
}

function toPoint(p: InitPoint, dim: number, what: string): Float64Array {
  if (!(p instanceof Float64Array) && !Array.isArray(p)) throw new Error(`sample: ${what} must be a Float64Array or number[], got ${String(p)}`);
  if (p.length !== dim) throw new Error(`sample: ${what} has length ${p.length}, but the target has dim ${dim}`);
  const out = Float64Array.from(p as ArrayLike<number>);
  for (let i = 0; i < dim; i++) if (!Number.isFinite(out[i])) throw new Error(`sample: ${what}[${i}] is ${out[i]}, must be finite`);
  return out;
}

/**
 * One start point per chain (undefined: jitter), and the initial metric (ADVI's fit may give one;
 * Pathfinder gives one per chain, its path's variances, unless the user gave `inverseMassMatrix`).
 */
async function startingPoints(
  target: PosteriorTarget,
  options: SampleOptions,
  settings: RunSettings,
): Promise<{ points: (Float64Array | undefined)[]; inverseMassMatrix?: Float64Array; perChainMetric?: Float64Array[]; initGradEvals?: number }> {
  const { chains, inverseMassMatrix } = settings;
  const init = options.init ?? 'jitter';
  if (init === 'advi+adapt_diag') return adviStart(target, options, settings);
  if (init === 'pathfinder') {
    const start = await pathfinderStart(target, chains, settings.seed, options.signal);
    const initGradEvals = start.numGradEvals;
    if (inverseMassMatrix) return { points: start.points, inverseMassMatrix, initGradEvals };
    return { points: start.points, perChainMetric: start.inverseMassMatrices.map((m) => (options.dense ? diagToDense(m) : m)), initGradEvals };
  }
  if (init === 'jitter') return { points: new Array(chains).fill(undefined), inverseMassMatrix };
  if (typeof init === 'string') throw new Error(`sample: unknown init '${init}'; use 'jitter', 'advi+adapt_diag', 'pathfinder', a point, or one point per chain`);
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
async function adviStart(target: PosteriorTarget, options: SampleOptions, settings: RunSettings): Promise<{ points: Float64Array[]; inverseMassMatrix: Float64Array; initGradEvals?: number }> {
  const { chains, seed, inverseMassMatrix } = settings;
  const dim = target.dim;
  const inWorker = options.parallel === true && options.workerTarget !== undefined;
  const adviInit = options.adviInit ?? (inWorker ? adviInWorker(options.workerTarget!) : adviInitializer({ progress: options.progress ?? false }));
  const fit = await adviInit(target, { seed, ...(options.signal ? { signal: options.signal } : {}) });
  const position = toPoint(fit.position, dim, 'adviInit position');
  if (!(fit.inverseMassMatrix instanceof Float64Array) || fit.inverseMassMatrix.length !== dim) {
    throw new Error(`sample: adviInit must return a diagonal inverseMassMatrix of length ${dim}, got ${fit.inverseMassMatrix?.length}`);
  }
  const draws = { count: 0 };
  const points = Array.from({ length: chains }, (_, c) => drawAround(target, position, fit.inverseMassMatrix, Rng.fromSeed(seed).stream(chains + c), draws));
  // The fit's gradients (when its hook says) and the checks of the chains' start points.
  const fitted = fit.numGradEvals ?? fit.fit?.numGradEvals;
  const initGradEvals = fitted === undefined ? undefined : fitted + draws.count;
  return { points, inverseMassMatrix: inverseMassMatrix ?? (options.dense ? diagToDense(fit.inverseMassMatrix) : fit.inverseMassMatrix), ...(initGradEvals !== undefined ? { initGradEvals } : {}) };
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
function chainTasks(points: (Float64Array | undefined)[], settings: RunSettings, options: SampleOptions, perChainMetric?: Float64Array[]): ChainTask[] {
  const { seed, tune, draws, targetAccept, initRadius, inverseMassMatrix } = settings;
  return points.map((p, chain) => ({
    chain,
    seed,
    tune,
    draws,
    keepWarmup: options.keepWarmup ?? false,
    targetAccept,
    adaptMassMatrix: options.adaptMassMatrix ?? true,
    adapt: settings.adapt,
    windows: options.windows ?? {},
    init: p ? { kind: 'point', position: p } : { kind: 'jitter', radius: initRadius },
    stepSize: options.stepSize,
    inverseMassMatrix: perChainMetric?.[chain] ?? inverseMassMatrix,
    dense: options.dense ?? false,
    checkpointDir: options.checkpoint?.dir,
    streamDraws: options.onProgress !== undefined,
  }));
}

/** Runs the chains in workers or on this thread, reporting progress to the bars and to `onProgress`. */
async function runChains(target: PosteriorTarget, tasks: ChainTask[], settings: RunSettings, options: SampleOptions): Promise<RunOutcome> {
  const reporters: ProgressReporter[] = [createProgress(options.progress, tasks.map((t) => t.chain), settings.tune, settings.draws, undefined, settings.adapt)];
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
        ...(r.adaptation ? { adaptation: r.adaptation } : {}),
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
function drawAround(target: LogDensity, mean: Float64Array, variance: Float64Array, rng: Rng, evaluations: { count: number }): Float64Array {
  const grad = new Float64Array(mean.length);
  for (let attempt = 0; attempt < 20; attempt++) {
    const x = Float64Array.from(mean, (m, i) => m + Math.sqrt(variance[i]) * rng.normal());
    evaluations.count++;
    const lp = target.logDensityAndGrad(x, grad);
    if (Number.isFinite(lp) && grad.every(Number.isFinite)) return x;
  }
  return Float64Array.from(mean);
}
