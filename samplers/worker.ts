/**
 * Worker-thread entry for `sample({ parallel: true })`. A pooled worker (worker_pool.ts) waits for
 * `{ type: 'run', data }` messages; for each it rebuilds the target from `workerTarget`
 * (`(await import(module))[exportName](args, { chain })`, the module cached after the first
 * import) and the sampler from its spec, runs one chain, and posts progress and the result
 * (buffers transferred, not copied). `{ type: 'abort' }` stops the running chain early.
 */
import { parentPort } from 'node:worker_threads';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChainRunner, samplerFromSpec, traceLayout, yieldToEventLoop } from './chain_runner.js';
import type { WorkerData, WorkerMessage } from './run_parallel.js';
import type { PosteriorTarget } from './types.js';

const port = parentPort!;
let aborted = false;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function run({ task, workerTarget, samplerSpec }: WorkerData): Promise<void> {
  try {
    const url = isAbsolute(workerTarget.module) ? pathToFileURL(workerTarget.module).href : workerTarget.module;
    const mod = (await import(url)) as Record<string, unknown>;
    const factory = mod[workerTarget.exportName];
    if (typeof factory !== 'function') throw new Error(`workerTarget: module '${workerTarget.module}' has no function export '${workerTarget.exportName}'`);
    const target = (await factory(workerTarget.args, { chain: task.chain })) as PosteriorTarget;
    const runner = new ChainRunner(task, target, samplerFromSpec(samplerSpec));
    let last = performance.now();
    while (!runner.done && !aborted) {
      runner.advance();
      if (performance.now() - last > 100) {
        post({ type: 'progress', chain: task.chain, iteration: runner.iteration, divergences: runner.numDivergences });
        await yieldToEventLoop(); // lets an 'abort' message in
        last = performance.now();
      }
    }
    post({ type: 'progress', chain: task.chain, iteration: runner.iteration, divergences: runner.numDivergences });
    const result = runner.finish();
    const buffers = [result.draws.values.buffer as ArrayBuffer, ...Object.values(result.draws.stats).map((a) => (a as Float64Array).buffer as ArrayBuffer)];
    post({ type: 'done', result, width: traceLayout(target).width }, buffers);
  } catch (e) {
    post({ type: 'error', chain: task.chain, error: e instanceof Error ? e.message : String(e) });
  }
}

port.on('message', (m: { type: 'run'; data: WorkerData } | { type: 'abort' }) => {
  if (m.type === 'abort') aborted = true;
  else if (m.type === 'run') {
    aborted = false;
    void run(m.data);
  }
});
