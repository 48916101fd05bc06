/**
 * plotEnergy, as ArviZ's plot_energy (Betancourt 2016): the marginal energy distribution
 * (centred) beside the distribution of energy transitions between draws. When the transitions
 * are much narrower than the marginal, momentum resampling explores the energy slowly (low
 * E-BFMI, given per chain in the subtitle).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trace } from '../trace/trace.js';
import { ebfmi } from '../diagnostics/warnings.js';
import { asSpec, chainId, checkDraws, type PlotOptions } from './plot_spec.js';

export const ENERGY_KINDS = ['marginal energy', 'energy transition'] as const;

/** Rows {kind, value}: every draw's centred energy, and every difference of successive draws within a chain. */
export function energyRows(energy: readonly Float64Array[]): { kind: (typeof ENERGY_KINDS)[number]; value: number }[] {
  let mean = 0;
  let n = 0;
  for (const e of energy) for (const v of e) (mean += v), n++;
  mean /= n;
  const rows: { kind: (typeof ENERGY_KINDS)[number]; value: number }[] = [];
  for (const e of energy) for (const v of e) rows.push({ kind: ENERGY_KINDS[0], value: v - mean });
  for (const e of energy) for (let d = 1; d < e.length; d++) rows.push({ kind: ENERGY_KINDS[1], value: e[d] - e[d - 1] });
  return rows;
}

/** Energy plot of a HMC or NUTS trace (it needs the energy__ statistic). Options: title, width, height. */
export function plotEnergy(trace: Trace, options: Omit<PlotOptions, 'vars' | 'indexBase' | 'limit'> = {}): TopLevelSpec {
  checkDraws(trace, 'plotEnergy');
  const energy = trace.stat('energy');
  if (!energy) throw new Error(`plotEnergy: the trace has no energy statistic (energy__); it comes from HMC or NUTS (sampler: ${trace.meta.sampler ?? 'unknown'})`);
  const bfmi = energy.map((e, c) => `chain ${chainId(trace, c)}: ${ebfmi(e).toFixed(2)}`).join(', ');
  const { width = 360, height = 200 } = options;
  return asSpec({
    title: { text: options.title ?? 'Energy plot', subtitle: `E-BFMI ${bfmi} (below 0.3 is a warning)` },
    data: { values: energyRows(energy) },
    width, height,
    transform: [{ density: 'value', groupby: ['kind'], as: ['value', 'density'] }],
    mark: { type: 'area', opacity: 0.5, line: true },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: 'energy − mean energy' },
      y: { field: 'density', type: 'quantitative', title: 'density', stack: null },
      color: { field: 'kind', type: 'nominal', title: null, scale: { domain: [...ENERGY_KINDS], range: ['#4c78a8', '#f58518'] }, legend: { orient: 'top' } },
    },
  });
}
