/**
 * `hbnn reproduce`: the study of Wiecki (2018), end to end. Fits the flat BNNs (one per group),
 * the hierarchical BNN (all groups at once, target accept 0.9) and the flat
 * BNNs with informative priors from the hierarchical posterior; predicts; writes metrics.json,
 * the figures and report.html / report.md. Each model's results are written as soon as it finishes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStudyData, type StudyData } from '../models/data/study_data.js';
import { WIECKI2018_NAME, WIECKI2018_PATH } from '../models/data/wiecki2018.js';
import { rotatedMoons } from '../models/data/moons.js';
import { groupPrior, type LayerPrior } from '../models/bnn/group_prior.js';
import { predict } from '../models/bnn/predict.js';
import type { BnnModel } from '../models/bnn/network.js';
import { sample, type SampleOptions } from '../samplers/run/sample.js';
import { DEFAULT_ADAPT, defaultTune } from '../samplers/run/sample_options.js';
import { checkAdaptName, type AdaptName } from '../samplers/adaptation/warmup_adapter.js';
import { nuts } from '../samplers/mcmc/nuts.js';
import { summary, formatSummary, type SummaryRow } from '../samplers/diagnostics/summary.js';
import { samplerWarnings } from '../samplers/diagnostics/warnings.js';
import type { Trace } from '../samplers/trace/trace.js';
import { accuracyFigure, correlationFigure, singleSurfaceFigure, surfaceFigure, surfaceGridPoints, traceDensityFigure, trainingDataFigure } from './report/figures.js';
import { renderPng } from './report/render.js';
import { fitDiagnostics, poolDiagnostics, predictionChains, type FitDiagnostics } from './report/fit_diagnostics.js';
import { MODEL_NAMES, POST_ACCURACY, QUICK_BANNER, STAN_ACCURACY, checkWritableDir, writeMetrics, writeReport, type ModelMetrics, type ModelName, type ReportFigure, type StudyMetrics } from './report/report.js';
import { STUDY_TARGETS_MODULE, buildFlat, buildHierarchical, buildInformative } from '../models/bnn/study_targets.js';
import { advi } from '../samplers/vi/advi.js';
import { pathfinder } from '../samplers/vi/pathfinder/pathfinder.js';
import { VI_METHODS, type ViMethod, type ViMetrics, type ViModelMetrics } from './report/vi_table.js';

export interface ReproduceOptions {
  /** A study JSON file (DESIGN.md's --data format); default: the post's data (models/data/wiecki2018_seed31.json). */
  data?: string;
  /** Generated data instead, `rotatedMoons({ seed })`: new draws of the post's recipe. */
  generate?: boolean;
  out: string;
  seed: number;
  chains: number;
  /** Draws and warmup per chain of the flat and informative-prior models; `tune` left out is the library's default for `adapt` (`defaultTune`). */
  draws: number;
  tune?: number;
  /** NUTS's warmup scheme (default: the library's, `DEFAULT_ADAPT`); 'stan' with tune 1000 is Stan's. */
  adapt?: AdaptName;
  /** Draws and warmup per chain of the hierarchical model (default: `draws` and `tune`). */
  hierarchicalDraws?: number;
  hierarchicalTune?: number;
  /** NUTS's maximum tree depth (default 10, as Stan). */
  maxTreeDepth?: number;
  /** Run chains in worker threads. */
  parallel: boolean;
  progress: boolean;
  /** Print progress lines (model starts, timings). */
  log: (line: string) => void;
  signal?: AbortSignal;
  quick?: boolean;
  /** 'nuts' (default): the study as before; a VI method also fits every model with it, for the report's VI table. */
  method?: StudyMethod;
}

export const STUDY_METHODS = ['nuts', ...VI_METHODS] as const;
export type StudyMethod = (typeof STUDY_METHODS)[number];
/** Draws taken from a VI fit for predictions (as many as NUTS's 1000 per chain would give one chain). */
export const VI_DRAWS = 1000;

