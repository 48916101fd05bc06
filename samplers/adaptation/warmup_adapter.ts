/**
 * The warmup schemes `sample()` offers (`adapt`), behind one interface the chain runner drives:
 * `init` once at the start point, `update` after every warmup transition, `finalParams` after
 * the last. Each reports the phase it is in (for the progress display) and, at the end, what it
 * did (`AdaptationReport`, in `trace.meta.perChain`).
 *
 * - 'stan': Stan's windowed adaptation (window_adaptation.ts), unchanged.
 * - 'fisher': nutpie's diagonal Fisher-divergence metric on nutpie's schedule (fisher_adaptation.ts).
 * - 'fisher-low-rank': the same with a low-rank plus diagonal metric.
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import type { AdaptationReport, WarmupPhase } from '../trace/trace_meta.js';
import { metricKindOf } from '../trace/trace_meta.js';
import { windowAdaptation, type AdaptedParams, type WindowAdaptationOptions, type WindowAdaptationState } from './window_adaptation.js';

export const ADAPT_NAMES = ['stan', 'fisher', 'fisher-low-rank'] as const;
export type AdaptName = (typeof ADAPT_NAMES)[number];

export interface WarmupAdapter {
  readonly adapt: AdaptName;
  init(rng: Rng, state: SamplerState, target: LogDensity, params: SamplerParams): AdaptedParams;
  /** Learns from warmup transition `iteration` (0-based), which ended in `state` with `info`; returns the next params. */
  update(rng: Rng, state: SamplerState, info: SamplerInfo, target: LogDensity): AdaptedParams;
  /** The params to sample with after warmup. */
  finalParams(): AdaptedParams;
  /** The phase of warmup iteration `iteration` (progress display). */
  phaseOf(iteration: number): string;
  report(): AdaptationReport;
}

/** Checks a value of `sample`'s `adapt` option. */
export function checkAdaptName(adapt: unknown): AdaptName {
  if (typeof adapt !== 'string' || !(ADAPT_NAMES as readonly string[]).includes(adapt)) {
    throw new Error(`sample: adapt must be one of ${ADAPT_NAMES.map((n) => `'${n}'`).join(', ')}, got ${typeof adapt === 'string' ? `'${adapt}'` : String(adapt)}`);
  }
  return adapt as AdaptName;
}

/** Stan's phases for a schedule: init buffer, the slow windows, the terminal buffer. */
function stanPhases(a: ReturnType<typeof windowAdaptation>): WarmupPhase[] {
  const { numWarmup, windows } = a.schedule;
  if (windows.length === 0) return numWarmup > 0 ? [{ name: 'step size', start: 0, end: numWarmup }] : [];
  const phases: WarmupPhase[] = [];
  if (windows[0].start > 0) phases.push({ name: 'init buffer', start: 0, end: windows[0].start });
  windows.forEach((w, i) => phases.push({ name: `window ${i + 1}`, start: w.start, end: w.end }));
  const last = windows[windows.length - 1].end;
  if (last < numWarmup) phases.push({ name: 'term buffer', start: last, end: numWarmup });
  return phases;
}

/** Stan's windowed adaptation as a WarmupAdapter: the same calls in the same order as before, so the same draws. */
export function stanAdapter(options: WindowAdaptationOptions): WarmupAdapter {
  const a = windowAdaptation(options);
  const phases = stanPhases(a);
  let state: WindowAdaptationState | undefined;
  let dim = 0;
  let final: AdaptedParams | undefined;
  const live = (): WindowAdaptationState => {
    if (!state) throw new Error('stanAdapter: init must come first');
    return state;
  };
  return {
    adapt: 'stan',
    init(rng, s, target, params) {
      dim = target.dim;
      state = a.init(rng, s, target, params);
      return state.params;
    },
    update(rng, s, info, target) {
      state = a.update(rng, live(), s, info, target);
      return state.params;
    },
    finalParams() {
      return (final = a.finalParams(live()));
    },
    phaseOf: (i) => phases.find((p) => i >= p.start && i < p.end)?.name ?? 'sampling',
    report() {
      const p = final ?? live().params;
      return { adapt: 'stan', metric: metricKindOf(p.inverseMassMatrix.length, dim), stepSize: p.stepSize, metricUpdates: live().numMetricUpdates, phases };
    },
  };
}
