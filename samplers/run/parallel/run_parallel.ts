/**
 * Chains in workers: each chain is a task posted to a pooled worker (shared_pool.ts), which
 * rebuilds the target from `workerTarget` and the sampler from its spec, and runs a
 * `ChainRunner` (worker_loop.ts). Chains run in lanes, as many as the pool has workers.
 * A chain that fails, or whose worker crashes, fails alone (`failed`, with its phase). After an
 * abort, a worker that has not stopped within `ABORT_GRACE_MS` (a log density that never
 * returns) is terminated and its chain fails, so that the run returns what the others made.
 */
import { sharedWorkerPool } from './shared_pool.js';
import type { SamplerSpec } from '../../types.js';
import type { ChainResult, ChainTask, RunOutcome } from '../chain_runner.js';
import type { FailedChain } from '../../trace/trace_meta.js';
import type { ProgressReporter } from '../progress_events.js';
import type { RunControl } from '../run_control.js';
import type { ChainWorker, ChainWorkerPool } from './worker_pool.js';
import type { WorkerTargetSpec } from './protocol.js';

/** What the chains of one run share: how to rebuild them, and what has come back so far. */
interface ParallelRun {
  readonly workerTarget: WorkerTargetSpec;
  readonly samplerSpec: SamplerSpec;
  readonly progress: ProgressReporter;
  readonly control?: RunControl;
  readonly pool: ChainWorkerPool;
  readonly results: ChainResult[];
  readonly failed: RunOutcome['failed'];
  /** The chains running now, which abort, pause and resume go to. */
  readonly running: Set<RunningChain>;
  interrupted: boolean;
  readonly abortGraceMs: number;
}

/** A chain on its worker, as the host steers it. */
interface RunningChain {
  readonly worker: ChainWorker;
  /** Asks the chain to stop; terminates its worker if it has not stopped within the grace period. */
  abort(): void;
}

/** How long (ms) a worker may take to stop after an abort before it is terminated (one iteration of a slow model fits easily). */
export const ABORT_GRACE_MS = 2000;

export async function runParallel(
  tasks: ChainTask[],
  workerTarget: WorkerTargetSpec,
  samplerSpec: SamplerSpec,
  progress: ProgressReporter,
  signal?: AbortSignal,
  control?: RunControl,
  pool: ChainWorkerPool = sharedWorkerPool(),
  abortGraceMs = ABORT_GRACE_MS,
): Promise<RunOutcome> {
  const run: ParallelRun = { workerTarget, samplerSpec, progress, control, pool, results: [], failed: [], running: new Set(), interrupted: signal?.aborted ?? false, abortGraceMs };
  const stopForwarding = forwardControls(run, signal, control);
  const queue = [...tasks];
  const lane = async () => {
    while (queue.length > 0 && !run.interrupted) await runChain(run, queue.shift()!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(tasks.length, pool.maxWorkers) }, lane));
  } finally {
    stopForwarding();
  }
  const byChain = (a: { chain: number }, b: { chain: number }) => a.chain - b.chain;
  return { results: run.results.sort(byChain), failed: run.failed.sort(byChain), interrupted: run.interrupted };
}

/** Passes abort, pause and resume on to the running workers, until the returned function is called. */
function forwardControls(run: ParallelRun, signal?: AbortSignal, control?: RunControl): () => void {
  const onAbort = () => {
    run.interrupted = true;
    for (const r of run.running) r.abort();
  };
  signal?.addEventListener('abort', onAbort);
  const unsubscribe = control?.subscribe((paused) => {
    for (const r of run.running) r.worker.post({ type: paused ? 'pause' : 'resume' });
  });
  return () => {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe?.();
  };
}

/** Where a chain is, from its worker's last word: 'init' until it has started, then by its last reported iteration. */
function phaseOf(task: ChainTask, started: boolean, iteration: number): Pick<FailedChain, 'phase' | 'iteration'> {
  if (!started) return { phase: 'init', iteration: 0 };
  return { phase: iteration < task.tune ? 'warmup' : 'sampling', iteration };
}

/** One chain on one pooled worker, from posting its task to the worker's last word about it. */
async function runChain(run: ParallelRun, task: ChainTask): Promise<void> {
  const worker = await run.pool.acquire();
  await new Promise<void>((resolve) => {
    let settled = false; // the chain's result or failure is recorded
    let finished = false; // the worker is handed back
    let started = false;
    let iteration = 0;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (healthy: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(graceTimer);
      stopListening();
      run.running.delete(chain);
      if (healthy) run.pool.release(worker);
      else run.pool.discard(worker);
      resolve();
    };
    const fail = (failure: Omit<FailedChain, 'chain'>) => {
      if (settled) return;
      settled = true;
      run.failed.push({ chain: task.chain, ...failure });
      run.progress.fail(task.chain, failure.error);
    };
    const lost = (error: string) => fail({ ...phaseOf(task, started, iteration), error });
    const chain: RunningChain = {
      worker,
      abort() {
        worker.post({ type: 'abort' });
        graceTimer ??= setTimeout(() => {
          lost(`did not stop within ${run.abortGraceMs} ms of the abort, so its worker was terminated`);
          finish(false);
        }, run.abortGraceMs);
      },
    };
    run.running.add(chain);
    const stopListening = worker.listen({
      message(m) {
        if (m.type === 'started') started = true;
        else if (m.type === 'progress') {
          iteration = m.progress.iteration;
          run.progress.update(m.progress);
        } else if (m.type === 'error') {
          fail({ phase: m.phase, iteration: m.iteration, error: m.error });
          finish(true); // the chain failed (e.g. its model factory threw); the worker is fine
        } else if (m.type === 'done' && !settled) {
          settled = true;
          run.results.push(m.result);
          finish(true);
        }
      },
      error: (e) => lost(e instanceof Error ? e.message : String(e)),
      exit(code) {
        lost(`worker exited with code ${code} before finishing`);
        finish(false);
      },
    });
    worker.post({ type: 'run', data: { task, workerTarget: run.workerTarget, samplerSpec: run.samplerSpec }, paused: run.control?.paused ?? false });
    if (run.interrupted) chain.abort();
  });
}
