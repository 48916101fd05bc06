/**
 * The chain runner: `sample(target, options)` initialises each chain, runs Stan's windowed
 * warmup and then the draws, and returns a Trace in constrained space.
 *
 * Chain c draws all its randomness (jitter, momenta, accept tests) from
 * `Rng.fromSeed(seed).stream(c)`, so a seed gives the same draws whether chains run in
 * sequence (interleaved, one iteration per chain at a time) or in worker threads.
 */
import type { Worker } from 'node:worker_threads';
import { sharedWorkerPool } from './worker_pool.js';
import { randomInt } from 'node:crypto';
import { Rng } from '../core/rng.js';
import type { LogDensity, ParamInfo, PosteriorTarget, Sampler, SamplerInfo, SamplerParams, SamplerState } from './types.js';
import { Trace, paramSize, STAT_NAMES, type ChainDraws, type DrawStats, type StatName } from './trace.js';
import { evaluateAt } from './integrator.js';
import { identityInverseMassMatrix } from './metric.js';
import { windowAdaptation, type WindowAdaptation, type WindowAdaptationState } from './window_adaptation.js';
import type { WindowScheduleOptions } from './window_schedule.js';
import { CheckpointWriter, type StatRow } from './checkpoint.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { hmc, type SamplerSpec } from './hmc.js';
import { nuts } from './nuts.js';
import { mala } from './mala.js';
import { jitterInit } from './init.js';
import { adviInitializer, type AdviInit } from './advi_init.js';

/** How a worker thread rebuilds the target: `(await import(module))[exportName](args, { chain })`. */
export interface WorkerTargetSpec {
  /** Absolute path or URL (file:, data:) of an ES module. */
  module: string;
  exportName: string;
  /** Structured-cloneable argument for the factory. */
  args?: unknown;
}

/** ADVI initialisation hook: a fitted mean and a diagonal inverse metric (the fitted variances). */
export type { AdviInit } from './advi_init.js';

export type InitPoint = Float64Array | readonly number[];
export type InitOption = 'jitter' | 'advi+adapt_diag' | InitPoint | readonly InitPoint[];

export type AnySampler = Sampler<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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
  signal?: AbortSignal;
  adviInit?: AdviInit;
  workerTarget?: WorkerTargetSpec;
}

/** Everything one chain needs, in structured-cloneable form (it crosses to worker threads). */
export interface ChainTask {
  chain: number;
  seed: number;
  tune: number;
  draws: number;
  keepWarmup: boolean;
  targetAccept: number;
  adaptMassMatrix: boolean;
  windows: WindowScheduleOptions;
  init: { kind: 'jitter'; radius: number } | { kind: 'point'; position: Float64Array };
  stepSize?: number;
  inverseMassMatrix?: Float64Array;
  dense: boolean;
  checkpointDir?: string;
}

/** What a chain hands back: its draws plus cost accounting for benchmarks. */
export interface ChainResult {
  chain: number;
  draws: ChainDraws;
  numDraws: number;
  numWarmupDone: number;
  numDivergences: number;
  /** Calls of logDensityAndGrad, warmup and initialisation included. */
  numGradEvals: number;
  secondsInGradient: number;
  secondsTotal: number;
}

/** A target that counts gradient evaluations and the time spent inside them. */
export class CountingTarget implements LogDensity {
  numGradEvals = 0;
  secondsInGradient = 0;
  readonly dim: number;
  constructor(private readonly inner: LogDensity) {
    this.dim = inner.dim;
  }
  logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number {
    const t0 = performance.now();
    try {
      return this.inner.logDensityAndGrad(x, gradOut);
    } finally {
      this.secondsInGradient += (performance.now() - t0) / 1000;
      this.numGradEvals += 1;
    }
  }
}

