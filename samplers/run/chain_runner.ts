/**
 * One chain, step by step: `ChainRunner` initialises a chain, runs Stan's windowed warmup around
 * any Sampler, records draws (and checkpoints), and hands back a `ChainResult`; `runSequential`
 * advances several chains in lockstep in this thread. Used by `sample()` and by workers (worker_loop.ts).
 */
import { Rng } from '../../core/rng.js';
import { sleep, yieldToEventLoop } from '../../core/runtime.js';
import { shapeSize } from '../../core/shape.js';
import type { LogDensity, ParamInfo, PosteriorTarget, Sampler, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import { STAT_NAMES, type ChainDraws, type DrawStats, type StatName } from '../trace/trace.js';
import { evaluateAt } from '../mcmc/integrator.js';
import { identityInverseMassMatrix } from '../mcmc/metric.js';
import { windowAdaptation, type WindowAdaptation, type WindowAdaptationState } from '../adaptation/window_adaptation.js';
import type { WindowScheduleOptions } from '../adaptation/window_schedule.js';
import { CheckpointWriter, type StatRow } from './checkpoint.js';
import type { ChainProgress, ProgressReporter } from './progress_events.js';
import { PAUSE_POLL_MS, type RunControl } from './run_control.js';
import { hmc, type SamplerSpec } from '../mcmc/hmc.js';
import { nuts } from '../mcmc/nuts.js';
import { mala } from '../mcmc/mala.js';
import { jitterInit } from '../mcmc/initialisation.js';

export type AnySampler = Sampler<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

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
  /** Whether progress reports carry the new draws (set when `sample` has an `onProgress`). */
  streamDraws: boolean;
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
    const width = params.reduce((n, p) => n + shapeSize(p.shape), 0);
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
    return this.rows(0, this.n);
  }
  /** Copies of rows [from, to). */
  rows(from: number, to: number): { values: Float64Array; stats: DrawStats } {
    const stats = { lp: this.stats.lp.slice(from, to) } as DrawStats;
    for (const k of STAT_NAMES) if (k !== 'lp' && this.seen.has(k)) stats[k] = this.stats[k].slice(from, to);
    return { values: this.values.slice(from * this.width, to * this.width), stats };
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
  private drawsReported = 0;

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

  /** A progress report: where the chain is, and (when streaming) the draws since the last report. */
  takeProgress(): ChainProgress {
    const to = this.task.streamDraws ? this.drawBuf.n : this.drawsReported;
    const newDraws = this.drawBuf.rows(this.drawsReported, to);
    this.drawsReported = to;
    return { chain: this.task.chain, iteration: this.iteration, tune: this.task.tune, draws: this.task.draws, divergences: this.numDivergences, newDraws };
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
export { yieldToEventLoop };

/** How often (ms) a running loop yields to the event loop and refreshes progress. */
const YIELD_EVERY_MS = 50;

export interface RunOutcome {
  results: ChainResult[];
  failed: { chain: number; error: string }[];
  interrupted: boolean;
}

export async function runSequential(tasks: ChainTask[], target: PosteriorTarget, sampler: AnySampler, progress: ProgressReporter, signal?: AbortSignal, control?: RunControl): Promise<RunOutcome> {
  const runners = tasks.map((t) => new ChainRunner(t, target, sampler));
  const failed: RunOutcome['failed'] = [];
  const active = new Set(runners);
  const report = () => {
    for (const r of active) progress.update(r.takeProgress());
  };
  let interrupted = signal?.aborted ?? false;
  let last = performance.now();
  while (!interrupted && [...active].some((r) => !r.done)) {
    // One iteration per chain in turn, so an interruption leaves the chains equally long.
    for (const r of active) {
      if (r.done) continue;
      try {
        r.advance();
      } catch (e) {
        progress.update(r.takeProgress()); // the draws it made before failing
        failed.push({ chain: r.task.chain, error: e instanceof Error ? e.message : String(e) });
        progress.fail(r.task.chain, String(e));
        active.delete(r);
      }
    }
    if (performance.now() - last > YIELD_EVERY_MS || control?.paused) {
      report();
      await yieldToEventLoop();
      // Paused: hold every chain here, state intact, until resumed or aborted.
      while (control?.paused && !signal?.aborted) await sleep(PAUSE_POLL_MS);
      last = performance.now();
      interrupted = signal?.aborted ?? false;
    }
  }
  report();
  return { results: [...active].map((r) => r.finish()), failed, interrupted };
}
