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

/** Serves chains on `endpoint`; `importModule` loads a workerTarget module by its name. */
export function serveChains(endpoint: WorkerEndpoint, importModule: (module: string) => Promise<Record<string, unknown>>): void {
  let aborted = false;
  let paused = false;

  const postProgress = (p: ChainProgress) => endpoint.post({ type: 'progress', progress: p }, buffersOf(p.newDraws));
  let adviAbort: AbortController | undefined;

  async function buildTarget(workerTarget: WorkerTargetSpec, context: { chain: number; task: 'chain' | 'advi' }): Promise<PosteriorTarget> {
    const mod = await importModule(workerTarget.module);
    const factory = mod[workerTarget.exportName];
    if (typeof factory !== 'function') throw new Error(`workerTarget: module '${workerTarget.module}' has no function export '${workerTarget.exportName}'`);
    return (await factory(workerTarget.args, context)) as PosteriorTarget;
  }

  /** A user's sampler is known here once the module that registers it has been imported. */
  async function buildSampler(spec: SamplerSpec): Promise<AnySampler> {
    if (!isSamplerRegistered(spec.name) && spec.module !== undefined) await importModule(spec.module);
    return samplerFromSpec(spec);
  }

  async function fitAdvi(workerTarget: WorkerTargetSpec, options: AdviInitOptions, seed: number): Promise<void> {
    adviAbort = new AbortController();
    try {
      const target = await buildTarget(workerTarget, { chain: 0, task: 'advi' });
      const { position, inverseMassMatrix } = await adviInitializer(options)(target, { seed, signal: adviAbort.signal });
      endpoint.post({ type: 'advi-done', position, inverseMassMatrix }, [position.buffer as ArrayBuffer, inverseMassMatrix.buffer as ArrayBuffer]);
    } catch (e) {
      endpoint.post({ type: 'advi-error', error: e instanceof Error ? e.message : String(e) });
    }
  }

  async function run({ task, workerTarget, samplerSpec }: WorkerData): Promise<void> {
    let runner: ChainRunner | undefined;
    try {
      const target = await buildTarget(workerTarget, { chain: task.chain, task: 'chain' });
      runner = new ChainRunner(task, target, await buildSampler(samplerSpec));
      let last = performance.now();
      while (!runner.done && !aborted) {
        runner.advance();
        if (performance.now() - last > REPORT_EVERY_MS || paused) {
          postProgress(runner.takeProgress());
          await yieldToEventLoop(); // lets 'abort' and 'pause' messages in
          while (paused && !aborted) await sleep(PAUSE_POLL_MS);
          last = performance.now();
        }
      }
      postProgress(runner.takeProgress());
      const result = runner.finish();
      endpoint.post({ type: 'done', result, width: traceLayout(target).width }, buffersOf(result.draws));
    } catch (e) {
      // Hand over the draws made since the last report before saying the chain failed.
      if (runner) postProgress(runner.takeProgress());
      endpoint.post({ type: 'error', chain: task.chain, error: e instanceof Error ? e.message : String(e) });
    }
  }

  endpoint.onMessage((m) => {
    if (m.type === 'abort') {
      aborted = true;
      adviAbort?.abort();
    } else if (m.type === 'advi') void fitAdvi(m.workerTarget, m.options, m.seed);
    else if (m.type === 'pause') paused = true;
    else if (m.type === 'resume') paused = false;
    else if (m.type === 'run') {
      aborted = false;
      paused = m.paused;
      void run(m.data);
    }
  });
}
