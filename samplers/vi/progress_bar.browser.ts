/**
 * ADVI's progress bar, the browser's side of the adapter in advi_progress.ts: there is no
 * terminal in a page, so the bar is silent.
 */
import type { AdviProgress } from './progress_bar.js';

export type { AdviProgress } from './progress_bar.js';

const SILENT: AdviProgress = { update() {}, phase() {}, stop() {} };

export function createAdviProgress(_enabled: boolean | undefined, _total: number, _stream?: unknown): AdviProgress {
  return SILENT;
}
