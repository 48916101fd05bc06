/**
 * One chain, step by step: `ChainRunner` initialises a chain, runs Stan's windowed warmup around
 * any Sampler, records draws (and checkpoints), and hands back a `ChainResult`; `runSequential`
 * advances several chains in lockstep in this thread. Used by `sample()` and by workers (worker_loop.ts).
 */
import { Rng } from '../../core/rng.js';
import { sleep, yieldToEventLoop } from '../../core/runtime.js';
import type { AnySampler, LogDensity, ParamInfo, PosteriorTarget, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import { shapeSize } from '../../core/shape.js';
import type { ChainDraws, DrawStats } from '../trace/trace.js';
import { orderStats, statRow, type StatRow } from '../trace/draw_stats.js';
import { metricKindOf, type AdaptationReport, type ChainPhase, type FailedChain } from '../trace/trace_meta.js';
import { evaluateAt } from '../mcmc/evaluate.js';
import { identityInverseMassMatrix } from '../mcmc/metric.js';
import type { WindowScheduleOptions } from '../adaptation/window_schedule.js';
import { stanAdapter, type AdaptName, type WarmupAdapter } from '../adaptation/warmup_adapter.js';
import { fisherAdaptation } from '../adaptation/fisher_adaptation.js';
import { CheckpointWriter } from './checkpoint.js';
import type { ChainProgress, ProgressReporter } from './progress_events.js';
import { PAUSE_POLL_MS, type RunControl } from './run_control.js';
import { jitterInit } from '../mcmc/initialisation.js';

export interface ChainTask {
  chain: number;
  seed: number;
  tune: number;
  draws: number;
  keepWarmup: boolean;
  targetAccept: number;
  adaptMassMatrix: boolean;
  /** The warmup scheme (samplers/adaptation/warmup_adapter.ts). */
  adapt: AdaptName;
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
  /** What went wrong without failing the chain (its checkpoint stopped, say). */
  warnings: string[];
  /** What warmup did, when it ran to the end. */
  adaptation?: AdaptationReport;
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

/**
 * What a target's trace rows hold: its named parameters, then its derived quantities (the
 * target's `derived` hook, e.g. a model's `derived` and `logLik`), and the map from an
 * unconstrained point to one row (`constrain`), called once per kept draw.
 */
export function traceLayout(target: PosteriorTarget): { params: ParamInfo[]; width: number; constrain: (x: Float64Array, out: Float64Array) => void } {
  const sizeOf = (ps: readonly ParamInfo[]) => ps.reduce((n, p) => n + shapeSize(p.shape), 0);
  let params: ParamInfo[];
  let constrain: (x: Float64Array, out: Float64Array) => void;
  if (target.params && target.params.length > 0) {
    if (typeof target.constrainInto !== 'function') throw new Error('sample: target has params but no constrainInto(x, out)');
    params = target.params.map((p) => ({ name: p.name, shape: [...p.shape], ...(p.kind && p.kind !== 'parameter' ? { kind: p.kind } : {}) }));
    constrain = (x, out) => target.constrainInto!(x, out);
  } else {
    params = [{ name: 'x', shape: [target.dim] }];
    constrain = (x, out) => out.set(x);
  }
  const derived = target.derived ?? [];
  if (derived.length === 0) return { params, width: sizeOf(params), constrain };
  if (typeof target.derivedInto !== 'function') throw new Error('sample: target has derived quantities but no derivedInto(x, out)');
  const split = sizeOf(params);
  const all = [...params, ...derived.map((p) => ({ name: p.name, shape: [...p.shape], kind: p.kind ?? 'derived' }))];
  const fill = (x: Float64Array, out: Float64Array) => {
    constrain(x, out.subarray(0, split));
    target.derivedInto!(x, out.subarray(split));
  };
  return { params: all, width: sizeOf(all), constrain: fill };
}

/** A chain's draws and their statistics as they come; a statistic first seen late is NaN before. */
class DrawBuffer {
  readonly values: Float64Array;
  readonly stats = new Map<string, Float64Array>();
  n = 0;
  constructor(private readonly capacity: number, readonly width: number) {
    this.values = new Float64Array(capacity * width);
    this.stats.set('lp', new Float64Array(capacity));
  }
  push(row: StatRow, values: Float64Array): void {
    this.values.set(values, this.n * this.width);
    for (const [k, v] of Object.entries(row)) {
      let col = this.stats.get(k);
      if (!col) this.stats.set(k, (col = new Float64Array(this.capacity).fill(NaN)));
      col[this.n] = v;
    }
    this.n += 1;
  }
  result(): { values: Float64Array; stats: DrawStats } {
    return this.rows(0, this.n);
  }
  /** Copies of rows [from, to). */
  rows(from: number, to: number): { values: Float64Array; stats: DrawStats } {
    const stats: DrawStats = { lp: this.stats.get('lp')!.slice(from, to) };
    for (const k of orderStats(this.stats.keys())) if (k !== 'lp') stats[k] = this.stats.get(k)!.slice(from, to);
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
  private readonly adaptation?: WarmupAdapter;
  private readonly drawBuf: DrawBuffer;
  private readonly warmupBuf?: DrawBuffer;
  private checkpoint?: CheckpointWriter;
  /** What went wrong without failing the chain (ChainResult.warnings). */
  readonly warnings: string[] = [];
  private readonly scratch: Float64Array;
  private readonly started = performance.now();
  private drawsReported = 0;
  /** Seconds spent in this chain's own iterations (chains run in turn share the wall clock). */
  private readonly elapsed = { warmupSeconds: 0, samplingSeconds: 0 };

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
      this.adaptation = task.adapt === 'stan' || !task.adaptMassMatrix
        ? stanAdapter({ numWarmup: task.tune, targetAccept: task.targetAccept, adaptMassMatrix: task.adaptMassMatrix, ...task.windows })
        : fisherAdaptation({ numWarmup: task.tune, targetAccept: task.targetAccept, lowRank: task.adapt === 'fisher-low-rank', keepInitialMetric: task.inverseMassMatrix !== undefined });
      this.params = this.adaptation.init(this.rng, this.state, this.target, this.params);
    }
    this.drawBuf = new DrawBuffer(task.draws, this.width);
    if (task.keepWarmup) this.warmupBuf = new DrawBuffer(task.tune, this.width);
    if (task.checkpointDir) this.checkpoint = this.openCheckpoint(task.checkpointDir, layout.params);
    if (task.tune === 0) this.checkpoint?.writeAdaptation(this.params.stepSize, this.params.inverseMassMatrix, dim);
  }

  /** Where the chain is: 'warmup' or 'sampling' (a chain that could not be built failed in 'init'). */
  get phase(): ChainPhase {
    return this.iteration < this.task.tune ? 'warmup' : 'sampling';
  }

  /**
   * A checkpoint that cannot be written (a full disk) stops, its file closed, and the chain goes
   * on into memory: losing the file must not lose the draws.
   */
  private checkpointFailed(path: string, e: unknown): void {
    this.checkpoint = undefined;
    const reason = e instanceof Error ? e.message : String(e);
    this.warnings.push(`checkpoint: cannot write '${path}' (${reason}); chain ${this.task.chain} stopped checkpointing at iteration ${this.iteration}, its draws are kept in memory`);
  }

  private openCheckpoint(dir: string, params: ParamInfo[]): CheckpointWriter | undefined {
    const { task, sampler } = this;
    const inv = this.params.inverseMassMatrix;
    const metric = inv instanceof Float64Array ? metricKindOf(inv.length, this.target.dim) : 'diag';
    const samplerOptions = sampler.spec?.options;
    const meta = { sampler: sampler.name, seed: task.seed, targetAccept: task.targetAccept, adapt: task.adapt, ...(samplerOptions ? { samplerOptions } : {}) };
    try {
      return new CheckpointWriter(dir, task.chain, params, { meta, tune: task.tune, keepWarmup: task.keepWarmup, draws: task.draws, metric }, (path, e) => this.checkpointFailed(path, e));
    } catch (e) {
      this.checkpointFailed(CheckpointWriter.pathOf(dir, task.chain), e);
      return undefined;
    }
  }

  get done(): boolean {
    return this.iteration >= this.totalIterations;
  }

  advance(): void {
    if (this.done) return;
    const t0 = performance.now();
    const warmup = this.iteration < this.task.tune;
    const usedParams = this.params;
    const [state, info] = this.sampler.step(this.rng, this.state, this.target, usedParams) as [SamplerState, SamplerInfo];
    this.state = state;
    if (info.isDivergent) this.numDivergences += warmup ? 0 : 1;
    const row = statRow(state.logDensity, info, usedParams);
    if (warmup && this.adaptation) {
      this.params = this.adaptation.update(this.rng, state, info, this.target);
      if (this.iteration === this.task.tune - 1) this.params = this.adaptation.finalParams();
    }
    // Only rows that are kept are filled: derived quantities are computed once per kept draw.
    if (!warmup || this.warmupBuf || this.checkpoint) this.constrain(state.position, this.scratch);
    if (!warmup) this.drawBuf.push(row, this.scratch);
    else this.warmupBuf?.push(row, this.scratch);
    this.checkpoint?.writeDraw(row, warmup, this.scratch);
    this.iteration += 1;
    if (this.iteration === this.task.tune) this.checkpoint?.writeAdaptation(this.params.stepSize, this.params.inverseMassMatrix, this.target.dim);
    const seconds = (performance.now() - t0) / 1000;
    if (warmup) this.elapsed.warmupSeconds += seconds;
    else this.elapsed.samplingSeconds += seconds;
  }

  /** A progress report: where the chain is, and (when streaming) the draws since the last report. */
  takeProgress(): ChainProgress {
    const to = this.task.streamDraws ? this.drawBuf.n : this.drawsReported;
    const newDraws = this.drawBuf.rows(this.drawsReported, to);
    this.drawsReported = to;
    const phase = this.iteration < this.task.tune && this.adaptation ? this.adaptation.phaseOf(this.iteration) : undefined;
    return { chain: this.task.chain, iteration: this.iteration, tune: this.task.tune, draws: this.task.draws, divergences: this.numDivergences, newDraws, ...(phase ? { phase } : {}) };
  }

  /** A chain that failed: its checkpoint file is closed as it stands (no footer: the run did not finish). */
  abandon(): void {
    const checkpoint = this.checkpoint;
    this.checkpoint = undefined;
    try {
      checkpoint?.close();
    } catch {
      // the chain's own error is the one to report
    }
  }

  /** The chain's draws so far (all of them when done). */
  finish(): ChainResult {
    const elapsed = { ...this.elapsed };
    this.checkpoint?.close(elapsed);
    const main = this.drawBuf.result();
    const draws: ChainDraws = { values: main.values, stats: main.stats, elapsed };
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
      warnings: [...this.warnings],
      ...(this.adaptation && this.iteration >= this.task.tune ? { adaptation: this.adaptation.report() } : {}),
    };
  }
}