/**
 * Defaults of a full run: 2 chains × 1000 draws per model (issue 13), with the library's default
 * warmup (`DEFAULT_ADAPT`, `DEFAULT_TUNE` iterations: no `tune` here). Stan's settings are
 * `--adapt stan --tune 1000 --draws 1000`. About 8 to 19 minutes on 2 cores (docs/study.md: the
 * hierarchical model's slower chain sets its time), against Stan's 21 for 1 × (1000 + 1000).
 */
export const FULL_SETTINGS: { chains: number; draws: number; tune?: number; hierarchicalDraws: number; hierarchicalTune?: number } = { chains: 2, draws: 1000, hierarchicalDraws: 1000 };
/**
 * `--quick`: short chains and NUTS trees capped at depth 6 (64 steps; still a valid MCMC kernel,
 * just a less efficient one), about a minute and a half on 2 cores; for a first look, not for
 * conclusions.
 */
export const QUICK_SETTINGS = { chains: 2, draws: 100, tune: 100, hierarchicalDraws: 100, hierarchicalTune: 200, maxTreeDepth: 6 };
/** Target accept of the hierarchical model: 0.9 as in the post, for its funnel. */
export const HIERARCHICAL_TARGET_ACCEPT = 0.9;
export const REALIZATIONS_PER_DRAW = 20;
/** Decision surfaces (10,000 grid points each) are drawn from at most this many draws, evenly thinned. */
export const MAX_SURFACE_DRAWS = 200;

/** The trace thinned to at most MAX_SURFACE_DRAWS draws over all chains. */
function forSurface(trace: Trace): Trace {
  const step = Math.ceil((trace.chains * trace.draws) / MAX_SURFACE_DRAWS);
  return step > 1 ? trace.thin(step) : trace;
}

interface ModelResult {
  metrics: ModelMetrics;
  /** Per group: decision surface (posterior mean of P(class 1)) and its sd over the grid. */
  surfaces: Float64Array[];
  sds: Float64Array[];
  warnings: string[];
}

const orNaN = (v: number) => (Number.isFinite(v) ? v : NaN);

function accuracy(pred: Float64Array, y: readonly number[]): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) if ((pred[i] > 0.5 ? 1 : 0) === y[i]) correct++;
  return correct;
}

/** Largest R-hat and smallest bulk-ESS over the parameters (single weights; NaN-free). */
function convergence(rows: SummaryRow[]): { maxRhat: number; minEssBulk: number } {
  let maxRhat = -Infinity;
  let minEssBulk = Infinity;
  for (const r of rows) {
    if (Number.isFinite(r.rhat)) maxRhat = Math.max(maxRhat, r.rhat);
    if (Number.isFinite(r.essBulk)) minEssBulk = Math.min(minEssBulk, r.essBulk);
  }
  return { maxRhat: Number.isFinite(maxRhat) ? maxRhat : NaN, minEssBulk: Number.isFinite(minEssBulk) ? minEssBulk : NaN };
}

/** A model's metrics: pooled accuracy counts, time, the weights' worst R-hat and ESS, the fit diagnostics. */
function modelMetrics(run: StudyRun, counts: { train: number; test: number }, t0: number, weights: { maxRhat: number; minEssBulk: number }, d: FitDiagnostics): ModelMetrics {
  return {
    trainAccuracy: counts.train / run.nTrain, testAccuracy: counts.test / run.nTest, seconds: (performance.now() - t0) / 1000,
    divergences: d.divergences, numGradEvals: d.numGradEvals, maxRhat: weights.maxRhat, minEssBulk: weights.minEssBulk, lpMaxRhat: d.lpRhat,
    treeDepthHits: d.treeDepthHits, minEbfmi: d.minEbfmi, lpMinEssBulk: d.lpEssBulk, predictionMaxRhat: d.predictionMaxRhat, predictionMinEssBulk: d.predictionMinEss,
  };
}

