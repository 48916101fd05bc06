/**
 * `node dist/bench/stan.bench.js --study`: the whole study, Stan's way against hbnn's, one after
 * the other on an otherwise idle machine (issue #13's last target: hbnn's study at 2 chains ×
 * 1000 draws per model finishing faster than Stan's 1 chain × (1000 + 1000) per model).
 *
 * Stan (rstan, one Rscript process per model, fits one after another): the flat BNN (one fit per
 * group), the hierarchical BNN, then the informative-prior BNN with the prior fitted (groupPrior)
 * to Stan's own hierarchical draws. Then hbnn's study exactly as `hbnn reproduce` runs it — the
 * library function `reproduce()` of bin/reproduce.ts, chains in worker threads, predictions,
 * figures and report included — with `chains`, `draws`, `tune` and `adapt` passed through only
 * where given, so the library's defaults apply otherwise. Both sides read the same data (the
 * first `groups` groups written to one JSON file).
 *
 * Per model and in total: wall seconds, gradients (leapfrogs; hbnn: its chains' calls, the ADVI
 * init's own not counted), divergences. Stan's wall is R's timer around each sampling() call
 * summed; its process wall (R start, model load) is reported beside it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupPrior, type LayerPrior } from '../../models/bnn/group_prior.js';
import type { StudyData } from '../../models/data/study_data.js';
import { Trace } from '../../samplers/trace/trace.js';
import type { ParamInfo } from '../../samplers/types.js';
import { reproduce, type ReproduceOptions } from '../../bin/reproduce.js';
import { MODEL_NAMES } from '../../bin/report/report.js';
import type { StanModelName } from './programs.js';
import { rstanAvailable, runRstan, type StanRun } from './rstan.js';
import { studyRuns, TRACED } from './study_runs.js';

export interface StudyModeOptions {
  study: StudyData;
  /** Groups of the study used (the first ones). */
  groups: number;
  /** Stan's warmup and draws per fit (1 chain). */
  stanWarmup: number;
  stanDraws: number;
  /** hbnn's settings; absent ones are `reproduce`'s / the library's defaults. */
  chains: number;
  draws: number;
  tune?: number;
  adapt?: string;
  maxTreeDepth?: number;
  seed: number;
  cacheDir: string;
  print?: boolean;
}

export interface StudySideModel {
  model: StanModelName;
  fits: number;
  wallSeconds: number;
  gradients: number;
  divergences: number;
}

export interface StudyComparison {
  stan?: { models: StudySideModel[]; wallSeconds: number; processWallSeconds: number; gradients: number; divergences: number };
  hbnn: { models: StudySideModel[]; wallSeconds: number; gradients: number; divergences: number; settings: Record<string, unknown> };
  /** hbnn's whole reproduce() wall over Stan's summed sampling walls. */
  wallRatio?: number;
}

/** Stan columns of the hierarchical BNN's group-level parameters, in hbnn's row-major order (mu<l> [in, out] is Stan's mu<l>t [out, in]). */
function hierarchicalColumns(): { params: ParamInfo[]; columns: string[] } {
  const params: ParamInfo[] = [];
  const columns: string[] = [];
  const layers: [number, number][] = [[2, 5], [5, 5], [5, 1]];
  layers.forEach(([inputs, outputs], l) => {
    params.push({ name: `mu${l}`, shape: [inputs, outputs] }, { name: `sd${l}`, shape: [] });
    for (let a = 0; a < inputs; a++) for (let b = 0; b < outputs; b++) columns.push(l === 2 ? `mu2[${a + 1}]` : `mu${l}t[${b + 1},${a + 1}]`);
    columns.push(`sd${l}`);
  });
  return { params, columns };
}

/** Stan's hierarchical draws of mu<l>, sd<l> as a one-chain Trace, for groupPrior. */
function stanHierarchicalTrace(run: StanRun, firstColumn: number): Trace {
  const { params, columns } = hierarchicalColumns();
  const n = run.lp.length;
  const values = new Float64Array(n * columns.length);
  columns.forEach((_, j) => {
    const d = run.draws[firstColumn + j];
    for (let i = 0; i < n; i++) values[i * columns.length + j] = d[i];
  });
  return new Trace({ params, chains: [{ values, stats: { lp: Float64Array.from(run.lp) } }] });
}

async function stanSide(o: StudyModeOptions) {
  const models: StudySideModel[] = [];
  const t0 = performance.now();
  let prior: LayerPrior[] | undefined;
  for (const model of ['flat', 'hierarchical', 'informative'] as const) {
    const runs = studyRuns(model, o.study, o.groups, prior);
    const extra = model === 'hierarchical' ? hierarchicalColumns().columns : [];
    const job = {
      mode: 'nuts' as const,
      runs: { seed: runs.map((_, i) => o.seed + i), data: runs.map((r) => r.stanData) },
      warmup: o.stanWarmup, draws: o.stanDraws, adaptDelta: 0.9, maxTreeDepth: o.maxTreeDepth ?? 10,
      pars: [...TRACED[model].map((t) => t.stan), ...extra],
    };
    const r = await runRstan<{ runs: StanRun[] }>(model, job, o.cacheDir);
    if (model === 'hierarchical') prior = groupPrior(stanHierarchicalTrace(r.runs[0], TRACED[model].length));
    const fits = r.runs;
    models.push({
      model, fits: fits.length,
      wallSeconds: fits.reduce((s, f) => s + f.wallSeconds, 0),
      gradients: fits.reduce((s, f) => s + f.nLeapfrog.reduce((a, v) => a + v, 0), 0),
      divergences: fits.reduce((s, f) => s + f.divergent.slice(o.stanWarmup).reduce((a, v) => a + v, 0), 0),
    });
    if (o.print !== false) console.log(`Stan ${model}: ${models.at(-1)!.wallSeconds.toFixed(1)} s, ${models.at(-1)!.gradients} gradients, ${models.at(-1)!.divergences} divergences`);
  }
  const total = (k: 'wallSeconds' | 'gradients' | 'divergences') => models.reduce((s, m) => s + m[k], 0);
  return { models, wallSeconds: total('wallSeconds'), processWallSeconds: (performance.now() - t0) / 1000, gradients: total('gradients'), divergences: total('divergences') };
}

