/**
 * Stan's windowed adaptation schedule (`windowed_adaptation.hpp`): a fast initial buffer where
 * only the step size adapts, a series of slow windows (each doubling the last) that estimate the
 * metric, and a fast terminal buffer. The last slow window is stretched to the terminal buffer
 * when the window after it would not fit.
 */

export interface WindowScheduleOptions {
  /** Initial fast buffer; 75 as in Stan. */
  initBuffer?: number;
  /** Terminal fast buffer; 50 as in Stan. */
  termBuffer?: number;
  /** First slow window; 25 as in Stan, doubling after each window. */
  baseWindow?: number;
}

export const WINDOW_DEFAULTS = { initBuffer: 75, termBuffer: 50, baseWindow: 25 } as const;

export interface AdaptationWindow {
  /** First warmup iteration (0-based) whose draw enters the estimate. */
  readonly start: number;
  /** One past the last; the metric is updated right after iteration `end - 1`. */
  readonly end: number;
}

export interface WindowSchedule {
  readonly numWarmup: number;
  readonly initBuffer: number;
  readonly termBuffer: number;
  readonly baseWindow: number;
  /** Slow windows in order; empty when the metric is not adapted (numWarmup < 20). */
  readonly windows: readonly AdaptationWindow[];
}

/**
 * The schedule for `numWarmup` iterations. As Stan: no metric adaptation when numWarmup < 20;
 * when the three stages do not fit, they shrink to 15% / 75% / 10% of numWarmup (one slow window).
 */
export function windowSchedule(numWarmup: number, options: WindowScheduleOptions = {}): WindowSchedule {
  const opts = { ...WINDOW_DEFAULTS, ...options };
  if (!Number.isInteger(numWarmup) || numWarmup < 0) throw new Error(`windowSchedule: numWarmup must be a non-negative integer, got ${numWarmup}`);
  for (const key of ['initBuffer', 'termBuffer', 'baseWindow'] as const) {
    const v = opts[key];
    if (!Number.isInteger(v) || v < 0) throw new Error(`windowSchedule: ${key} must be a non-negative integer, got ${v}`);
  }
  if (numWarmup < 20) return { numWarmup, initBuffer: numWarmup, termBuffer: 0, baseWindow: 0, windows: [] };
  let { initBuffer, termBuffer, baseWindow } = opts;
  if (initBuffer + baseWindow + termBuffer > numWarmup) {
    initBuffer = Math.floor(0.15 * numWarmup);
    termBuffer = Math.floor(0.1 * numWarmup);
    baseWindow = numWarmup - (initBuffer + termBuffer);
  }
  const lastEnd = numWarmup - termBuffer; // the slow phase is [initBuffer, lastEnd)
  const windows: AdaptationWindow[] = [];
  if (baseWindow === 0) return { numWarmup, initBuffer, termBuffer, baseWindow, windows };
  // Stan's compute_next_window, in terms of the last iteration of each window.
  let size = baseWindow;
  let last = initBuffer + size - 1;
  let start = initBuffer;
  for (;;) {
    windows.push({ start, end: last + 1 });
    if (last === lastEnd - 1) break;
    start = last + 1;
    size *= 2;
    last = last + size;
    if (last !== lastEnd - 1 && last + 2 * size >= lastEnd) last = lastEnd - 1;
  }
  return { numWarmup, initBuffer, termBuffer, baseWindow, windows };
}