/** Train/test accuracy counts and grid surfaces of one model's trace for one group. */
function evaluateGroup(model: BnnModel, trace: Trace, study: StudyData, g: number, grid: Float64Array, group?: number) {
  const opts = group === undefined ? {} : { group };
  const train = accuracy(predict(model, trace, study.Xs_train[g], opts).mean, study.Ys_train[g]);
  const test = accuracy(predict(model, trace, study.Xs_test[g], opts).mean, study.Ys_test[g]);
  const surface = predict(model, forSurface(trace), grid, opts);
  return { train, test, surface };
}

/** What every step of one run shares: the options, the data, the prediction grid and the settings. */
interface StudyRun {
  opts: ReproduceOptions;
  study: StudyData;
  groups: number;
  nTrain: number;
  nTest: number;
  grid: Float64Array;
  maxTreeDepth: number;
  /** Warmup per chain of the flat and informative-prior models, the default filled in. */
  tune: number;
  hierarchicalDraws: number;
  hierarchicalTune: number;
  /** NUTS and chain options of every model; the hierarchical one overrides a few. */
  base: SampleOptions;
  settings: StudyMetrics['settings'];
  dataInfo: StudyMetrics['data'] & { name: string };
  /** Metrics of the models finished so far, for the partial metrics.json. */
  finished: Partial<Record<ModelName, ModelMetrics>>;
}

/** The hierarchical model's fit, which the informative priors and several figures need. */
interface HierarchicalFit {
  result: ModelResult;
  model: BnnModel;
  trace: Trace;
  rows: SummaryRow[];
}

export async function reproduce(opts: ReproduceOptions): Promise<StudyMetrics> {
  if (opts.generate && opts.data) throw new Error(BOTH_DATA_SOURCES); // before --out is made
  checkWritableDir(opts.out); // before any sampling: a bad --out fails in seconds
  if (opts.quick) opts.log(QUICK_BANNER);
  const run = prepareRun(opts);
  opts.log(`data: ${run.dataInfo.name} (${run.groups} groups, ${run.nTrain} training and ${run.nTest} test points)`);
  const flat = await fitFlat(run);
  run.finished.flat = flat.metrics;
  writePartialMetrics(run);
  const hierarchical = await fitHierarchical(run);
  run.finished.hierarchical = hierarchical.result.metrics;
  writePartialMetrics(run);
  const informative = await fitInformative(run, hierarchical.trace);
  run.finished.informative = informative.metrics;
  const metrics: StudyMetrics = { flat: flat.metrics, hierarchical: hierarchical.result.metrics, informative: informative.metrics, settings: run.settings, data: run.dataInfo };
  if (opts.method !== undefined && opts.method !== 'nuts') metrics.vi = await fitStudyVi(run, opts.method);
  writeMetrics(opts.out, metrics);
  opts.log('figures and report…');
  const figures = await writeFigures(run, metrics, { flat, hierarchical: hierarchical.result, informative }, hierarchical);
  writeStudyReport(run, metrics, figures, [flat, hierarchical.result, informative], hierarchical.rows);
  return metrics;
}

const BOTH_DATA_SOURCES = 'give either --data FILE or --generate, not both';

/**
 * The data of a run and the name the report and metrics.json give it: `--data FILE`, generated
 * rotated moons (`generate`, with `seed`), or by default the post's own data.
 */
export function studyData(opts: ReproduceOptions): { study: StudyData; name: string; source: string } {
  if (opts.generate && opts.data) throw new Error(BOTH_DATA_SOURCES);
  if (opts.generate) {
    const source = `rotatedMoons({ groups: 18, nSamples: 100, noise: 0.3, seed: ${opts.seed} })`;
    return { study: rotatedMoons({ seed: opts.seed }), name: `generated rotated moons (seed ${opts.seed})`, source };
  }
  if (opts.data) return { study: loadStudyData(opts.data), name: `the file ${opts.data}`, source: opts.data };
  return { study: loadStudyData(WIECKI2018_PATH), name: WIECKI2018_NAME, source: 'models/data/wiecki2018_seed31.json (shipped with hbnn)' };
}

