/**
 * NUTS in hbnn against Stan on the study's three BNNs (issue #12), side by side: Stan (rstan,
 * one Rscript process) and hbnn's `sample()` (this process) start together and run at the same
 * time on the machine's two cores, with the post's settings — 1 chain, 1000 warmup + 1000 draws,
 * target accept (adapt_delta) 0.9, max tree depth 10, uniform(−2, 2) initialisation — on the
 * post's data. The Stan programs (bench/stan/programs.ts) match hbnn's models parameter for
 * parameter; test/bench/stan_programs.test.ts checks their log densities agree.
 *
 * Models: 'flat' (one fit per group), 'hierarchical' (one fit), 'informative' (one fit per
 * group, with the prior fitted to hbnn's hierarchical trace of the same run, handed to both).
 * `quick`: the flat BNN only, 3 groups, 200 + 200. Without Rscript + rstan, hbnn's figures only.
 * Compiled Stan models are cached in `out/stan-cache/` (compiling takes ~40 s each).
 *
 * Run: `hbnn bench --only stan [--quick]` or
 * `node dist/bench/stan.bench.js [--quick] [--models flat,hierarchical] [--groups 18] [--warmup 1000] [--draws 1000] [--out FILE.json]`.
 *
 * `--study` (bench/stan/study_mode.ts): instead, the whole study one side after the other, Stan's
 * 1 × (warmup + draws) per fit, then `hbnn reproduce`'s library function with
 * `[--hbnn-chains 2] [--hbnn-draws 1000] [--hbnn-tune N] [--hbnn-adapt NAME]` (tune and adapt:
 * the library's defaults unless given). With `--quick`: 3 groups, Stan 100 + 100, hbnn 2 × (100 +
 * 100), tree depth at most 6 on both sides — a check that the mode runs, not a measurement.
 */
import { existsSync } from 'node:fs';
import { rotatedMoons } from '../models/data/moons.js';
import { loadStudyData, type StudyData } from '../models/data/study_data.js';
import { groupPrior } from '../models/bnn/group_prior.js';
import type { LayerPrior } from '../models/bnn/group_prior.js';
import { sample } from '../samplers/run/sample.js';
import type { Trace } from '../samplers/trace/trace.js';
import { hbnnFigures, stanFigures, summarize, type ChainFigures, type SideSummary } from './stan/chain_figures.js';
import type { StanModelName } from './stan/programs.js';
import { rstanAvailable, runRstan, type StanRun } from './stan/rstan.js';
import { studyRuns, TRACED, type StudyRun } from './stan/study_runs.js';
import { machineInfo } from './machine.js';
import { benchStudy } from './stan/study_mode.js';
import { isMainModule, writeResultIfAsked } from './script.js';

export const POST_DATA = '/work/shared/data/wiecki2018_seed31.json';

export interface StanBenchOptions {
  quick?: boolean;
  models?: StanModelName[];
  /** Groups of the study used (default all 18; 3 with quick). */
  groups?: number;
  warmup?: number;
  draws?: number;
  /** Study data JSON (default: HBNN_STUDY_DATA, else the post's data where present, else rotatedMoons()). */
  dataPath?: string;
  cacheDir?: string;
  seed?: number;
  print?: boolean;
}

export interface ModelComparison {
  model: StanModelName;
  hbnn: SideSummary;
  stan?: SideSummary;
  /** hbnn / Stan for every number both sides have. */
  ratios?: Record<string, number>;
  stanCompileSeconds?: number;
}

function studyData(path: string | undefined): { study: StudyData; source: string } {
  const p = path ?? process.env.HBNN_STUDY_DATA ?? (existsSync(POST_DATA) ? POST_DATA : undefined);
  return p ? { study: loadStudyData(p), source: p } : { study: rotatedMoons(), source: 'rotatedMoons() (the post\'s data not found)' };
}