const NAME_OF: Record<(typeof MODEL_NAMES)[number], StanModelName> = { flat: 'flat', hierarchical: 'hierarchical', informative: 'informative' };

async function hbnnSide(o: StudyModeOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-study-bench-'));
  try {
    const dataFile = join(dir, 'study.json');
    const g = Math.min(o.groups, o.study.Xs_train.length);
    const s = o.study;
    writeFileSync(dataFile, JSON.stringify({ Xs_train: s.Xs_train.slice(0, g), Ys_train: s.Ys_train.slice(0, g), Xs_test: s.Xs_test.slice(0, g), Ys_test: s.Ys_test.slice(0, g) }));
    // `adapt` and an absent `tune` are understood by reproduce() once the default warmup is the
    // library's (issue #13); built as a plain object so this compiles before and after.
    const settings: Record<string, unknown> = {
      data: dataFile, out: join(dir, 'out'), seed: o.seed, chains: o.chains, draws: o.draws, hierarchicalDraws: o.draws,
      ...(o.tune !== undefined ? { tune: o.tune, hierarchicalTune: o.tune } : {}),
      ...(o.adapt !== undefined ? { adapt: o.adapt } : {}),
      ...(o.maxTreeDepth !== undefined ? { maxTreeDepth: o.maxTreeDepth } : {}),
      parallel: true, progress: false,
    };
    const t0 = performance.now();
    const metrics = await reproduce({ ...settings, log: (line: string) => o.print !== false && console.log(`  ${line}`) } as unknown as ReproduceOptions);
    const wallSeconds = (performance.now() - t0) / 1000;
    const models = MODEL_NAMES.map((m): StudySideModel => ({
      model: NAME_OF[m], fits: m === 'hierarchical' ? 1 : g,
      wallSeconds: metrics[m].seconds, gradients: metrics[m].numGradEvals ?? NaN, divergences: metrics[m].divergences,
    }));
    const total = (k: 'gradients' | 'divergences') => models.reduce((a, m) => a + m[k], 0);
    return { models, wallSeconds, gradients: total('gradients'), divergences: total('divergences'), settings: { ...metrics.settings } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStudy(o: StudyModeOptions): Promise<StudyComparison> {
  const withStan = rstanAvailable();
  if (!withStan && o.print !== false) console.log('Rscript with rstan not found: hbnn\'s study only');
  const stan = withStan ? await stanSide(o) : undefined;
  if (o.print !== false) console.log('hbnn reproduce…');
  const hbnn = await hbnnSide(o);
  const out: StudyComparison = { ...(stan ? { stan, wallRatio: hbnn.wallSeconds / stan.wallSeconds } : {}), hbnn };
  if (o.print !== false) printStudy(out, o);
  return out;
}

function printStudy(c: StudyComparison, o: StudyModeOptions): void {
  console.log(`\nThe study, one side after the other: Stan 1 chain × (${o.stanWarmup} + ${o.stanDraws}) per fit; hbnn reproduce, ${o.chains} chains × ${o.draws} draws, settings ${JSON.stringify({ adapt: c.hbnn.settings.adapt ?? '(default)', tune: c.hbnn.settings.tune })}`);
  console.log(`${'model'.padEnd(14)} ${'Stan s'.padStart(9)} ${'hbnn s'.padStart(9)} ${'ratio'.padStart(6)} ${'Stan grads'.padStart(11)} ${'hbnn grads'.padStart(11)} ${'Stan div'.padStart(8)} ${'hbnn div'.padStart(8)}`);
  c.hbnn.models.forEach((h, i) => {
    const s = c.stan?.models[i];
    const f = (v: number | undefined, d = 1) => (v === undefined ? '—' : v.toFixed(d));
    console.log(`${h.model.padEnd(14)} ${f(s?.wallSeconds).padStart(9)} ${f(h.wallSeconds).padStart(9)} ${(s ? (h.wallSeconds / s.wallSeconds).toFixed(2) : '—').padStart(6)} ${f(s?.gradients, 0).padStart(11)} ${f(h.gradients, 0).padStart(11)} ${f(s?.divergences, 0).padStart(8)} ${f(h.divergences, 0).padStart(8)}`);
  });
  const s = c.stan;
  console.log(`${'total'.padEnd(14)} ${(s ? s.wallSeconds.toFixed(1) : '—').padStart(9)} ${c.hbnn.wallSeconds.toFixed(1).padStart(9)} ${(c.wallRatio?.toFixed(2) ?? '—').padStart(6)} ${(s ? String(s.gradients) : '—').padStart(11)} ${String(c.hbnn.gradients).padStart(11)} ${(s ? String(s.divergences) : '—').padStart(8)} ${String(c.hbnn.divergences).padStart(8)}`);
  if (s) console.log(`(Stan: sampling() calls summed; its processes, R start and model load included, took ${s.processWallSeconds.toFixed(1)} s. hbnn total: the whole reproduce(), predictions and report included; per model: reproduce's own timer.)`);
}
