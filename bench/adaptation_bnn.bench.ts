/**
 * One warmup scheme on the study's hierarchical BNN (763 parameters, the post's data): 1 chain,
 * target accept 0.9 as `hbnn reproduce` uses, reporting gradients to the end of sampling, lp__
 * bulk-ESS per gradient, the tree depths, divergences and wall time. Issue #13's check that the
 * default warmup is worth it on the model the study is about.
 *
 * Gradients are split three ways: the initialisation's own (ADVI's or Pathfinder's fit, counted
 * by wrapping the model, since `meta.perChain[].numGradEvals` counts the chain's calls only),
 * warmup (the chain's calls less its post-warmup leapfrog steps) and sampling (the sum of
 * n_leapfrog__ over the kept draws). CPU seconds (process.cpuUsage) sit beside wall seconds,
 * which depend on what else the machine runs.
 *
 * Run: `node dist/bench/adaptation_bnn.bench.js [--adapt fisher-low-rank] [--tune 400] [--draws 1000]
 * [--seed 1] [--init jitter|advi|pathfinder] [--out FILE.json]`. One run takes minutes (Stan's 1000 + 1000 about 10).
 */
import { sample } from '../samplers/run/sample.js';
import { essBulk } from '../samplers/diagnostics/ess.js';
import { adviInitializer } from '../samplers/vi/advi_initializer.js';
import { checkAdaptName } from '../samplers/adaptation/warmup_adapter.js';
import { buildHierarchical } from '../models/bnn/study_targets.js';
import { loadStudyData } from '../models/data/study_data.js';
import { WIECKI2018_PATH } from '../models/data/wiecki2018.js';
import { isMainModule, writeResultIfAsked } from './script.js';
import type { PosteriorTarget } from '../samplers/types.js';

export type BnnInit = 'jitter' | 'advi' | 'pathfinder';
const INITS: readonly BnnInit[] = ['jitter', 'advi', 'pathfinder'];

/** `target` with its logDensityAndGrad calls counted; every other member is the target's own. */
function countingProxy<T extends PosteriorTarget>(target: T): { target: T; count: () => number } {
  let n = 0;
  const counted = (x: Float64Array, g: Float64Array): number => {
    n += 1;
    return target.logDensityAndGrad(x, g);
  };
  const proxy = new Proxy(target, {
    get(t, key) {
      if (key === 'logDensityAndGrad') return counted;
      const v = Reflect.get(t, key, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { target: proxy, count: () => n };
}

export interface BnnAdaptationRow {
  adapt: string;
  tune: number;
  draws: number;
  init: string;
  /** All gradient evaluations: init + warmup + sampling. */
  gradients: number;
  /** The initialisation's fit (ADVI or Pathfinder); 0 for jitter. */
  initGradients: number;
  /** The chain's calls before its first kept draw (initialisation of the chain included). */
  warmupGradients: number;
  /** Leapfrog steps of the kept draws. */
  samplingGradients: number;
  lpBulkEss: number;
  essPerGradient: number;
  divergences: number;
  /** Tree depths of the draws, how many at each depth. */
  treeDepths: Record<string, number>;
  stepSize: number;
  metric: string;
  rank?: number;
  metricUpdates?: number;
  warmupSeconds: number;
  seconds: number;
  /** User + system CPU seconds of this process over the run. */
  cpuSeconds: number;
}

export async function benchAdaptationBnn(o: { adapt: string; tune: number; draws: number; seed: number; init: BnnInit }): Promise<BnnAdaptationRow> {
  const { target: model, count } = countingProxy(buildHierarchical({ study: loadStudyData(WIECKI2018_PATH) }));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let warmupEnd = 0;
  const trace = await sample(model, {
    adapt: checkAdaptName(o.adapt), tune: o.tune, draws: o.draws, chains: 1, seed: o.seed, targetAccept: 0.9, progress: false,
    ...(o.init === 'advi' ? { init: 'advi+adapt_diag' as const, adviInit: adviInitializer({}) } : {}),
    ...(o.init === 'pathfinder' ? { init: 'pathfinder' as const } : {}),
    onProgress: (p) => {
      if (!warmupEnd && p.iteration >= o.tune) warmupEnd = performance.now();
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const total = count();
  const chain = trace.meta.perChain![0];
  const lp = trace.stat('lp')!;
  const depth = trace.stat('treeDepth')![0];
  const treeDepths: Record<string, number> = {};
  for (const d of depth) treeDepths[d] = (treeDepths[d] ?? 0) + 1;
  const lpBulkEss = essBulk(lp);
  const a = chain.adaptation;
  const samplingGradients = trace.stat('nSteps')![0].reduce((s, v) => s + v, 0);
  const initGradients = total - chain.numGradEvals;
  return {
    adapt: o.adapt, tune: o.tune, draws: o.draws, init: o.init,
    gradients: total, initGradients, warmupGradients: chain.numGradEvals - samplingGradients, samplingGradients,
    lpBulkEss, essPerGradient: lpBulkEss / total,
    divergences: trace.stat('diverging')![0].reduce((s, v) => s + v, 0),
    treeDepths, stepSize: a?.stepSize ?? NaN, metric: a?.metric ?? '?',
    ...(a?.rank !== undefined ? { rank: a.rank } : {}),
    ...(a?.metricUpdates !== undefined ? { metricUpdates: a.metricUpdates } : {}),
    warmupSeconds: warmupEnd ? (warmupEnd - t0) / 1000 : NaN, seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const init = opt('init', 'jitter');
  if (!(INITS as readonly string[]).includes(init)) throw new Error(`--init must be one of ${INITS.join(', ')}, got ${init}`);
  const row = await benchAdaptationBnn({ adapt: opt('adapt', 'fisher-low-rank'), tune: Number(opt('tune', '400')), draws: Number(opt('draws', '1000')), seed: Number(opt('seed', '1')), init: init as BnnInit });
  console.log(JSON.stringify(row));
  writeResultIfAsked(args, row);
}
