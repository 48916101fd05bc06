/**
 * The `advi+adapt_diag` initialisation fitted in a pooled worker rather than on the calling
 * thread. `sample({ parallel: true, init: 'advi+adapt_diag' })` uses it unless given an
 * `adviInit`, so that in a browser the page's thread only waits while the fit runs. The worker
 * rebuilds the target from `workerTarget` (its factory sees `{ chain: 0, task: 'advi' }`) and
 * runs the same `adviInitializer` with the run's seed: the fit is the one the calling thread
 * would have made, bit for bit. After an abort the fit hands back its best point; a worker that
 * does not answer within `ABORT_GRACE_MS` (a log density that never returns) is terminated and
 * the fit fails.
 */
import { sharedWorkerPool } from './shared_pool.js';
import type { AdviInit, AdviInitOptions, AdviInitResult } from '../../vi/advi_initializer.js';
import type { WorkerTargetSpec } from './protocol.js';
import { ABORT_GRACE_MS } from './run_parallel.js';

export function adviInWorker(workerTarget: WorkerTargetSpec, options: AdviInitOptions = {}): AdviInit {
  return async (_target, { seed, signal }) => {
    const pool = sharedWorkerPool();
    const worker = await pool.acquire();
    return new Promise<AdviInitResult>((resolve, reject) => {
      let lastError = '';
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        worker.post({ type: 'abort' }); // ADVI stops and hands back its best fit
        graceTimer ??= setTimeout(() => {
          finish(false);
          reject(new Error(`the ADVI worker did not stop within ${ABORT_GRACE_MS} ms of the abort, so it was terminated`));
        }, ABORT_GRACE_MS);
      };
      signal?.addEventListener('abort', onAbort);
      let finished = false;
      const finish = (healthy: boolean) => {
        if (finished) return;
        finished = true;
        clearTimeout(graceTimer);
        stopListening();
        signal?.removeEventListener('abort', onAbort);
        if (healthy) pool.release(worker);
        else pool.discard(worker);
      };
      const stopListening = worker.listen({
        message(m) {
          if (m.type === 'advi-done') {
            finish(true);
            resolve({ position: m.position, inverseMassMatrix: m.inverseMassMatrix, ...(m.numGradEvals !== undefined ? { numGradEvals: m.numGradEvals } : {}) });
          } else if (m.type === 'advi-error') {
            finish(true);
            reject(new Error(m.error));
          }
        },
        error: (e) => (lastError = e instanceof Error ? e.message : String(e)),
        exit(code) {
          finish(false);
          reject(new Error(`the ADVI worker exited with code ${code} before finishing${lastError ? `: ${lastError}` : ''}`));
        },
      });
      worker.post({ type: 'advi', workerTarget, options, seed });
      if (signal?.aborted) onAbort();
    });
  };
}
