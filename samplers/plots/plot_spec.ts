/**
 * What every plot shares: its options, the Vega-Lite schema, chain ids and colours, and the
 * thinning that keeps long traces drawable.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trace } from '../trace/trace.js';
import type { SelectOptions } from './select.js';

export interface PlotOptions extends SelectOptions {
  /** The figure's title; each plot has a default. */
  title?: string;
  /** Width and height of one panel in SVG units. */
  width?: number;
  height?: number;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Tableau 10 (as ArviZ and matplotlib colour chains) without its reds, which mark divergences. */
const CHAIN_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#72b7b2', '#eeca3b', '#9d755d', '#17becf', '#bab0ac', '#79706e'];
/** Divergent transitions, drawn over the draws. */
export const DIVERGENT_COLOR = '#d62728';
/** Scalars shown when no `vars` are given (the first ones), so a large model still renders. */
export const DEFAULT_SCALAR_LIMIT = 8;
/** Points drawn per chain and scalar at most; longer chains are thinned by a stride. */
export const MAX_POINTS_PER_CHAIN = 1000;

/** Our specs are plain objects; Vega-Lite checks them when it compiles (render.ts). */
export function asSpec(spec: object): TopLevelSpec {
  return { $schema: SCHEMA, ...spec } as TopLevelSpec;
}

/** CmdStan's chain id of chain `c` (1-based): the id the run kept, else its position. */
export function chainId(trace: Trace, c: number): number {
  return (trace.meta.chainIds?.[c] ?? c) + 1;
}

/** The chain colour encoding: chains by id, in order, one colour each. */
export function chainColor(trace: Trace) {
  const ids = Array.from({ length: trace.chains }, (_, c) => String(chainId(trace, c)));
  return { field: 'chain', type: 'nominal', title: 'chain', scale: { domain: ids, range: ids.map((_, i) => CHAIN_COLORS[i % CHAIN_COLORS.length]) } } as const;
}

/** The stride that leaves at most `max` of `n` draws. */
export function strideFor(n: number, max = MAX_POINTS_PER_CHAIN): number {
  return Math.max(1, Math.ceil(n / max));
}

/** Whether each draw of each chain diverged (all zeros when the trace has no such statistic). */
export function divergentDraws(trace: Trace): Float64Array[] {
  return trace.stat('diverging') ?? trace.chainDraws.map(() => new Float64Array(trace.draws));
}

/** A plot needs draws: an empty trace is refused with the plot's name. */
export function checkDraws(trace: Trace, where: string): void {
  if (trace.draws === 0) throw new Error(`${where}: the trace has no draws`);
}