/**
 * The warmup and draws of a run, defaults filled in: `adapt` the library's DEFAULT_ADAPT, `tune`
 * its default for that scheme (`defaultTune`: DEFAULT_TUNE, or Stan's 1000 with 'stan'), the
 * hierarchical model's draws and warmup those of the others.
 */
export function studySampling(opts: Pick<ReproduceOptions, 'adapt' | 'tune' | 'draws' | 'hierarchicalDraws' | 'hierarchicalTune'>): { adapt: AdaptName; tune: number; hierarchicalDraws: number; hierarchicalTune: number } {
  const adapt = opts.adapt === undefined ? DEFAULT_ADAPT : checkAdaptName(opts.adapt);
  const tune = opts.tune ?? defaultTune(adapt);
  return { adapt, tune, hierarchicalDraws: opts.hierarchicalDraws ?? opts.draws, hierarchicalTune: opts.hierarchicalTune ?? tune };
}

/** Load or generate the data and fix the settings that metrics.json records. */
function prepareRun(opts: ReproduceOptions): StudyRun {
  const { study, name, source } = studyData(opts);
  checkEqualTrainingGroups(study, opts.data ?? 'data');
  const groups = study.Xs_train.length;
  const nTrain = study.Ys_train.reduce((s, y) => s + y.length, 0);
  const nTest = study.Ys_test.reduce((s, y) => s + y.length, 0);
  const { adapt, tune, hierarchicalDraws, hierarchicalTune } = studySampling(opts);
  const maxTreeDepth = opts.maxTreeDepth ?? 10;
  const method = opts.method ?? 'nuts';
  if (!(STUDY_METHODS as readonly string[]).includes(method)) throw new Error(`--method must be one of ${STUDY_METHODS.join(', ')}, got '${method}'`);
  const settings = { ...(method !== 'nuts' ? { viMethod: method } : {}), chains: opts.chains, draws: opts.draws, tune, hierarchicalDraws, hierarchicalTune, seed: opts.seed, parallel: opts.parallel, quick: !!opts.quick, sampler: 'nuts', adapt, hierarchicalTargetAccept: HIERARCHICAL_TARGET_ACCEPT, hierarchicalInit: 'jitter', realizationsPerDraw: REALIZATIONS_PER_DRAW, maxTreeDepth };
  const dataInfo = { name, source, postData: !opts.generate && !opts.data, groups, trainPoints: nTrain, testPoints: nTest };
  const base: SampleOptions = { sampler: nuts({ maxTreeDepth }), chains: opts.chains, draws: opts.draws, tune, adapt, progress: opts.progress, parallel: opts.parallel && opts.chains > 1, signal: opts.signal };
  return { opts, study, groups, nTrain, nTest, grid: surfaceGridPoints(), maxTreeDepth, tune, hierarchicalDraws, hierarchicalTune, base, settings, dataInfo, finished: {} };
}

/**
 * The hierarchical model fits every group in one batched forward pass and refuses ragged groups;
 * the study runs it second, so a file with groups of different sizes is refused at load time
 * rather than after the flat fits have run.
 */
function checkEqualTrainingGroups(study: StudyData, source: string): void {
  const sizes = study.Ys_train.map((y) => y.length);
  const odd = sizes.findIndex((n) => n !== sizes[0]);
  if (odd >= 0) {
    throw new Error(`${source}: the study's hierarchical model needs every group to have the same number of training points, but Ys_train[0] has ${sizes[0]} and Ys_train[${odd}] has ${sizes[odd]} (sizes: ${sizes.join(', ')}); fit groups of other sizes with models.flatBnn and models.informativeBnn directly`);
  }
}

