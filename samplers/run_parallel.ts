/**
 * Chains in worker threads: each chain is a task posted to a pooled worker (worker_pool.ts),
 * which rebuilds the target from `workerTarget` and runs a `ChainRunner` (worker.ts).
 */
import type { Worker } from 'node:worker_threads';
import { sharedWorkerPool } from './worker_pool.js';
import type { SamplerSpec } from './hmc.js';
import type { ChainResult, ChainTask, RunOutcome } from './chain_runner.js';
import type { ProgressReporter } from './progress.js';

/** How a worker thread rebuilds the target: `(await import(module))[exportName](args, { chain })`. */
export interface WorkerTargetSpec {
  /** Absolute path or URL (file:, data:) of an ES module. */
  module: string;
  exportName: string;
  /** Structured-cloneable argument for the factory. */
  args?: unknown;
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

export async function runParallel(tasks: ChainTask[], workerTarget: WorkerTargetSpec, samplerSpec: SamplerSpec, progress: ProgressReporter, signal?: AbortSignal): Promise<RunOutcome> {
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

