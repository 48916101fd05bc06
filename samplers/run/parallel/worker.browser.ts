/**
 * Web Worker entry for `sample({ parallel: true })` in a browser (Node runs worker.ts): connects
 * worker_loop.ts to the worker's global scope. workerTarget modules are absolute URLs of ES
 * modules (the worker is a module worker, so it can import them).
 */
import { serveChains } from './worker_loop.js';
import type { HostMessage, WorkerMessage } from './run_parallel.js';

interface WorkerScope {
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<HostMessage>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

serveChains(
  {
    post: (message, transfer = []) => scope.postMessage(message, transfer),
    onMessage: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  },
  (module) => import(/* webpackIgnore: true */ module) as Promise<Record<string, unknown>>,
);
