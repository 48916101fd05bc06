/**
 * The page-wide pool of sampling workers, the browser's side of the adapter in worker_pool.ts:
 * module Web Workers running worker.browser.ts, which the browser bundle places next to the
 * library's own file, pooled by chain_worker_pool.ts. A worker that reports an uncaught error is
 * treated as dead (a Web Worker has no exit event) and replaced on demand.
 */
import { WorkerPool } from './worker_pool.js';
import type { ChainWorker, ChainWorkerPool, HostMessage, WorkerMessage } from './run_parallel.js';

class WebChainWorker implements ChainWorker {
  constructor(readonly worker: Worker) {}
  post(message: HostMessage): void {
    this.worker.postMessage(message);
  }
  listen(h: { message(m: WorkerMessage): void; error(e: unknown): void; exit(code: number): void }): () => void {
    const onMessage = (e: MessageEvent<WorkerMessage>) => h.message(e.data);
    const onError = (e: ErrorEvent) => {
      e.preventDefault();
      h.error(new Error(e.message || 'the sampling worker failed to load its script or threw'));
      h.exit(1);
    };
    this.worker.addEventListener('message', onMessage);
    this.worker.addEventListener('error', onError);
    return () => {
      this.worker.removeEventListener('message', onMessage);
      this.worker.removeEventListener('error', onError);
    };
  }
}

let shared: WorkerPool<WebChainWorker> | null = null;

/** The pool `sample({ parallel: true })` uses: one worker per logical core the browser reports. */
export function sharedWorkerPool(): ChainWorkerPool {
  const url = new URL('./worker.browser.js', import.meta.url);
  shared ??= new WorkerPool<WebChainWorker>(
    {
      spawn: () => new WebChainWorker(new Worker(url, { type: 'module', name: 'hbnn-chain' })),
      terminate: (w) => w.worker.terminate(),
    },
    Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2),
  );
  return shared;
}
