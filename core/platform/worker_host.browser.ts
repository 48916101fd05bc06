/**
 * Workers on a browser's side (the Node twin is worker_host.ts): module Web Workers. A Web
 * Worker has no exit event, so one that reports an uncaught error (or fails to load its script)
 * is reported as exited with code 1.
 */
import type { WorkerHandle, WorkerHandlers } from './worker_host.contract.js';

class WebWorkerHandle<Send, Receive> implements WorkerHandle<Send, Receive> {
  constructor(private readonly worker: Worker) {}
  post(message: Send, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
  listen(h: WorkerHandlers<Receive>): () => void {
    const onMessage = (e: MessageEvent<Receive>) => h.message(e.data);
    const onError = (e: ErrorEvent) => {
      e.preventDefault();
      h.error(new Error(e.message || 'the worker failed to load its script or threw'));
      h.exit(1);
    };
    this.worker.addEventListener('message', onMessage);
    this.worker.addEventListener('error', onError);
    return () => {
      this.worker.removeEventListener('message', onMessage);
      this.worker.removeEventListener('error', onError);
    };
  }
  terminate(): void {
    this.worker.terminate();
  }
  ref(): void {}
  unref(): void {}
}

export function spawnWorker<Send, Receive>(url: URL, name?: string): WorkerHandle<Send, Receive> {
  return new WebWorkerHandle(new Worker(url, { type: 'module', ...(name === undefined ? {} : { name }) }));
}

export function availableWorkers(): number {
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);
}