/** hbnn's fits, one after another; keeps the hierarchical trace for the informative prior. */
async function hbnnSide(model: StanModelName, runs: StudyRun[], o: Required<Pick<StanBenchOptions, 'warmup' | 'draws' | 'seed'>>) {
  const t0 = performance.now();
  const fits: ChainFigures[] = [];
  let last: Trace | undefined;
  for (const [i, r] of runs.entries()) {
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    last = await sample(r.model, { chains: 1, tune: o.warmup, draws: o.draws, seed: o.seed + i, targetAccept: 0.9, init: 'jitter', keepWarmup: true, progress: false });
    const cpu = process.cpuUsage(cpu0);
    fits.push(hbnnFigures(last, (performance.now() - t1) / 1000, (cpu.user + cpu.system) / 1e6, TRACED[model]));
  }
  return { summary: summarize(fits, (performance.now() - t0) / 1000), trace: last! };
}

function stanJob(model: StanModelName, runs: StudyRun[], o: Required<Pick<StanBenchOptions, 'warmup' | 'draws' | 'seed'>>) {
  return {
    mode: 'nuts' as const,
    runs: { seed: runs.map((_, i) => o.seed + i), data: runs.map((r) => r.stanData) },
    warmup: o.warmup, draws: o.draws, adaptDelta: 0.9, maxTreeDepth: 10,
    pars: TRACED[model].map((t) => t.stan),
  };
}

function ratios(h: SideSummary, s: SideSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(h) as (keyof SideSummary)[]) {
    const a = h[k], b = s[k];
    if (typeof a === 'number' && typeof b === 'number' && b !== 0) out[k] = a / b;
    else if (Array.isArray(a) && Array.isArray(b)) a.forEach((v, i) => (out[`${k}[${i}]`] = v / b[i]));
  }
  return out;
}

/** One model, both sides at once: Stan's process starts first, then hbnn runs in this one. */
async function compareModel(model: StanModelName, runs: StudyRun[], o: Required<Pick<StanBenchOptions, 'warmup' | 'draws' | 'seed' | 'cacheDir'>>, withStan: boolean) {
  const stan = withStan ? runRstan<{ runs: StanRun[] }>(model, stanJob(model, runs, o), o.cacheDir) : undefined;
  stan?.catch(() => undefined); // awaited below; keeps an early failure from being unhandled meanwhile
  const hbnn = await hbnnSide(model, runs, o);
  const comparison: ModelComparison = { model, hbnn: hbnn.summary };
  if (stan) {
    const r = await stan;
    const fits = r.runs.map((run) => stanFigures(run, o.warmup));
    comparison.stan = summarize(fits, r.runs.reduce((a, run) => a + run.wallSeconds, 0));
    comparison.ratios = ratios(comparison.hbnn, comparison.stan);
    comparison.stanCompileSeconds = r.compileSeconds;
  }
  return { comparison, trace: hbnn.trace };
}

export async function benchStan(options: StanBenchOptions = {}) {
  const quick = options.quick ?? false;
  const models = options.models ?? (quick ? ['flat'] : ['flat', 'hierarchical', 'informative']);
  const o = { warmup: options.warmup ?? (quick ? 200 : 1000), draws: options.draws ?? (quick ? 200 : 1000), seed: options.seed ?? 1, cacheDir: options.cacheDir ?? 'out/stan-cache' };
  const groups = options.groups ?? (quick ? 3 : 18);
  const { study, source } = studyData(options.dataPath);
  const withStan = rstanAvailable();
  if (!withStan && options.print !== false) console.log('Rscript with rstan not found: hbnn\'s figures only (apt-get install r-cran-rstan to compare with Stan)');
  const comparisons: ModelComparison[] = [];
  let prior: LayerPrior[] | undefined;
  for (const model of models) {
    if (model === 'informative' && !prior) throw new Error("benchStan: 'informative' needs 'hierarchical' before it in models (its prior comes from that fit)");
    const { comparison, trace } = await compareModel(model, studyRuns(model, study, groups, prior), o, withStan);
    if (model === 'hierarchical') prior = groupPrior(trace);
    comparisons.push(comparison);
    if (options.print !== false) printComparison(comparison, o);
  }
  return { benchmark: 'stan', machine: machineInfo(), data: source, settings: { ...o, groups, chains: 1, targetAccept: 0.9, maxTreeDepth: 10, init: 'uniform(-2, 2)' }, stan: withStan, comparisons };
}

