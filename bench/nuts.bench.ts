/**
 * NUTS on the hierarchical BNN (issue #4) and ADVI versus jitter initialisation (issue #5).
 *
 * benchNuts: one chain, 1000 warmup + 1000 draws, target accept 0.9, ADVI initialisation, on the
 * 18-group study: wall time, gradient evaluations per second, min bulk-ESS per second (over the
 * parameters, and of lp__), divergences, and the sampler's overhead — the share of the chain's
 * time spent outside the gradient, measured against the gradient time of the same run.
 *
 * benchAdviInit: the same model warmed up from `jitter` and from `advi+adapt_diag` (same seed,
 * same settings): gradient evaluations in warmup (plus ADVI's own for the latter), divergences
 * in warmup and after, and the step size warmup ends with.
 */
import { rotatedMoons } from '../models/data/moons.js';
import { hierarchicalBnn } from '../models/bnn/hierarchical.js';
import type { BnnModel } from '../models/bnn/network.js';
import { sample, samplerOverhead } from '../samplers/run/sample.js';
import { adviInitializer } from '../samplers/vi/advi_initializer.js';
import { summary } from '../samplers/diagnostics/summary.js';
import { essBulk } from '../samplers/diagnostics/ess.js';
import type { PosteriorTarget } from '../samplers/types.js';
import type { Trace } from '../samplers/trace/trace.js';
import { isMainModule } from './script.js';

export interface NutsBenchOptions {
  quick?: boolean;
  seed?: number;
  print?: boolean;
}

function settings(quick: boolean) {
  return quick ? { tune: 200, draws: 200 } : { tune: 1000, draws: 1000 };
}

/** A target that counts gradient evaluations (ADVI's own cost is outside the sampler's count). */
function counting(model: BnnModel): PosteriorTarget & { count: number } {
  const t = {
    count: 0,
    dim: model.dim,
    params: model.params,
    constrainInto: (x: Float64Array, out: Float64Array) => model.constrainInto(x, out),
    logDensityAndGrad(x: Float64Array, g: Float64Array): number {
      t.count++;
      return model.logDensityAndGrad(x, g);
    },
  };
  return t;
}

function sumOf(arrays: Float64Array[] | undefined): number {
  let s = 0;
  for (const a of arrays ?? []) for (const v of a) s += v;
  return s;
}

export async function benchNuts(opts: NutsBenchOptions = {}) {
  const { tune, draws } = settings(opts.quick ?? false);
  const seed = opts.seed ?? 1;
  const model = hierarchicalBnn(rotatedMoons({ seed: 0 }));
  const t0 = performance.now();
  const trace = await sample(model, { chains: 1, tune, draws, seed, targetAccept: 0.9, init: 'advi+adapt_diag', progress: false });
  const seconds = (performance.now() - t0) / 1000;
  const [cost] = samplerOverhead(trace);
  const rows = summary(trace);
  const minEss = Math.min(...rows.map((r) => r.essBulk).filter(Number.isFinite));
  const lpEss = essBulk(trace.stat('lp')!);
  const result = {
    model: 'hierarchicalBnn, 18 groups × 50 points, 763 parameters',
    tune, draws, targetAccept: 0.9, init: 'advi+adapt_diag',
    seconds,
    chainSeconds: cost.secondsTotal,
    gradientEvaluations: cost.numGradEvals,
    gradientsPerSecond: cost.numGradEvals / cost.secondsTotal,
    microsecondsPerGradient: (1e6 * cost.secondsInGradient) / cost.numGradEvals,
    samplerOverheadFraction: cost.overheadFraction,
    minEssBulk: minEss,
    minEssBulkPerSecond: minEss / cost.secondsTotal,
    lpEssBulk: lpEss,
    lpEssBulkPerSecond: lpEss / cost.secondsTotal,
    divergences: trace.numDivergences(),
    meanTreeDepth: sumOf(trace.stat('treeDepth')) / draws,
    stepSize: trace.chainDraws[0].adaptation?.stepSize,
  };
  if (opts.print !== false) {
    console.log(`\nNUTS on the hierarchical BNN (1 chain, ${tune} warmup + ${draws} draws, target accept 0.9, ADVI init)`);
    console.log(`wall ${seconds.toFixed(1)} s (chain ${cost.secondsTotal.toFixed(1)} s), ${cost.numGradEvals} gradients, ${result.gradientsPerSecond.toFixed(0)} gradients/s, ${result.microsecondsPerGradient.toFixed(0)} µs each`);
    console.log(`sampler overhead outside the gradient: ${(100 * cost.overheadFraction).toFixed(1)}% of the chain's time (target < 10%)`);
    console.log(`min bulk-ESS ${minEss.toFixed(1)} (${result.minEssBulkPerSecond.toFixed(3)}/s) over 763 parameters; bulk-ESS of lp__ ${lpEss.toFixed(1)} (${result.lpEssBulkPerSecond.toFixed(2)}/s)`);
    console.log(`divergences ${result.divergences}, mean tree depth ${result.meanTreeDepth.toFixed(2)}, step size ${result.stepSize?.toFixed(4)}`);
  }
  return result;
}