/** Named parameters of a target and the map from an unconstrained point to their values. */
export function traceLayout(target: PosteriorTarget): { params: ParamInfo[]; width: number; constrain: (x: Float64Array, out: Float64Array) => void } {
  if (target.params && target.params.length > 0) {
    if (typeof target.constrainInto !== 'function') throw new Error('sample: target has params but no constrainInto(x, out)');
    const params = target.params.map((p) => ({ name: p.name, shape: [...p.shape] }));
    const width = params.reduce((n, p) => n + paramSize(p.shape), 0);
    return { params, width, constrain: (x, out) => target.constrainInto!(x, out) };
  }
  return { params: [{ name: 'x', shape: [target.dim] }], width: target.dim, constrain: (x, out) => out.set(x) };
}

const STAT_OF_INFO: ReadonlyArray<[StatName, (info: SamplerInfo & { stepSize?: number }, params: SamplerParams) => number | undefined]> = [
  ['acceptStat', (i) => i.acceptanceRate],
  ['stepSize', (i, p) => i.stepSize ?? p.stepSize],
  ['treeDepth', (i) => i.treeDepth],
  ['nSteps', (i) => i.numIntegrationSteps],
  ['diverging', (i) => (i.isDivergent === undefined ? undefined : i.isDivergent ? 1 : 0)],
  ['energy', (i) => i.energy],
];

class DrawBuffer {
  readonly values: Float64Array;
  readonly stats: Record<StatName, Float64Array>;
  readonly seen = new Set<StatName>(['lp']);
  n = 0;
  constructor(capacity: number, readonly width: number) {
    this.values = new Float64Array(capacity * width);
    this.stats = Object.fromEntries(STAT_NAMES.map((s) => [s, new Float64Array(capacity).fill(NaN)])) as Record<StatName, Float64Array>;
  }
  push(row: StatRow, values: Float64Array): void {
    this.values.set(values, this.n * this.width);
    for (const [k, v] of Object.entries(row) as [StatName, number | undefined][]) {
      if (v === undefined) continue;
      this.stats[k][this.n] = v;
      this.seen.add(k);
    }
    this.n += 1;
  }
  result(): { values: Float64Array; stats: DrawStats } {
    const stats = { lp: this.stats.lp.slice(0, this.n) } as DrawStats;
    for (const k of STAT_NAMES) if (k !== 'lp' && this.seen.has(k)) stats[k] = this.stats[k].slice(0, this.n);
    return { values: this.values.slice(0, this.n * this.width), stats };
  }
}

/** One chain as a resumable loop: `advance()` makes one iteration (warmup or draw). */
export class ChainRunner {
  readonly task: ChainTask;
  readonly totalIterations: number;
  iteration = 0;
  numDivergences = 0;
  private readonly rng: Rng;
  private readonly target: CountingTarget;
  private readonly sampler: AnySampler;
  private readonly constrain: (x: Float64Array, out: Float64Array) => void;
  private readonly width: number;
  private state: SamplerState;
  private params: SamplerParams;
  private readonly adaptation?: WindowAdaptation;
  private adaptState?: WindowAdaptationState;
  private readonly drawBuf: DrawBuffer;
  private readonly warmupBuf?: DrawBuffer;
  private readonly checkpoint?: CheckpointWriter;
  private readonly scratch: Float64Array;
  private readonly started = performance.now();