function printComparison(c: ModelComparison, o: { warmup: number; draws: number }): void {
  const h = c.hbnn, s = c.stan;
  console.log(`\nNUTS, ${c.model} BNN: ${h.fits} fit(s) × 1 chain, ${o.warmup} + ${o.draws}, target accept 0.9, side by side${s ? '' : ' (hbnn only)'}`);
  const rows: [string, (x: SideSummary) => number, number][] = [
    ['wall s (all fits)', (x) => x.wallSeconds, 1], ['sampler\'s own timer s (Stan: CPU)', (x) => x.samplerSeconds, 1],
    ['leapfrogs warmup', (x) => x.leapfrogsWarmup, 0], ['leapfrogs sampling', (x) => x.leapfrogsSampling, 0],
    ['wall µs per gradient (incl. tree)', (x) => x.microsecondsPerGradient, 1], ['CPU µs per gradient (incl. tree)', (x) => x.cpuMicrosecondsPerGradient, 1], ['mean tree depth', (x) => x.meanTreeDepth, 2],
    ['step size (median)', (x) => x.stepSize, 4], ['divergences warmup', (x) => x.divergencesWarmup, 0],
    ['divergences sampling', (x) => x.divergencesSampling, 0], ['bulk-ESS/wall s of lp__', (x) => x.essLpPerSecond, 2],
    ...h.essTracedPerSecond.map((_, i) => [`bulk-ESS/wall s of ${TRACED[c.model][i].stan}`, (x: SideSummary) => x.essTracedPerSecond[i], 2] as [string, (x: SideSummary) => number, number]),
  ];
  console.log(`${'figure'.padEnd(32)} ${'hbnn'.padStart(12)} ${'Stan'.padStart(12)} ${'hbnn/Stan'.padStart(10)}`);
  for (const [name, get, digits] of rows) {
    const a = get(h), b = s ? get(s) : NaN;
    const ratio = s && b !== 0 ? (a / b).toFixed(2) : '—';
    console.log(`${name.padEnd(32)} ${a.toFixed(digits).padStart(12)} ${(s ? b.toFixed(digits) : '—').padStart(12)} ${ratio.padStart(10)}`);
  }
  if (c.stanCompileSeconds !== undefined) console.log(`(Stan model compile or load: ${c.stanCompileSeconds.toFixed(1)} s, not counted)`);
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const models = value('--models')?.split(',') as StanModelName[] | undefined;
  const num = (flag: string) => {
    const v = value(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${v}`);
    return n;
  };
  const quick = args.includes('--quick');
  if (args.includes('--study')) {
    const stanWarmup = num('--warmup') ?? (quick ? 100 : 1000);
    const stanDraws = num('--draws') ?? (quick ? 100 : 1000);
    const adapt = value('--hbnn-adapt');
    const tune = num('--hbnn-tune') ?? (quick ? 100 : undefined);
    const result = await benchStudy({
      study: studyData(undefined).study, groups: num('--groups') ?? (quick ? 3 : 18), stanWarmup, stanDraws,
      chains: num('--hbnn-chains') ?? 2, draws: num('--hbnn-draws') ?? (quick ? 100 : 1000),
      ...(tune !== undefined ? { tune } : {}), ...(adapt !== undefined ? { adapt } : {}), ...(quick ? { maxTreeDepth: 6 } : {}),
      seed: 1, cacheDir: 'out/stan-cache',
    });
    writeResultIfAsked(args, { benchmark: 'stan-study', machine: machineInfo(), quick, ...result });
  } else {
    writeResultIfAsked(args, await benchStan({ quick, models, groups: num('--groups'), warmup: num('--warmup'), draws: num('--draws') }));
  }
}
