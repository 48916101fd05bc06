/**
 * Workers on Node's side (the browser twin is worker_host.browser.ts): worker threads. A thread
 * that exits reports its exit code; an unref'd one never holds the process open.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { WorkerHandle, WorkerHandlers } from './worker_host.contract.js';

class ThreadHandle<Send, Receive> implements WorkerHandle<Send, Receive> {
  constructor(private readonly thread: Worker) {}
  post(message: Send, transfer: ArrayBuffer[] = []): void {
    this.thread.postMessage(message, transfer);
  }
  listen(h: WorkerHandlers<Receive>): () => void {
    const onMessage = (m: Receive) => h.message(m);
    const onError = (e: unknown) => h.error(e);
    const onExit = (code: number) => h.exit(code);
    this.thread.on('message', onMessage).on('error', onError).on('exit', onExit);
    return () => void this.thread.off('message', onMessage).off('error', onError).off('exit', onExit);
  }
  terminate(): void {
    void this.thread.terminate();
  }
  ref(): void {
    this.thread.ref();
  }
  unref(): void {
    this.thread.unref();
  }
}

export function spawnWorker<Send, Receive>(url: URL, name?: string): WorkerHandle<Send, Receive> {
  return new ThreadHandle(new Worker(url, name === undefined ? {} : { name }));
}

export function availableWorkers(): number {
  return availableParallelism();
}
