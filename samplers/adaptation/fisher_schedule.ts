/**
 * nutpie's warmup schedule (nuts-rs `adapt_strategy.rs`, `EuclideanAdaptOptions`), for the Fisher
 * adaptations. Two estimators run side by side: the foreground one sets the metric, a background
 * one collects the draws since the last switch; a switch makes the background the foreground and
 * starts a fresh background. In the early phase (the first 30% of warmup) they switch every 10
 * draws; then windows start at 80 draws and grow ×1.5 after each switch; no switch is made when
 * the next window would run into the final phase (the last 15%), where only the step size adapts.
 */

export interface FisherScheduleOptions {
  /** Share of warmup in the early phase; 0.3 as nutpie. */
  earlyWindow?: number;
  /** Share of warmup at the end that adapts only the step size; 0.15 as nutpie. */
  stepSizeWindow?: number;
  /** Draws between switches in the early phase; 10 as nutpie. */
  earlySwitchFreq?: number;
  /** First window after the early phase; 80 as nutpie. */
  switchFreq?: number;
  /** Growth of each later window; 1.5 as nutpie. */
  windowGrowth?: number;
}

export const FISHER_SCHEDULE_DEFAULTS = { earlyWindow: 0.3, stepSizeWindow: 0.15, earlySwitchFreq: 10, switchFreq: 80, windowGrowth: 1.5 } as const;

export type FisherPhase = 'early' | 'windows' | 'step size';

export interface FisherStep {
  phase: FisherPhase;
  /** Whether the estimators switch after this draw. */
  switched: boolean;
}

/** The schedule's state for one chain; `advance` is called once per warmup draw, in order. */
export class FisherSchedule {
  readonly numTune: number;
  /** First draw of the main (growing-window) phase. */
  readonly earlyEnd: number;
  /** First draw of the final step-size-only phase. */
  readonly finalStart: number;
  private readonly opts: Required<FisherScheduleOptions>;
  private windowSize: number;

  constructor(numTune: number, options: FisherScheduleOptions = {}) {
    if (!Number.isInteger(numTune) || numTune < 1) throw new Error(`FisherSchedule: numTune must be a positive integer, got ${numTune}`);
    const o = { ...FISHER_SCHEDULE_DEFAULTS, ...options };
    if (!(o.earlyWindow >= 0 && o.stepSizeWindow >= 0 && o.earlyWindow + o.stepSizeWindow < 1)) {
      throw new Error(`FisherSchedule: earlyWindow ${o.earlyWindow} and stepSizeWindow ${o.stepSizeWindow} must be >= 0 and sum to less than 1`);
    }
    if (!(o.windowGrowth >= 1)) throw new Error(`FisherSchedule: windowGrowth must be >= 1, got ${o.windowGrowth}`);
    for (const k of ['earlySwitchFreq', 'switchFreq'] as const) if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`FisherSchedule: ${k} must be a positive integer, got ${o[k]}`);
    this.opts = o;
    this.numTune = numTune;
    this.earlyEnd = Math.floor(o.earlyWindow * numTune);
    this.finalStart = numTune - Math.floor(o.stepSizeWindow * numTune);
    this.windowSize = o.switchFreq;
  }

  /** The phase of warmup draw `draw` (0-based). */
  phaseOf(draw: number): FisherPhase {
    if (draw >= this.finalStart) return 'step size';
    return draw < this.earlyEnd ? 'early' : 'windows';
  }

  /**
   * Draw `draw` was made; the background estimator held `before` draws before it and holds
   * `after` now (after = before + 1 for a draw it kept). Says whether to switch.
   */
  advance(draw: number, before: number, after: number): FisherStep {
    const phase = this.phaseOf(draw);
    if (phase === 'step size') return { phase, switched: false };
    const early = phase === 'early';
    // Entering the main phase the window never shrinks below what the background already holds.
    if (draw === this.earlyEnd) this.windowSize = Math.max(this.windowSize, before);
    const freq = early ? this.opts.earlySwitchFreq : this.windowSize;
    const next = early ? freq : Math.max(this.windowSize + 1, Math.round(this.windowSize * this.opts.windowGrowth));
    const late = next + draw > this.finalStart;
    const switched = after >= freq && !late;
    if (switched && !early) this.windowSize = next;
    return { phase, switched };
  }
}

/** The draws after which the estimators switch when every draw is kept (the init point counts as one): for docs and tests. */
export function fisherSwitches(numTune: number, options: FisherScheduleOptions = {}): { earlyEnd: number; finalStart: number; switches: number[] } {
  const s = new FisherSchedule(numTune, options);
  const switches: number[] = [];
  let background = 1;
  for (let d = 0; d < numTune; d++) {
    const before = background;
    if (d < s.finalStart) background += 1;
    if (s.advance(d, before, background).switched) {
      switches.push(d);
      background = 0;
    }
  }
  return { earlyEnd: s.earlyEnd, finalStart: s.finalStart, switches };
}