/** metrics.json with the models finished so far and `complete: false`, so a long run leaves results early. */
function writePartialMetrics(run: StudyRun): void {
  writeFileSync(join(run.opts.out, 'metrics.json'), JSON.stringify({ ...run.finished, settings: run.settings, data: run.dataInfo, complete: false }, null, 2));
}

function logModelDone(run: StudyRun, name: ModelName, m: ModelMetrics): void {
  run.opts.log(`${name}: train ${(100 * m.trainAccuracy).toFixed(2)}%, test ${(100 * m.testAccuracy).toFixed(2)}% (${m.seconds.toFixed(1)} s)`);
}

const groupArgs = (run: StudyRun, g: number) => ({ X: run.study.Xs_train[g], y: run.study.Ys_train[g] });

/** 1. Flat BNNs, N(0, 1) priors, one per group. */
async function fitFlat(run: StudyRun): Promise<ModelResult> {
  run.opts.log('flat BNNs (one per group)…');
  const flat = await perGroup(run, 'flat', (g) => buildFlat(groupArgs(run, g)), 'buildFlat', (g) => groupArgs(run, g));
  logModelDone(run, 'flat', flat.metrics);
  return flat;
}

/** 3. Flat BNNs with informative MvNormal priors from the hierarchical posterior. */
async function fitInformative(run: StudyRun, hierarchicalTrace: Trace): Promise<ModelResult> {
  run.opts.log('informative-prior BNNs (one per group)…');
  const prior: LayerPrior[] = groupPrior(hierarchicalTrace, { realizationsPerDraw: REALIZATIONS_PER_DRAW, seed: run.opts.seed });
  const infArgs = (g: number) => ({ ...groupArgs(run, g), prior });
  const informative = await perGroup(run, 'informative', (g) => buildInformative(infArgs(g)), 'buildInformative', infArgs);
  logModelDone(run, 'informative', informative.metrics);
  return informative;
}

/** Fit one flat-style BNN per group and pool the results. */
async function perGroup(run: StudyRun, name: ModelName, build: (g: number) => BnnModel, exportName: string, args: (g: number) => unknown): Promise<ModelResult> {
  const { opts, study, groups: G, grid } = run;
  const t0 = performance.now();
  let train = 0, test = 0, maxRhat = -Infinity, minEss = Infinity;
  const surfaces: Float64Array[] = [], sds: Float64Array[] = [], warnings: string[] = [], fits: FitDiagnostics[] = [];
  for (let g = 0; g < G; g++) {
    const model = build(g);
    const trace = await sample(model, { ...run.base, seed: opts.seed * 1000 + g, workerTarget: { module: STUDY_TARGETS_MODULE, exportName, args: args(g) } });
    if (trace.meta.interrupted) throw new Error(`${name}: interrupted in group ${g + 1}`);
    const ev = evaluateGroup(model, trace, study, g, grid);
    train += ev.train; test += ev.test;
    surfaces.push(ev.surface.mean); sds.push(ev.surface.sd);
    const c = convergence(summary(trace));
    maxRhat = Math.max(maxRhat, c.maxRhat); minEss = Math.min(minEss, c.minEssBulk);
    const d = fitDiagnostics(trace, run.maxTreeDepth, predictionChains(model, trace, study.Xs_train[g]));
    fits.push(d);
    // Groups are numbered from 1 for people, as in the figures (the arrays stay 0-based).
    for (const w of samplerWarnings(trace, { maxTreeDepth: run.maxTreeDepth })) warnings.push(`${name}, group ${g + 1}: ${w}`);
    opts.log(`  ${name} group ${g + 1}/${G}: ${d.divergences} divergences, R-hat(lp) ${d.lpRhat.toFixed(3)}`);
  }
  const metrics = modelMetrics(run, { train, test }, t0, { maxRhat: orNaN(maxRhat), minEssBulk: orNaN(minEss) }, poolDiagnostics(fits));
  return { metrics, surfaces, sds, warnings };
}

