/**
 * The pool of sampling workers that `sample({ parallel: true })` uses, one per process or page:
 * as many workers as the platform reports cores, each running chain_worker.ts. The same file
 * serves Node and browsers (core/platform/worker_host has the twins); in the browser bundle
 * chain_worker.js sits beside the chunk that holds this code, so the URL below finds it there too.
 */
import { availableWorkers, spawnWorker } from '../../../core/platform/worker_host.js';
import { WorkerPool, type ChainWorkerPool } from './worker_pool.js';
import type { HostMessage, WorkerMessage } from './protocol.js';

let shared: WorkerPool | null = null;

export function sharedWorkerPool(): ChainWorkerPool {
  shared ??= new WorkerPool(() => spawnWorker<HostMessage, WorkerMessage>(new URL('./chain_worker.js', import.meta.url), 'hbnn-chain'), availableWorkers());
  return shared;
}
