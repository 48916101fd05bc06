/**
 * A process-wide pool of sampling workers (worker_threads), reused across `sample()` calls:
 * starting a worker and importing the model's module costs about half a second, which a study
 * that fits 36 small models would otherwise pay 72 times. Idle workers are unref'd, so they never
 * keep the process alive; a worker that crashes is discarded and replaced on demand.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private live = 0;

  constructor(
    private readonly url: URL,
    readonly maxWorkers: number,
  ) {}

  /** A worker for one task: an idle one, a new one while below the limit, or the next released. */
  acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) {
      w.ref();
      return Promise.resolve(w);
    }
    if (this.live < this.maxWorkers) {
      this.live++;
      return Promise.resolve(new Worker(this.url));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hand a healthy worker back after its task. */
  release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) return next(w);
    w.unref();
    this.idle.push(w);
  }

  /** Drop a worker that failed (crashed, or was terminated to stop it). */
  discard(w: Worker): void {
    this.live--;
    void w.terminate();
    const next = this.waiting.shift();
    if (next) {
      this.live++;
      next(new Worker(this.url));
    }
  }

  /** Terminate every idle worker (a running task keeps its worker until it finishes). */
  async close(): Promise<void> {
    const ws = this.idle.splice(0);
    this.live -= ws.length;
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

let shared: WorkerPool | null = null;

/** The pool `sample({ parallel: true })` uses: one worker per available core. */
export function sharedWorkerPool(): WorkerPool {
  shared ??= new WorkerPool(new URL('./worker.js', import.meta.url), availableParallelism());
  return shared;
}
