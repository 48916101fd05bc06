/**
 * Chains in workers: each chain is a task posted to a pooled worker (shared_pool.ts), which
 * rebuilds the target from `workerTarget` and the sampler from its spec, and runs a
 * `ChainRunner` (worker_loop.ts). Chains run in lanes, as many as the pool has workers.
 */
import { sharedWorkerPool } from './shared_pool.js';
import type { SamplerSpec } from '../../types.js';
import type { ChainResult, ChainTask, RunOutcome } from '../chain_runner.js';
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
  /** The workers with a chain now, which abort, pause and resume go to. */
  readonly running: Set<ChainWorker>;
  interrupted: boolean;
}

export async function runParallel(
  tasks: ChainTask[],
  workerTarget: WorkerTargetSpec,
  samplerSpec: SamplerSpec,
  progress: ProgressReporter,
  signal?: AbortSignal,
  control?: RunControl,
  pool: ChainWorkerPool = sharedWorkerPool(),
): Promise<RunOutcome> {
  const run: ParallelRun = { workerTarget, samplerSpec, progress, control, pool, results: [], failed: [], running: new Set(), interrupted: signal?.aborted ?? false };
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
    for (const w of run.running) w.post({ type: 'abort' });
  };
  signal?.addEventListener('abort', onAbort);
  const unsubscribe = control?.subscribe((paused) => {
    for (const w of run.running) w.post({ type: paused ? 'pause' : 'resume' });
  });
  return () => {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe?.();
  };
}

/** One chain on one pooled worker, from posting its task to the worker's last word about it. */
async function runChain(run: ParallelRun, task: ChainTask): Promise<void> {
  const worker = await run.pool.acquire();
  run.running.add(worker);
  await new Promise<void>((resolve) => {
    let settled = false; // the chain's result or failure is recorded
    let finished = false; // the worker is handed back
    const finish = (healthy: boolean) => {
      if (finished) return;
      finished = true;
      stopListening();
      run.running.delete(worker);
      if (healthy) run.pool.release(worker);
      else run.pool.discard(worker);
      resolve();
    };
    const fail = (error: string) => {
      if (settled) return;
      settled = true;
      run.failed.push({ chain: task.chain, error });
      run.progress.fail(task.chain, error);
    };
    const stopListening = worker.listen({
      message(m) {
        if (m.type === 'progress') run.progress.update(m.progress);
        else if (m.type === 'error') {
          fail(m.error);
          finish(true); // the chain failed (e.g. its model factory threw); the worker is fine
        } else if (m.type === 'done' && !settled) {
          settled = true;
          run.results.push(m.result);
          finish(true);
        }
      },
      error: (e) => fail(e instanceof Error ? e.message : String(e)),
      exit(code) {
        fail(`worker exited with code ${code} before finishing`);
        finish(false);
      },
    });
    worker.post({ type: 'run', data: { task, workerTarget: run.workerTarget, samplerSpec: run.samplerSpec }, paused: run.control?.paused ?? false });
    if (run.interrupted) worker.post({ type: 'abort' });
  });
}
