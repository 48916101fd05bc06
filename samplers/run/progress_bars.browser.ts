/**
 * Progress of running chains, the browser's side of the adapter in progress.ts: a page has no
 * terminal, so the built-in reporter is silent and pages draw progress from `sample()`'s
 * `onProgress` reports instead.
 */
import { silentProgress, type ProgressReporter } from './progress_events.js';

export type { ProgressReporter } from './progress_events.js';

export function createProgress(_enabled: boolean | undefined, _chains: readonly number[], _tune: number, _draws: number): ProgressReporter {
  return silentProgress;
}
