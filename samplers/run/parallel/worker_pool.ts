/**
 * A pool of sampling workers, reused across `sample()` calls: starting a worker and importing the
 * model's module costs about half a second, which a study that fits 36 small models would
 * otherwise pay 72 times. A worker that fails is discarded and replaced on demand. The kind of
 * worker comes from a `WorkerHost`: worker threads in Node (worker_pool.ts), Web Workers in a
 * browser (worker_pool.browser.ts).
 */
import type { ChainWorker, ChainWorkerPool } from './run_parallel.js';

/** How a platform starts and stops its workers. */
export interface WorkerHost<W extends ChainWorker> {
  spawn(): W;
  terminate(worker: W): void;
  /** A worker goes idle / back to work (Node unrefs idle threads so they never hold the process open). */
  onIdle?(worker: W): void;
  onBusy?(worker: W): void;
}

export class WorkerPool<W extends ChainWorker = ChainWorker> implements ChainWorkerPool {
  private readonly idle: W[] = [];
  private readonly waiting: ((w: W) => void)[] = [];
  private live = 0;

  constructor(
    private readonly host: WorkerHost<W>,
    readonly maxWorkers: number,
  ) {}

  /** A worker for one task: an idle one, a new one while below the limit, or the next released. */
  acquire(): Promise<W> {
    const w = this.idle.pop();
    if (w) {
      this.host.onBusy?.(w);
      return Promise.resolve(w);
    }
    if (this.live < this.maxWorkers) {
      this.live++;
      return Promise.resolve(this.host.spawn());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hand a healthy worker back after its task. */
  release(worker: ChainWorker): void {
    const w = worker as W;
    const next = this.waiting.shift();
    if (next) return next(w);
    this.host.onIdle?.(w);
    this.idle.push(w);
  }

  /** Drop a worker that failed (crashed, or was terminated to stop it). */
  discard(worker: ChainWorker): void {
    this.live--;
    this.host.terminate(worker as W);
    const next = this.waiting.shift();
    if (next) {
      this.live++;
      next(this.host.spawn());
    }
  }

  /** Terminate every idle worker (a running task keeps its worker until it finishes). */
  close(): void {
    const ws = this.idle.splice(0);
    this.live -= ws.length;
    for (const w of ws) this.host.terminate(w);
  }
}
