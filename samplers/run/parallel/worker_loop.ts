/**
 * What a sampling worker does, the same in a Node worker thread and a browser Web Worker
 * (chain_worker.ts is the entry). A pooled worker waits for `{ type: 'run', data }` messages; for
 * each it rebuilds the target from `workerTarget` (`(await import(module))[exportName](args, { chain })`,
 * the module cached after the first import) and the sampler from its spec (samplers/registry.ts;
 * importing the spec's module first teaches the worker a user's sampler), runs one
 * chain, and posts progress and the result (buffers transferred, not copied). `{ type: 'abort' }`
 * stops the running chain early; `pause` / `resume` hold it between two iterations.
 * `{ type: 'advi', … }` fits the mean-field ADVI that initialises the chains (advi_in_worker.ts),
 * so that in a browser it too runs off the page's thread.
 */
import { ChainRunner, traceLayout } from '../chain_runner.js';
import { isSamplerRegistered, samplerFromSpec } from '../../registry.js';
import type { ChainProgress } from '../progress_events.js';
import { PAUSE_POLL_MS } from '../run_control.js';
import type { HostMessage, WorkerData, WorkerMessage, WorkerTargetSpec } from './protocol.js';
import { adviInitializer, type AdviInitOptions } from '../../vi/advi_initializer.js';
import type { AnySampler, PosteriorTarget, SamplerSpec } from '../../types.js';
import { sleep, yieldToEventLoop } from '../../../core/runtime.js';

/** How often (ms) a worker reports progress and lets control messages in. */
const REPORT_EVERY_MS = 100;

/** The worker's end of its message channel. */
export interface WorkerEndpoint {
  post(message: WorkerMessage, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: HostMessage) => void): void;
}

function buffersOf(draws: { values: Float64Array; stats: object }): ArrayBuffer[] {
  return [draws.values.buffer as ArrayBuffer, ...Object.values(draws.stats).map((a) => (a as Float64Array).buffer as ArrayBuffer)];
}

/** What a worker keeps between messages: its channel, and whether the running chain should stop or hold. */
interface WorkerState {
  readonly endpoint: WorkerEndpoint;
  readonly importModule: (module: string) => Promise<Record<string, unknown>>;
  aborted: boolean;
  paused: boolean;
  adviAbort?: AbortController;
}

/** Serves chains on `endpoint`; `importModule` loads a workerTarget's or a sampler's module by its name. */
export function serveChains(endpoint: WorkerEndpoint, importModule: (module: string) => Promise<Record<string, unknown>>): void {
  const state: WorkerState = { endpoint, importModule, aborted: false, paused: false };
  endpoint.onMessage((m) => handleMessage(state, m));
}

function handleMessage(state: WorkerState, m: HostMessage): void {
  if (m.type === 'abort') {
    state.aborted = true;
    state.adviAbort?.abort();
  } else if (m.type === 'advi') void fitAdvi(state, m.workerTarget, m.options, m.seed);
  else if (m.type === 'pause') state.paused = true;
  else if (m.type === 'resume') state.paused = false;
  else if (m.type === 'run') {
    state.aborted = false;
    state.paused = m.paused;
    void runChain(state, m.data);
  }
}

function postProgress(state: WorkerState, p: ChainProgress): void {
  state.endpoint.post({ type: 'progress', progress: p }, buffersOf(p.newDraws));
}

async function buildTarget(state: WorkerState, workerTarget: WorkerTargetSpec, context: { chain: number; task: 'chain' | 'advi' }): Promise<PosteriorTarget> {
  const mod = await state.importModule(workerTarget.module);
  const factory = mod[workerTarget.exportName];
  if (typeof factory !== 'function') throw new Error(`workerTarget: module '${workerTarget.module}' has no function export '${workerTarget.exportName}'`);
  return (await factory(workerTarget.args, context)) as PosteriorTarget;
}

/** A user's sampler is known here once the module that registers it has been imported. */
async function buildSampler(state: WorkerState, spec: SamplerSpec): Promise<AnySampler> {
  if (!isSamplerRegistered(spec.name) && spec.module !== undefined) await state.importModule(spec.module);
  return samplerFromSpec(spec);
}

async function fitAdvi(state: WorkerState, workerTarget: WorkerTargetSpec, options: AdviInitOptions, seed: number): Promise<void> {
  state.adviAbort = new AbortController();
  try {
    const target = await buildTarget(state, workerTarget, { chain: 0, task: 'advi' });
    const { position, inverseMassMatrix, numGradEvals } = await adviInitializer(options)(target, { seed, signal: state.adviAbort.signal });
    state.endpoint.post({ type: 'advi-done', position, inverseMassMatrix, ...(numGradEvals !== undefined ? { numGradEvals } : {}) }, [position.buffer as ArrayBuffer, inverseMassMatrix.buffer as ArrayBuffer]);
  } catch (e) {
    state.endpoint.post({ type: 'advi-error', error: e instanceof Error ? e.message : String(e) });
  }
}

async function runChain(state: WorkerState, { task, workerTarget, samplerSpec }: WorkerData): Promise<void> {
  let runner: ChainRunner | undefined;
  try {
    const target = await buildTarget(state, workerTarget, { chain: task.chain, task: 'chain' });
    runner = new ChainRunner(task, target, await buildSampler(state, samplerSpec));
    state.endpoint.post({ type: 'started', chain: task.chain }); // initialised: a later failure is in warmup or sampling
    let last = performance.now();
    while (!runner.done && !state.aborted) {
      runner.advance();
      if (performance.now() - last > REPORT_EVERY_MS || state.paused) {
        postProgress(state, runner.takeProgress());
        await yieldToEventLoop(); // lets 'abort' and 'pause' messages in
        while (state.paused && !state.aborted) await sleep(PAUSE_POLL_MS);
        last = performance.now();
      }
    }
    postProgress(state, runner.takeProgress());
    const result = runner.finish();
    state.endpoint.post({ type: 'done', result, width: traceLayout(target).width }, buffersOf(result.draws));
  } catch (e) {
    // Hand over the draws made since the last report before saying the chain failed.
    if (runner) postProgress(state, runner.takeProgress());
    runner?.abandon();
    const where = runner ? { phase: runner.phase, iteration: runner.iteration } : { phase: 'init' as const, iteration: 0 };
    state.endpoint.post({ type: 'error', chain: task.chain, ...where, error: e instanceof Error ? e.message : String(e) });
  }
}