  constructor(task: ChainTask, target: PosteriorTarget, sampler: AnySampler) {
    this.task = task;
    this.totalIterations = task.tune + task.draws;
    this.sampler = sampler;
    this.target = new CountingTarget(target);
    const layout = traceLayout(target);
    this.constrain = layout.constrain;
    this.width = layout.width;
    this.scratch = new Float64Array(layout.width);
    this.rng = Rng.fromSeed(task.seed).stream(task.chain);
    const dim = target.dim;

    let position: Float64Array;
    if (task.init.kind === 'jitter') {
      position = jitterInit(this.rng, this.target, { radius: task.init.radius, describe: describeTarget(target) });
    } else {
      position = task.init.position;
      const at = evaluateAt(this.target, position);
      if (!Number.isFinite(at.logDensity)) {
        throw new Error(`sample: init point of chain ${task.chain} has log density ${at.logDensity} or a non-finite gradient (${describeTarget(target)})`);
      }
    }
    this.state = sampler.init(position, this.target);

    this.params = { ...sampler.defaultParams(dim) };
    if (task.dense && !task.inverseMassMatrix) this.params.inverseMassMatrix = identityInverseMassMatrix(dim, 'dense');
    if (task.inverseMassMatrix) this.params.inverseMassMatrix = task.inverseMassMatrix;
    if (task.stepSize !== undefined) this.params.stepSize = task.stepSize;
    const adaptable = typeof this.params.stepSize === 'number' && this.params.inverseMassMatrix instanceof Float64Array;
    if (task.tune > 0 && adaptable) {
      this.adaptation = windowAdaptation({
        numWarmup: task.tune,
        targetAccept: task.targetAccept,
        adaptMassMatrix: task.adaptMassMatrix,
        ...task.windows,
      });
      this.adaptState = this.adaptation.init(this.rng, this.state, this.target, this.params);
      this.params = this.adaptState.params;
    }
    this.drawBuf = new DrawBuffer(task.draws, this.width);
    if (task.keepWarmup) this.warmupBuf = new DrawBuffer(task.tune, this.width);
    if (task.checkpointDir) this.checkpoint = new CheckpointWriter(task.checkpointDir, task.chain, layout.params, { seed: task.seed, sampler: sampler.name });
    if (task.tune === 0) this.checkpoint?.writeAdaptation(this.params.stepSize, this.params.inverseMassMatrix, dim);
  }

  get done(): boolean {
    return this.iteration >= this.totalIterations;
  }

  advance(): void {
    if (this.done) return;
    const warmup = this.iteration < this.task.tune;
    const usedParams = this.params;
    const [state, info] = this.sampler.step(this.rng, this.state, this.target, usedParams) as [SamplerState, SamplerInfo & { stepSize?: number }];
    this.state = state;
    if (info.isDivergent) this.numDivergences += warmup ? 0 : 1;
    const row: StatRow = { lp: state.logDensity };
    for (const [name, get] of STAT_OF_INFO) row[name] = get(info, usedParams);
    if (warmup && this.adaptation && this.adaptState) {
      this.adaptState = this.adaptation.update(this.rng, this.adaptState, state, info, this.target);
      this.params = this.adaptState.params;
      if (this.iteration === this.task.tune - 1) this.params = this.adaptation.finalParams(this.adaptState);
    }
    this.constrain(state.position, this.scratch);
    if (!warmup) this.drawBuf.push(row, this.scratch);
    else this.warmupBuf?.push(row, this.scratch);
    if (!warmup || this.warmupBuf) this.checkpoint?.writeDraw(row, warmup, this.scratch);
    this.iteration += 1;
    if (this.iteration === this.task.tune) this.checkpoint?.writeAdaptation(this.params.stepSize, this.params.inverseMassMatrix, this.target.dim);
  }

  /** The chain's draws so far (all of them when done). */
  finish(): ChainResult {
    this.checkpoint?.close();
    const main = this.drawBuf.result();
    const draws: ChainDraws = { values: main.values, stats: main.stats };
    if (this.warmupBuf) draws.warmup = this.warmupBuf.result();
    if (this.iteration >= this.task.tune) {
      draws.adaptation = { stepSize: this.params.stepSize, inverseMassMatrix: this.params.inverseMassMatrix };
    }
    return {
      chain: this.task.chain,
      draws,
      numDraws: this.drawBuf.n,
      numWarmupDone: Math.min(this.iteration, this.task.tune),
      numDivergences: this.numDivergences,
      numGradEvals: this.target.numGradEvals,
      secondsInGradient: this.target.secondsInGradient,
      secondsTotal: (performance.now() - this.started) / 1000,
    };
  }
}

function describeTarget(target: PosteriorTarget): string {
  const names = target.params?.map((p) => p.name).join(', ');
  return `target of dim ${target.dim}${names ? ` with parameters ${names}` : ''}`;
}