/** 2. Hierarchical BNN, non-centred, all groups at once. */
async function fitHierarchical(run: StudyRun): Promise<HierarchicalFit> {
  const { opts, study } = run;
  opts.log('hierarchical BNN (target accept 0.9)…');
  const t0 = performance.now();
  const model = buildHierarchical({ study });
  const trace = await sample(model, {
    ...run.base, draws: run.hierarchicalDraws, tune: run.hierarchicalTune, seed: opts.seed * 1000 + 500, targetAccept: HIERARCHICAL_TARGET_ACCEPT,
    // Jitter, not ADVI: after the 400-iteration Fisher warmup, ADVI's start left a chain in a worse
    // region (mean lp__ 10 lower, 94 divergences, 288k gradients; jitter: none, 125k; docs/study.md).
    workerTarget: { module: STUDY_TARGETS_MODULE, exportName: 'buildHierarchical', args: { study } },
  });
  if (trace.meta.interrupted) throw new Error('hierarchical: interrupted');
  let train = 0, test = 0;
  const surfaces: Float64Array[] = [], sds: Float64Array[] = [];
  for (let g = 0; g < run.groups; g++) {
    const ev = evaluateGroup(model, trace, study, g, run.grid, g);
    train += ev.train; test += ev.test;
    surfaces.push(ev.surface.mean); sds.push(ev.surface.sd);
  }
  const rows = summary(trace);
  const perGroup = Array.from({ length: run.groups }, (_, g) => predictionChains(model, trace, study.Xs_train[g], g));
  const predictions = Array.from({ length: trace.chains }, (_, c) => perGroup.flatMap((p) => p[c]));
  const d = fitDiagnostics(trace, run.maxTreeDepth, predictions);
  const result: ModelResult = {
    metrics: modelMetrics(run, { train, test }, t0, convergence(rows), d),
    surfaces, sds, warnings: samplerWarnings(trace, { maxTreeDepth: run.maxTreeDepth }).map((w) => `hierarchical: ${w}`),
  };
  logModelDone(run, 'hierarchical', result.metrics);
  return { result, model, trace, rows };
}

/** ADVI's or Pathfinder's options in the study; --quick caps ADVI's iterations. */
function viOptions(method: ViMethod, quick: boolean): Record<string, unknown> {
  if (method === 'pathfinder') return { paths: 4 };
  return { method: method === 'advi' ? 'meanfield' : 'fullrank', progress: false, ...(quick ? { iterations: 2000, refineIterations: 500 } : {}) };
}

/** One model fitted by the VI method: VI_DRAWS draws as a Trace, and the gradients it took. */
async function viFit(model: BnnModel, method: ViMethod, seed: number, quick: boolean): Promise<{ trace: Trace; grads: number }> {
  const o = viOptions(method, quick);
  const fit = method === 'pathfinder' ? await pathfinder(model, { ...o, seed }) : await advi(model, { ...o, seed });
  return { trace: fit.sample(VI_DRAWS, seed + 1), grads: fit.numGradEvals };
}

