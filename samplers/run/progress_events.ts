/**
 * What running chains report as they go: one `ChainProgress` per chain about every 100 ms (and
 * once at the end, and whenever a run pauses), carrying the post-warmup draws made since that
 * chain's previous report. The terminal bars (progress.ts), `sample()`'s `onProgress` callback
 * and a browser page that draws live posterior plots all listen to the same reports.
 */
import type { DrawStats } from '../trace/trace.js';

export interface ChainProgress {
  chain: number;
  /** Warmup and sampling iterations done so far. */
  iteration: number;
  /** Warmup iterations this chain runs in all. */
  tune: number;
  /** Post-warmup draws this chain makes in all. */
  draws: number;
  /** Post-warmup divergent transitions so far. */
  divergences: number;
  /** The warmup phase the chain is in, as its adaptation names it ('init buffer', 'early', …); absent after warmup. */
  phase?: string;
  /**
   * The post-warmup draws made since the previous report for this chain, constrained and
   * row-major (`values.length / width` rows), with their sampler statistics. Empty during warmup,
   * and always empty unless the run was asked to stream draws (`sample`'s `onProgress`).
   */
  newDraws: { values: Float64Array; stats: DrawStats };
}

export interface ProgressReporter {
  update(progress: ChainProgress): void;
  /** Marks a chain as failed, with the reason. */
  fail(chain: number, reason: string): void;
  stop(): void;
}

export const silentProgress: ProgressReporter = { update() {}, fail() {}, stop() {} };

/** One reporter that forwards every call to each of `reporters`. */
export function combineProgress(...reporters: ProgressReporter[]): ProgressReporter {
  return {
    update: (p) => reporters.forEach((r) => r.update(p)),
    fail: (chain, reason) => reporters.forEach((r) => r.fail(chain, reason)),
    stop: () => reporters.forEach((r) => r.stop()),
  };
}
