/**
 * What the host and a sampling worker send each other. Only types, so that every file of the
 * worker machinery can import them without importing one another.
 */
import type { SamplerSpec } from '../../types.js';
import type { ChainResult, ChainTask } from '../chain_runner.js';
import type { ChainProgress } from '../progress_events.js';
import type { AdviInitOptions } from '../../vi/advi_initializer.js';
import type { ChainPhase } from '../../trace/trace_meta.js';

/**
 * How a worker rebuilds the target: `(await import(module))[exportName](args, { chain, task })`,
 * where `task` is 'chain', or 'advi' (with chain 0) when the worker fits the ADVI initialisation.
 */
export interface WorkerTargetSpec {
  /** Absolute path or URL (file:, data:; http(s): in a browser) of an ES module. */
  module: string;
  exportName: string;
  /** Structured-cloneable argument for the factory. */
  args?: unknown;
}

/** One chain as a worker receives it. */
export interface WorkerData {
  task: ChainTask;
  workerTarget: WorkerTargetSpec;
  samplerSpec: SamplerSpec;
}

/** Messages from a worker to the host. */
export type WorkerMessage =
  | { type: 'started'; chain: number }
  | { type: 'progress'; progress: ChainProgress }
  | { type: 'done'; result: ChainResult; width: number }
  | { type: 'error'; chain: number; phase: ChainPhase; iteration: number; error: string }
  | { type: 'advi-done'; position: Float64Array; inverseMassMatrix: Float64Array; numGradEvals?: number }
  | { type: 'advi-error'; error: string };

/** Messages from the host to a worker. */
export type HostMessage =
  | { type: 'run'; data: WorkerData; paused: boolean }
  | { type: 'advi'; workerTarget: WorkerTargetSpec; options: AdviInitOptions; seed: number }
  | { type: 'abort' }
  | { type: 'pause' }
  | { type: 'resume' };