async function warmupCost(model: BnnModel, init: 'jitter' | 'advi+adapt_diag', tune: number, draws: number, seed: number) {
  const target = counting(model);
  let adviGradients = 0;
  const adviInit = adviInitializer();
  const t0 = performance.now();
  const trace: Trace = await sample(target, {
    chains: 1, tune, draws, seed, targetAccept: 0.9, init, keepWarmup: true, progress: false,
    adviInit: async (t, ctx) => {
      const before = target.count;
      const r = await adviInit(t, ctx);
      adviGradients = target.count - before;
      return r;
    },
  });
  const c = trace.chainDraws[0];
  return {
    init,
    seconds: (performance.now() - t0) / 1000,
    adviGradients,
    warmupGradients: sumOf([c.warmup!.stats.nSteps!]),
    warmupDivergences: sumOf([c.warmup!.stats.diverging!]),
    divergences: trace.numDivergences(),
    samplingGradients: sumOf([c.stats.nSteps!]),
    stepSize: c.adaptation?.stepSize,
    lpMean: sumOf([c.stats.lp]) / draws,
  };
}

export async function benchAdviInit(opts: NutsBenchOptions = {}) {
  const { tune } = settings(opts.quick ?? false);
  const draws = opts.quick ? 100 : 300;
  const model = hierarchicalBnn(rotatedMoons({ seed: 0 }));
  const rows = [];
  for (const init of ['jitter', 'advi+adapt_diag'] as const) rows.push(await warmupCost(model, init, tune, draws, opts.seed ?? 1));
  if (opts.print !== false) {
    console.log(`\nInitialisation of NUTS on the hierarchical BNN (1 chain, ${tune} warmup + ${draws} draws, target accept 0.9)`);
    console.log('init              seconds  ADVI grads  warmup grads  warmup div  div  step size  mean lp');
    for (const r of rows) {
      console.log(`${r.init.padEnd(16)} ${r.seconds.toFixed(1).padStart(8)} ${String(r.adviGradients).padStart(11)} ${String(r.warmupGradients).padStart(13)} ${String(r.warmupDivergences).padStart(11)} ${String(r.divergences).padStart(4)} ${(r.stepSize ?? NaN).toFixed(4).padStart(10)} ${r.lpMean.toFixed(1).padStart(8)}`);
    }
    const [j, a] = rows;
    console.log(`ADVI init used ${((a.adviGradients + a.warmupGradients) / j.warmupGradients).toFixed(2)}× the gradients of jitter init up to the end of warmup (ADVI's own included)`);
  }
  return rows;
}

if (isMainModule(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  await benchNuts({ quick });
  await benchAdviInit({ quick });
}
