/**
 * Chains in workers: each chain is a task posted to a pooled worker (worker_pool.ts: Node worker
 * threads; worker_pool.browser.ts: Web Workers), which rebuilds the target from `workerTarget`
 * and runs a `ChainRunner` (worker_loop.ts).
 */
import { sharedWorkerPool } from './shared_pool.js';
import type { SamplerSpec } from '../../mcmc/hmc.js';
import type { ChainResult, ChainTask, RunOutcome } from '../chain_runner.js';
import type { ChainProgress, ProgressReporter } from '../progress_events.js';
import type { RunControl } from '../run_control.js';
import type { AdviInitOptions } from '../../vi/advi_initializer.js';

/**
 * How a worker rebuilds the target: `(await import(module))[exportName](args, { chain, task })`,
 * where `task` is 'chain', or 'advi' (with chain 0) when the worker fits the ADVI initialisation.
 */
export interface WorkerTargetSpec {
  /** Absolute path or URL (file:, data:; http(s): in a browser) of an ES module. */
  module: string;
  exportName: string;
  /** Structured-cloneable argument for the factory. */
  args?: unknown;
}

/** Messages from a worker to the host. */
export type WorkerMessage =
  | { type: 'progress'; progress: ChainProgress }
  | { type: 'done'; result: ChainResult; width: number }
  | { type: 'error'; chain: number; error: string }
  | { type: 'advi-done'; position: Float64Array; inverseMassMatrix: Float64Array }
  | { type: 'advi-error'; error: string };

/** Messages from the host to a worker. */
export type HostMessage =
  | { type: 'run'; data: WorkerData; paused: boolean }
  | { type: 'advi'; workerTarget: WorkerTargetSpec; options: AdviInitOptions; seed: number }
  | { type: 'abort' }
  | { type: 'pause' }
  | { type: 'resume' };

export interface WorkerData {
  task: ChainTask;
  workerTarget: WorkerTargetSpec;
  samplerSpec: SamplerSpec;
}

/** The host's end of one pooled worker, whichever kind of worker it is. */
export interface ChainWorker {
  post(message: HostMessage): void;
  /** Routes the worker's messages, errors and exit to `handlers` until the returned function is called. */
  listen(handlers: { message(m: WorkerMessage): void; error(e: unknown): void; exit(code: number): void }): () => void;
}

export interface ChainWorkerPool {
  readonly maxWorkers: number;
  acquire(): Promise<ChainWorker>;
  /** Hand a healthy worker back after its task. */
  release(worker: ChainWorker): void;
  /** Drop a worker that failed. */
  discard(worker: ChainWorker): void;
  /** Terminate the idle workers. */
  close(): void;
}

export async function runParallel(
  tasks: ChainTask[],
  workerTarget: WorkerTargetSpec,
  samplerSpec: SamplerSpec,
  progress: ProgressReporter,
  signal?: AbortSignal,
  control?: RunControl,
  pool: ChainWorkerPool = sharedWorkerPool(),
): Promise<RunOutcome> {
  const results: ChainResult[] = [];
  const failed: RunOutcome['failed'] = [];
  const queue = [...tasks];
  const running = new Set<ChainWorker>();
  let interrupted = signal?.aborted ?? false;
  const onAbort = () => {
    interrupted = true;
    for (const w of running) w.post({ type: 'abort' });
  };
  signal?.addEventListener('abort', onAbort);
  const unsubscribe = control?.subscribe((paused) => {
    for (const w of running) w.post({ type: paused ? 'pause' : 'resume' });
  });

  const runOne = async (task: ChainTask): Promise<void> => {
    const worker = await pool.acquire();
    running.add(worker);
    await new Promise<void>((resolve) => {
      let settled = false;
      let finished = false;
      const finish = (healthy: boolean) => {
        if (finished) return;
        finished = true;
        stopListening();
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
      const stopListening = worker.listen({
        message(m) {
          if (m.type === 'progress') progress.update(m.progress);
          else if (m.type === 'error') {
            fail(m.error);
            finish(true); // the chain failed (e.g. its model factory threw); the worker is fine
          } else if (m.type === 'done' && !settled) {
            settled = true;
            results.push(m.result);
            finish(true);
          }
        },
        error: (e) => fail(e instanceof Error ? e.message : String(e)),
        exit(code) {
          fail(`worker exited with code ${code} before finishing`);
          finish(false);
        },
      });
      worker.post({ type: 'run', data: { task, workerTarget, samplerSpec }, paused: control?.paused ?? false });
      if (interrupted) worker.post({ type: 'abort' });
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
    unsubscribe?.();
  }
  results.sort((a, b) => a.chain - b.chain);
  return { results, failed: failed.sort((a, b) => a.chain - b.chain), interrupted };
}
