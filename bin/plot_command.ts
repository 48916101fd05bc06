/**
 * `hbnn plot FILES… --kind K --vars a,b --out FILE`: one of the library's plots of CmdStan CSV
 * from hbnn or Stan, written as PNG or SVG by the file's extension. Elements are numbered
 * from 1 (`theta[1]`), as in Stan's files.
 */
import { plotEnergy } from '../samplers/plots/energy_plot.js';
import { plotForest } from '../samplers/plots/forest_plot.js';
import { plotPair } from '../samplers/plots/pair_plot.js';
import { plotRank } from '../samplers/plots/rank_plot.js';
import { plotTrace } from '../samplers/plots/trace_plot.js';
import { savePlot } from '../samplers/plots/render.js';
import type { PlotOptions } from '../samplers/plots/plot_spec.js';
import type { Trace } from '../samplers/trace/trace.js';
import { readCsvTrace } from './cmdstan_files.js';

export const PLOT_KINDS = ['trace', 'rank', 'pair', 'energy', 'forest'] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];

const BUILDERS: Record<PlotKind, (trace: Trace, options: PlotOptions) => ReturnType<typeof plotTrace>> = {
  trace: plotTrace,
  rank: plotRank,
  pair: plotPair,
  energy: (trace, { title }) => plotEnergy(trace, { title }),
  forest: plotForest,
};

export function checkKind(kind: string): PlotKind {
  if (!(PLOT_KINDS as readonly string[]).includes(kind)) throw new Error(`hbnn plot: unknown --kind '${kind}'; kinds are ${PLOT_KINDS.join(', ')}`);
  return kind as PlotKind;
}

export interface PlotCommandOptions {
  kind: string;
  vars?: string[];
  out?: string;
  title?: string;
}

/** Reads the files, draws the plot, writes it; returns the path written. */
export async function runPlot(files: readonly string[], options: PlotCommandOptions): Promise<string> {
  const kind = checkKind(options.kind);
  const out = options.out ?? `${kind}.png`;
  if (!/\.(png|svg)$/i.test(out)) throw new Error(`hbnn plot: --out '${out}' should end in .png or .svg`);
  if (kind === 'energy' && options.vars) throw new Error('hbnn plot: --kind energy plots the energy of the draws, not variables; leave out --vars');
  const trace = readCsvTrace(files, 'hbnn plot');
  let spec;
  try {
    spec = BUILDERS[kind](trace, { vars: options.vars, indexBase: 1, title: options.title });
  } catch (e) {
    throw new Error(`hbnn ${(e as Error).message.replace(/^plot\w+: /, 'plot: ')}`);
  }
  await savePlot(spec, out);
  return out;
}
