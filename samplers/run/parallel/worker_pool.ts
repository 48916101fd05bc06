/**
 * A pool of sampling workers, reused across `sample()` calls: starting a worker and importing the
 * model's module costs about half a second, which a study that fits 36 small models would
 * otherwise pay 72 times. A worker that fails is discarded and replaced on demand. Workers come
 * from core/platform/worker_host (worker threads in Node, Web Workers in a browser); an idle one
 * is unref'd so that it never keeps a Node process alive.
 */
import type { WorkerHandle } from '../../../core/platform/worker_host.contract.js';
import type { HostMessage, WorkerMessage } from './protocol.js';

/** A pooled worker as the host uses it: messages out, and the worker's messages, errors and exit in. */
export type ChainWorker = Pick<WorkerHandle<HostMessage, WorkerMessage>, 'post' | 'listen'>;

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

type PooledWorker = WorkerHandle<HostMessage, WorkerMessage>;

export class WorkerPool implements ChainWorkerPool {
  private readonly idle: PooledWorker[] = [];
  private readonly waiting: ((w: PooledWorker) => void)[] = [];
  private live = 0;

  constructor(
    private readonly spawn: () => PooledWorker,
    readonly maxWorkers: number,
  ) {}

  /** A worker for one task: an idle one, a new one while below the limit, or the next released. */
  acquire(): Promise<ChainWorker> {
    const w = this.idle.pop();
    if (w) {
      w.ref();
      return Promise.resolve(w);
    }
    if (this.live < this.maxWorkers) {
      this.live++;
      return Promise.resolve(this.spawn());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hand a healthy worker back after its task. */
  release(worker: ChainWorker): void {
    const w = worker as PooledWorker;
    const next = this.waiting.shift();
    if (next) return next(w);
    w.unref();
    this.idle.push(w);
  }

  /** Drop a worker that failed (crashed, or was terminated to stop it). */
  discard(worker: ChainWorker): void {
    this.live--;
    (worker as PooledWorker).terminate();
    const next = this.waiting.shift();
    if (next) {
      this.live++;
      next(this.spawn());
    }
  }

  /** Terminate every idle worker (a running task keeps its worker until it finishes). */
  close(): void {
    const ws = this.idle.splice(0);
    this.live -= ws.length;
    for (const w of ws) w.terminate();
  }
}