function describeTarget(target: PosteriorTarget): string {
  const names = target.params?.map((p) => p.name).join(', ');
  return `target of dim ${target.dim}${names ? ` with parameters ${names}` : ''}`;
}

/** Lets timers, messages and abort signals through during a long synchronous loop. */
export { yieldToEventLoop };

/** How often (ms) a running loop yields to the event loop and refreshes progress. */
const YIELD_EVERY_MS = 50;

export interface RunOutcome {
  results: ChainResult[];
  failed: FailedChain[];
  interrupted: boolean;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Builds each chain's runner; a chain whose initialisation throws fails alone, in phase 'init'. */
function startChains(tasks: ChainTask[], target: PosteriorTarget, sampler: AnySampler, progress: ProgressReporter, failed: FailedChain[]): ChainRunner[] {
  const runners: ChainRunner[] = [];
  for (const t of tasks) {
    try {
      runners.push(new ChainRunner(t, target, sampler));
    } catch (e) {
      failed.push({ chain: t.chain, phase: 'init', iteration: 0, error: messageOf(e) });
      progress.fail(t.chain, messageOf(e));
    }
  }
  return runners;
}

export async function runSequential(tasks: ChainTask[], target: PosteriorTarget, sampler: AnySampler, progress: ProgressReporter, signal?: AbortSignal, control?: RunControl): Promise<RunOutcome> {
  const failed: RunOutcome['failed'] = [];
  const active = new Set(startChains(tasks, target, sampler, progress, failed));
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
        r.abandon();
        failed.push({ chain: r.task.chain, phase: r.phase, iteration: r.iteration, error: messageOf(e) });
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
  failed.sort((a, b) => a.chain - b.chain);
  return { results: [...active].map((r) => r.finish()), failed, interrupted };
}