/** The three models again with a VI method: the rows of the report's VI table. */
async function fitStudyVi(run: StudyRun, method: ViMethod): Promise<ViMetrics> {
  const { opts, study, groups: G, grid } = run;
  const quick = !!opts.quick;
  const perGroupVi = async (name: ModelName, build: (g: number) => BnnModel): Promise<ViModelMetrics> => {
    const t0 = performance.now();
    let train = 0, test = 0, grads = 0;
    for (let g = 0; g < G; g++) {
      const model = build(g);
      const { trace, grads: n } = await viFit(model, method, opts.seed * 1000 + g, quick);
      const ev = evaluateGroup(model, trace, study, g, grid);
      train += ev.train; test += ev.test; grads += n;
    }
    return { trainAccuracy: train / run.nTrain, testAccuracy: test / run.nTest, seconds: (performance.now() - t0) / 1000, numGradEvals: grads };
  };
  opts.log(`${method}: flat BNNs…`);
  const flat = await perGroupVi('flat', (g) => buildFlat(groupArgs(run, g)));
  opts.log(`${method}: hierarchical BNN…`);
  const t0 = performance.now();
  const hModel = buildHierarchical({ study });
  const h = await viFit(hModel, method, opts.seed * 1000 + 500, quick);
  let train = 0, test = 0;
  for (let g = 0; g < G; g++) {
    const ev = evaluateGroup(hModel, h.trace, study, g, grid, g);
    train += ev.train; test += ev.test;
  }
  const hierarchical = { trainAccuracy: train / run.nTrain, testAccuracy: test / run.nTest, seconds: (performance.now() - t0) / 1000, numGradEvals: h.grads };
  opts.log(`${method}: informative-prior BNNs…`);
  const prior = groupPrior(h.trace, { realizationsPerDraw: REALIZATIONS_PER_DRAW, seed: opts.seed });
  const informative = await perGroupVi('informative', (g) => buildInformative({ ...groupArgs(run, g), prior }));
  for (const [name, m] of [['flat', flat], ['hierarchical', hierarchical], ['informative', informative]] as const) {
    opts.log(`${method} ${name}: train ${(100 * m.trainAccuracy).toFixed(2)}%, test ${(100 * m.testAccuracy).toFixed(2)}% (${m.seconds.toFixed(1)} s, ${m.numGradEvals} gradients)`);
  }
  return { method, settings: { ...viOptions(method, quick), draws: VI_DRAWS }, models: { flat, hierarchical, informative } };
}

/** Render every figure of the report into `out`; the list of files and captions in report order. */
async function writeFigures(run: StudyRun, metrics: StudyMetrics, results: Record<ModelName, ModelResult>, h: HierarchicalFit): Promise<ReportFigure[]> {
  const { study, opts } = run;
  const points = study.Xs_train.map((X, g) => ({ X, y: study.Ys_train[g] }));
  const figures: ReportFigure[] = [];
  const figure = async (file: string, caption: string, spec: Parameters<typeof renderPng>[0]) => {
    await renderPng(spec, join(opts.out, file));
    figures.push({ file, caption });
  };
  await figure('accuracy.png', 'Pooled train and test accuracy of the three models beside the post’s and Stan’s.', accuracyFigure(MODEL_NAMES.map((m) => ({
    model: m, train: metrics[m].trainAccuracy, test: metrics[m].testAccuracy, postTrain: POST_ACCURACY[m].train, postTest: POST_ACCURACY[m].test, stanTrain: STAN_ACCURACY[m].train, stanTest: STAN_ACCURACY[m].test,
  })), { title: 'Accuracy: hbnn beside the post and Stan' }));
  const sizes = [...new Set(points.map((p) => p.X.length))];
  await figure('training_data.png', `Training data per group (${sizes.join(' to ')} points each).`, trainingDataFigure(points));
  const prob = { valueLabel: 'P(class 1)', scheme: 'redblue', reverse: true };
  await figure('surface_flat.png', 'Decision surfaces of the flat BNNs (posterior mean probability).', surfaceFigure(points, results.flat.surfaces, { title: 'Flat BNN per group', ...prob }));
  await figure('surface_hierarchical.png', 'Decision surfaces of the hierarchical BNN.', surfaceFigure(points, results.hierarchical.surfaces, { title: 'Hierarchical BNN', ...prob }));
  await figure('surface_informative.png', 'Decision surfaces of the flat BNNs with informative priors.', surfaceFigure(points, results.informative.surfaces, { title: 'Informative-prior BNN per group', ...prob }));
  await figure('uncertainty_hierarchical.png', 'Predictive uncertainty of the hierarchical BNN (posterior sd of the probability).', surfaceFigure(points, results.hierarchical.sds, { title: 'Hierarchical BNN: predictive sd', valueLabel: 'sd of P(class 1)', scheme: 'viridis' }));
  const sdNames = h.model.params.filter((p) => /^sd/.test(p.name)).map((p) => p.name);
  await figure('group_sds.png', 'Trace and density of the group standard deviations.', traceDensityFigure(sdNames.map((name) => ({ name, chains: h.trace.scalarChains(name) })), { title: 'Hierarchical BNN: group standard deviations per layer' }));
  const meanSurface = predict(h.model, forSurface(h.trace), run.grid);
  const pooled = { X: points.flatMap((p) => p.X), y: points.flatMap((p) => p.y) };
  await figure('surface_group_mean.png', 'Decision surface of the group-mean weights alone, with every group’s training points.', singleSurfaceFigure(meanSurface.mean, { title: 'Group-mean weights (training points of all groups)', ...prob, points: pooled }));
  const mu0 = h.model.params.find((p) => /^mu/.test(p.name));
  if (mu0) {
    const { matrix, labels } = correlationOf(h.trace, mu0.name);
    await figure('correlation_mu0.png', `Posterior correlation of the first layer’s group-mean weights (${mu0.name}).`, correlationFigure(matrix, labels, { title: `Correlation of ${mu0.name}` }));
  }
  return figures;
}

