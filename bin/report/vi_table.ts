/**
 * The report's variational-inference table, present only when `hbnn reproduce --method` named a VI
 * method: per model, this run's NUTS row, the VI row (same models, same data), the post's and
 * Stan's, with times and gradient counts. A NUTS-only run's report has no such table.
 */
import type { ModelName } from './report.js';

export const VI_METHODS = ['advi', 'fullrank', 'pathfinder'] as const;
export type ViMethod = (typeof VI_METHODS)[number];

/** One model fitted by VI: pooled accuracies, wall time, and log-density-gradient evaluations. */
export interface ViModelMetrics {
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
  numGradEvals: number;
}

export interface ViMetrics {
  method: ViMethod;
  /** How the method was run (its options), for the record. */
  settings: Record<string, unknown>;
  models: Record<ModelName, ViModelMetrics>;
}

export const VI_TITLES: Record<ViMethod, string> = {
  advi: 'ADVI mean-field (accurate schedule)',
  fullrank: 'ADVI full-rank (accurate schedule)',
  pathfinder: 'Pathfinder (4 paths, PSIS resampling)',
};

type Row = { train: number; test: number };
type Acc = { trainAccuracy: number; testAccuracy: number; seconds: number };

/** Rows of cells, header first, or undefined without VI results. */
export function viTableRows(
  vi: ViMetrics | undefined,
  nuts: Record<ModelName, Acc>,
  post: Record<ModelName, Row>,
  stan: Record<ModelName, Row>,
  names: readonly ModelName[],
  titles: Record<ModelName, string>,
): string[][] | undefined {
  if (!vi) return undefined;
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : 'n/a');
  const sec = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
  return [
    ['model', 'source', 'train', 'test', 'seconds', 'gradients'],
    ...names.flatMap((k) => [
      [titles[k], 'hbnn NUTS (this run)', pct(nuts[k].trainAccuracy), pct(nuts[k].testAccuracy), sec(nuts[k].seconds), '–'],
      ['', `hbnn ${VI_TITLES[vi.method]} (this run)`, pct(vi.models[k].trainAccuracy), pct(vi.models[k].testAccuracy), sec(vi.models[k].seconds), String(vi.models[k].numGradEvals)],
      ['', 'the post (PyMC3)', pct(post[k].train), pct(post[k].test), '–', '–'],
      ['', "Stan 2.21 (the post's data)", pct(stan[k].train), pct(stan[k].test), '–', '–'],
    ]),
  ];
}

export const VI_TABLE_TEXT =
  'The same three models fitted by variational inference, each from its own fit (the informative priors from the VI fit of the hierarchical model), ' +
  'with predictions averaged over 1000 draws from the approximation. The post: "All simulations in here work with ADVI as well but the results don\'t look quite as strong."';
