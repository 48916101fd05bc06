/**
 * The worker's side of its channel to the host, one interface for both twins (worker_port.ts:
 * a Node worker thread's `parentPort`; worker_port.browser.ts: a Web Worker's global scope), and
 * how a worker imports the ES modules it is told about.
 */

export interface WorkerPortPlatform {
  /** Sends a structured-cloneable message to the host; `transfer` buffers move instead of being copied. */
  postToHost(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Calls `handler` with every message the host sends. */
  onHostMessage(handler: (message: unknown) => void): void;
  /** Imports an ES module by URL (Node also takes an absolute path). */
  importModule(specifier: string): Promise<Record<string, unknown>>;
}

type Conforms<T extends U, U> = T;
export type _NodeChecked = Conforms<typeof import('./worker_port.js'), WorkerPortPlatform>;
export type _BrowserChecked = Conforms<typeof import('./worker_port.browser.js'), WorkerPortPlatform>;
