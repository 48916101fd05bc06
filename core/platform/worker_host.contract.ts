/**
 * The host's side of workers, one interface for both twins (worker_host.ts: Node worker threads;
 * worker_host.browser.ts: module Web Workers). It starts a worker from an ES module URL and
 * passes messages; what the messages mean is the caller's business.
 */

/** Where a worker's messages, errors and exit go. */
export interface WorkerHandlers<Receive> {
  message(message: Receive): void;
  error(error: unknown): void;
  exit(code: number): void;
}

/** One running worker, whichever kind it is. */
export interface WorkerHandle<Send = unknown, Receive = unknown> {
  /** Sends a structured-cloneable message; `transfer` buffers move instead of being copied. */
  post(message: Send, transfer?: ArrayBuffer[]): void;
  /** Routes the worker's messages, errors and exit to `handlers` until the returned function is called. */
  listen(handlers: WorkerHandlers<Receive>): () => void;
  terminate(): void;
  /** Lets the worker keep the process alive, or not (Node; a browser has nothing to keep alive). */
  ref(): void;
  unref(): void;
}

export interface WorkerHostPlatform {
  /** Starts the ES module at `url` in a new worker; `name` labels it in a browser's dev tools. */
  spawnWorker<Send, Receive>(url: URL, name?: string): WorkerHandle<Send, Receive>;
  /** How many workers can run at once: the logical cores the platform reports. */
  availableWorkers(): number;
}

type Conforms<T extends U, U> = T;
export type _NodeChecked = Conforms<typeof import('./worker_host.js'), WorkerHostPlatform>;
export type _BrowserChecked = Conforms<typeof import('./worker_host.browser.js'), WorkerHostPlatform>;