/** Rebuilds a built-in sampler from its spec (how samplers cross into worker threads). */
export function samplerFromSpec(spec: SamplerSpec): AnySampler {
  if (spec.kind === 'nuts') return nuts(spec.options);
  if (spec.kind === 'hmc') return hmc(spec.options);
  if (spec.kind === 'mala') return mala();
  throw new Error(`samplerFromSpec: unknown sampler kind '${String((spec as { kind: unknown }).kind)}'`);
}

/** Lets timers, messages and abort signals through during a long synchronous loop. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How often (ms) a running loop yields to the event loop and refreshes progress. */
const YIELD_EVERY_MS = 50;

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
  const known = new Set(['sampler', 'chains', 'draws', 'tune', 'seed', 'init', 'initRadius', 'parallel', 'progress', 'checkpoint', 'targetAccept', 'keepWarmup', 'adaptMassMatrix', 'dense', 'stepSize', 'inverseMassMatrix', 'windows', 'signal', 'adviInit', 'workerTarget']);
  for (const k of Object.keys(options)) if (!known.has(k)) throw new Error(`sample: unknown option '${k}'`);
  const dim = target.dim;
  const sampler = resolveSampler(options.sampler);
  const chains = checkInteger('chains', options.chains ?? 4, 1);
  const draws = checkInteger('draws', options.draws ?? 1000, 1);
  const tune = checkInteger('tune', options.tune ?? 1000, 0);
  const seed = options.seed ?? randomInt(0, 2 ** 31);
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

  // Initial points, one per chain (undefined: jitter).
  const init = options.init ?? 'jitter';
  let points: (Float64Array | undefined)[] = new Array(chains).fill(undefined);
  if (init === 'advi+adapt_diag') {
    // As PyMC: fit mean-field ADVI, start each chain at its own draw from the fit (overdispersed
    // starts keep R-hat honest), and use the fitted variances as the initial diagonal metric.
    const adviInit = options.adviInit ?? adviInitializer({ progress: options.progress ?? false });
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
  }));

  const progress = createProgress(options.progress, tasks.map((t) => t.chain), tune, draws);
  const started = performance.now();
  let outcome: RunOutcome;
  try {
    if (options.parallel) {
      if (!options.workerTarget) throw new Error('sample: parallel: true needs options.workerTarget { module, exportName, args } so each worker can rebuild the target');
      const spec = (sampler as { spec?: SamplerSpec }).spec;
      // A spec only counts when it still describes this sampler (not a modified copy of a built-in).
      if (!spec || spec.kind !== sampler.name) throw new Error(`sample: parallel: true runs built-in samplers only (nuts, hmc, mala without a custom integrator); sampler '${sampler.name}' must run with parallel: false`);
      outcome = await runParallel(tasks, options.workerTarget, spec, progress, options.signal);
    } else {
      outcome = await runSequential(tasks, target, sampler, progress, options.signal);
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

interface RunOutcome {
  results: ChainResult[];
  failed: { chain: number; error: string }[];
  interrupted: boolean;
}

async function runSequential(tasks: ChainTask[], target: PosteriorTarget, sampler: AnySampler, progress: ProgressReporter, signal?: AbortSignal): Promise<RunOutcome> {
  const runners = tasks.map((t) => new ChainRunner(t, target, sampler));
  const failed: RunOutcome['failed'] = [];
  const active = new Set(runners);
  let interrupted = signal?.aborted ?? false;
  let last = performance.now();
  while (!interrupted && [...active].some((r) => !r.done)) {
    // One iteration per chain in turn, so an interruption leaves the chains equally long.
    for (const r of active) {
      if (r.done) continue;
      try {
        r.advance();
      } catch (e) {
        failed.push({ chain: r.task.chain, error: e instanceof Error ? e.message : String(e) });
        progress.fail(r.task.chain, String(e));
        active.delete(r);
      }
    }
    if (performance.now() - last > YIELD_EVERY_MS) {
      for (const r of active) progress.update(r.task.chain, r.iteration, r.numDivergences);
      await yieldToEventLoop();
      last = performance.now();
      interrupted = signal?.aborted ?? false;
    }
  }
  for (const r of active) progress.update(r.task.chain, r.iteration, r.numDivergences);
  return { results: [...active].map((r) => r.finish()), failed, interrupted };
}

/** Messages between the main thread and `worker.ts`. */
export type WorkerMessage =
  | { type: 'progress'; chain: number; iteration: number; divergences: number }
  | { type: 'done'; result: ChainResult; width: number }
  | { type: 'error'; chain: number; error: string };

export interface WorkerData {
  task: ChainTask;
  workerTarget: WorkerTargetSpec;
  samplerSpec: SamplerSpec;
}

async function runParallel(tasks: ChainTask[], workerTarget: WorkerTargetSpec, samplerSpec: SamplerSpec, progress: ProgressReporter, signal?: AbortSignal): Promise<RunOutcome> {
  const pool = sharedWorkerPool();
  const results: ChainResult[] = [];
  const failed: RunOutcome['failed'] = [];
  const queue = [...tasks];
  const running = new Set<Worker>();
  let interrupted = signal?.aborted ?? false;
  const onAbort = () => {
    interrupted = true;
    for (const w of running) w.postMessage({ type: 'abort' });
  };
  signal?.addEventListener('abort', onAbort);

  const runOne = async (task: ChainTask): Promise<void> => {
    const worker = await pool.acquire();
    running.add(worker);
    await new Promise<void>((resolve) => {
      let settled = false;
      const finish = (healthy: boolean) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        running.delete(worker);
        if (healthy) pool.release(worker);
        else pool.discard(worker);
        resolve();
      };
      const fail = (error: string) => {
        if (settled) return;
        settled = true;
        failed.push({ chain: task.chain, error });
        progress.fail(task.chain, error);
      };
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'progress') progress.update(m.chain, m.iteration, m.divergences);
        else if (m.type === 'error') {
          fail(m.error);
          finish(true); // the chain failed (e.g. its model factory threw); the worker is fine
        } else if (m.type === 'done' && !settled) {
          settled = true;
          results.push(m.result);
          finish(true);
        }
      };
      const onError = (e: unknown) => fail(e instanceof Error ? e.message : String(e));
      const onExit = (code: number) => {
        fail(`worker exited with code ${code} before finishing`);
        finish(false);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const data: WorkerData = { task, workerTarget, samplerSpec };
      worker.postMessage({ type: 'run', data });
      if (interrupted) worker.postMessage({ type: 'abort' });
    });
  };

  const lanes = Math.min(tasks.length, pool.maxWorkers);
  const lane = async () => {
    while (queue.length > 0 && !interrupted) await runOne(queue.shift()!);
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  results.sort((a, b) => a.chain - b.chain);
  return { results, failed: failed.sort((a, b) => a.chain - b.chain), interrupted };
}

function assembleTrace(target: PosteriorTarget, outcome: RunOutcome, meta: Record<string, unknown>): Trace {
  const { params, width } = traceLayout(target);
  const { failed, interrupted } = outcome;
  let results = outcome.results;
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
  const withDraws = results.filter((r) => r.numDraws > 0);
  if (withDraws.length === 0) throw new Error(`sample: ${interrupted ? 'interrupted' : 'stopped'} during warmup, before any post-warmup draw`);
  // Chains interrupted at different points are cut to the shortest so draws line up.
  const n = Math.min(...withDraws.map((r) => r.numDraws));
  const chainsWithoutDraws = results.filter((r) => r.numDraws === 0).map((r) => r.chain);
  results = withDraws;
  const chainDraws = results.map((r) => {
    if (r.numDraws === n) return r.draws;
    const stats = Object.fromEntries(Object.entries(r.draws.stats).map(([k, v]) => [k, (v as Float64Array).slice(0, n)])) as unknown as DrawStats;
    return { ...r.draws, values: r.draws.values.slice(0, n * width), stats };
  });
  return new Trace({
    params,
    chains: chainDraws,
    meta: {
      ...meta,
      chainIds: results.map((r) => r.chain),
      interrupted,
      ...(interrupted ? { drawsKept: n, chainsWithoutDraws } : {}),
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
  const per = trace.meta.perChain as ChainResult[] | undefined;
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