/** report.md and report.html: the metrics, the figures, every model's warnings and the hierarchical summary. */
function writeStudyReport(run: StudyRun, metrics: StudyMetrics, figures: ReportFigure[], results: ModelResult[], hierarchicalRows: SummaryRow[]): void {
  const { opts } = run;
  const notes = [
    'Accuracies are pooled over all groups; a point is class 1 where the posterior mean probability exceeds 0.5.',
    `Sampler: NUTS with adapt '${run.base.adapt}' warmup, ${opts.chains} chains × (${run.tune} warmup + ${opts.draws} draws) per group model; the hierarchical model ${opts.chains} chains × (${run.hierarchicalTune} warmup + ${run.hierarchicalDraws} draws) with target accept ${HIERARCHICAL_TARGET_ACCEPT}, started as Stan does (uniform(−2, 2) on the unconstrained scale).`,
    'R-hat and bulk-ESS of lp__ (log density) and of the predictions (each training point\'s class-1 probability) are the worst over a model\'s fits (lpMaxRhat, lpMinEssBulk, predictionMaxRhat, predictionMinEssBulk in metrics.json): judge convergence on them, since single network weights are not identified (sign flips, permuted hidden units).',
    'Groups and chains are numbered from 1, as CmdStan numbers chains; group 1 is Xs_train[0] of the data file.',
  ];
  writeReport(opts.out, {
    metrics, postTable: POST_ACCURACY, stanTable: STAN_ACCURACY, figures,
    diagnosticsText: results.flatMap((r) => r.warnings),
    summaries: [{ title: 'Hierarchical model: group means and sds', rows: formatSummary(hierarchicalRows.filter((r) => /^(mu|sd)/.test(r.name))) }],
    notes,
  });
}

/** Posterior correlation matrix of the scalars of one parameter (all chains pooled). */
function correlationOf(trace: Trace, name: string): { matrix: Float64Array; labels: string[] } {
  const { values, shape } = trace.get(name);
  const k = shape.slice(2).reduce((p, d) => p * d, 1);
  const n = values.length / k;
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) mean[j] += values[i * k + j] / n;
  const cov = new Float64Array(k * k);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) cov[a * k + b] += ((values[i * k + a] - mean[a]) * (values[i * k + b] - mean[b])) / (n - 1);
  const matrix = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) matrix[a * k + b] = cov[a * k + b] / Math.sqrt(cov[a * k + a] * cov[b * k + b]);
  const labels = trace.columnNames().filter((c) => c.startsWith(`${name}[`));
  return { matrix, labels };
}
