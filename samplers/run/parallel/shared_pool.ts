/**
 * The process-wide pool of sampling workers, Node's side of a two-file adapter (the browser's,
 * worker_pool.browser.ts, pools Web Workers): worker threads running worker.ts, pooled by
 * chain_worker_pool.ts. Idle threads are unref'd, so they never keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { WorkerPool } from './worker_pool.js';
import type { ChainWorker, ChainWorkerPool, HostMessage, WorkerMessage } from './run_parallel.js';

/** A worker thread seen as a ChainWorker. */
class ThreadWorker implements ChainWorker {
  constructor(readonly thread: Worker) {}
  post(message: HostMessage): void {
    this.thread.postMessage(message);
  }
  listen(h: { message(m: WorkerMessage): void; error(e: unknown): void; exit(code: number): void }): () => void {
    const onMessage = (m: WorkerMessage) => h.message(m);
    const onError = (e: unknown) => h.error(e);
    const onExit = (code: number) => h.exit(code);
    this.thread.on('message', onMessage).on('error', onError).on('exit', onExit);
    return () => this.thread.off('message', onMessage).off('error', onError).off('exit', onExit);
  }
}

let shared: WorkerPool<ThreadWorker> | null = null;

/** The pool `sample({ parallel: true })` uses: one worker per available core. */
export function sharedWorkerPool(): ChainWorkerPool {
  const url = new URL('./worker.js', import.meta.url);
  shared ??= new WorkerPool<ThreadWorker>(
    {
      spawn: () => new ThreadWorker(new Worker(url)),
      terminate: (w) => void w.thread.terminate(),
      onIdle: (w) => w.thread.unref(),
      onBusy: (w) => w.thread.ref(),
    },
    availableParallelism(),
  );
  return shared;
}
