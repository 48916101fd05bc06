/**
 * What the Stan benchmark runs on each side: per BNN of the study, hbnn's models and the data
 * sets in the layout of the Stan programs (bench/stan/programs.ts), and the few scalars whose
 * ESS is compared, named on both sides.
 */
import { cholesky } from '../../core/linalg.js';
import { flatBnn } from '../../models/bnn/flat.js';
import { hierarchicalBnn } from '../../models/bnn/hierarchical.js';
import { informativeBnn } from '../../models/bnn/informative.js';
import type { LayerPrior } from '../../models/bnn/group_prior.js';
import type { BnnModel } from '../../models/bnn/network.js';
import type { StudyData } from '../../models/data/study_data.js';
import type { StanModelName } from './programs.js';

/** One fit: hbnn's model and the same data for Stan. */
export interface StudyRun {
  label: string;
  model: BnnModel;
  stanData: Record<string, unknown>;
}

/** A scalar traced on both sides: hbnn's parameter and flat index, Stan's column name. */
export interface TracedScalar {
  hbnn: { name: string; index: number };
  stan: string;
}

export const TRACED: Record<StanModelName, TracedScalar[]> = {
  flat: [
    { hbnn: { name: 'w0', index: 0 }, stan: 'w0t[1,1]' },
    { hbnn: { name: 'w0', index: 1 }, stan: 'w0t[2,1]' },
    { hbnn: { name: 'w2', index: 0 }, stan: 'w2[1]' },
  ],
  hierarchical: [
    { hbnn: { name: 'mu0', index: 0 }, stan: 'mu0t[1,1]' },
    { hbnn: { name: 'sd0', index: 0 }, stan: 'sd0' },
    { hbnn: { name: 'sd2', index: 0 }, stan: 'sd2' },
  ],
  informative: [
    { hbnn: { name: 'z0', index: 0 }, stan: 'z0[1]' },
    { hbnn: { name: 'z1', index: 0 }, stan: 'z1[1]' },
    { hbnn: { name: 'z2', index: 0 }, stan: 'z2[1]' },
  ],
};

const rowsOf = (a: Float64Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));

/** The fits of one BNN: one per group (flat, informative: the same prior for every group) or one for all groups (hierarchical). */
export function studyRuns(name: StanModelName, study: StudyData, groups: number, prior?: readonly LayerPrior[]): StudyRun[] {
  const G = Math.min(groups, study.Xs_train.length);
  const group = (g: number) => ({ X: study.Xs_train[g], y: study.Ys_train[g] });
  const flatData = (g: number) => ({ N: study.Ys_train[g].length, X: study.Xs_train[g], y: study.Ys_train[g] });
  if (name === 'hierarchical') {
    const sub = { Xs_train: study.Xs_train.slice(0, G), Ys_train: study.Ys_train.slice(0, G) };
    return [{ label: `${G} groups`, model: hierarchicalBnn(sub), stanData: { G, N: sub.Ys_train[0].length, X: sub.Xs_train, y: sub.Ys_train } }];
  }
  return Array.from({ length: G }, (_, g) => {
    if (name === 'flat') return { label: `group ${g}`, model: flatBnn(group(g)), stanData: flatData(g) };
    const p = prior;
    if (!p) throw new Error('studyRuns: the informative BNN needs the prior (groupPrior of a hierarchical trace)');
    const stanPrior: Record<string, unknown> = {};
    p.forEach((layer, l) => {
      const k = layer.mean.length;
      stanPrior[`mean${l}`] = Array.from(layer.mean);
      stanPrior[`L${l}`] = rowsOf(cholesky(layer.cov, k), k);
    });
    return { label: `group ${g}`, model: informativeBnn(group(g), p), stanData: { ...flatData(g), ...stanPrior } };
  });
}
