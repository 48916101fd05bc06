/**
 * Variational inference benchmarks (issue 15):
 *
 * 1. ADVI, default ('accurate') schedule against schedule 'stan' on a 3-d correlated Gaussian
 *    (exact optimum known) and on the flat BNN of the study's first group: seconds, gradients to
 *    convergence, ELBO evaluations per second, the final ELBO (1000 draws, the same estimator for
 *    both), and on the Gaussian the largest error of the means.
 * 2. Pathfinder's gradients against NUTS's (4 × (1000 + 1000)) on the same flat BNN.
 * 3. NUTS warmup on the hierarchical BNN from `jitter` and from `init: 'pathfinder'` (1 chain, same
 *    seed): warmup gradients, plus Pathfinder's own.
 * `--skip-init` (or `initComparison: false`) leaves part 3 out.
 * Measured once per row: times depend on the machine's load (noted by the harness's machine info).
 */
import { rotatedMoons } from '../models/data/moons.js';
import { hierarchicalBnn } from '../models/bnn/hierarchical.js';
import { buildFlat } from '../models/bnn/study_targets.js';
import { advi, type AdviFit, type AdviOptions } from '../samplers/vi/advi.js';
import { estimateElbo, makeFamily, makeScratch } from '../samplers/vi/families.js';
import { pathfinder } from '../samplers/vi/pathfinder/pathfinder.js';
import { sample, samplerOverhead } from '../samplers/run/sample.js';
import { Rng } from '../core/rng.js';
import type { PosteriorTarget } from '../samplers/types.js';
import { isMainModule } from './script.js';

const SIGMA = [
  [1, 0.5, 0.3],
  [0.5, 1.5, -0.4],
  [0.3, -0.4, 0.8],
];
const MEAN = [1, -2, 0.5];

function gaussian(): PosteriorTarget {
  const [[a, b, c], [, e, f], [, , i]] = SIGMA;
  const det = a * (e * i - f * f) - b * (b * i - f * c) + c * (b * f - e * c);
  const P = [
    [e * i - f * f, c * f - b * i, b * f - c * e],
    [c * f - b * i, a * i - c * c, b * c - a * f],
    [b * f - c * e, b * c - a * f, a * e - b * b],
  ].map((row) => row.map((v) => v / det));
  return {
    dim: 3,
    logDensityAndGrad(x, g) {
      let lp = -100;
      for (let r = 0; r < 3; r++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += P[r][k] * (x[k] - MEAN[k]);
        g[r] = -s;
        lp -= 0.5 * (x[r] - MEAN[r]) * s;
      }
      return lp;
    },
  };
}

/** The final ELBO of a fit, re-estimated the same way for every schedule (1000 draws, fixed stream). */
function finalElbo(fit: AdviFit, target: PosteriorTarget): number {
  const family = makeFamily(fit.method, target.dim);
  const params = new Float64Array(family.numParams);
  params.set(fit.mean);
  if (fit.method === 'meanfield') fit.sd.forEach((s, i) => (params[target.dim + i] = Math.log(s)));
  else for (let i = 0; i < target.dim; i++) for (let j = 0; j <= i; j++) params[target.dim + (i * (i + 1)) / 2 + j] = fit.cholesky![i * target.dim + j];
  return estimateElbo(family, params, target, Rng.fromSeed(99).stream(0), 1000, makeScratch(target.dim));
}

async function adviRow(name: string, target: PosteriorTarget, opts: AdviOptions) {
  const t0 = performance.now();
  const fit = await advi(target, { ...opts, progress: false });
  const seconds = (performance.now() - t0) / 1000;
  const meanError = name.startsWith('gaussian') ? Math.max(...Array.from(fit.mean, (m, i) => Math.abs(m - MEAN[i]))) : NaN;
  return {
    name, schedule: fit.schedule, method: fit.method, seconds, gradients: fit.numGradEvals, iterations: fit.iterations,
    elboEvalsPerSecond: fit.elbo.length / seconds, convergedBy: fit.convergedBy, refinedBy: fit.refinedBy ?? '–', finalElbo: finalElbo(fit, target), meanError,
  };
}

export async function benchVi(opts: { quick?: boolean; print?: boolean; initComparison?: boolean } = {}) {
  const quick = opts.quick ?? false;
  const print = opts.print !== false;
  const study = rotatedMoons({ seed: 0 });
  const flat = buildFlat({ X: study.Xs_train[0], y: study.Ys_train[0] });
  const adviRows = [];
  for (const method of ['meanfield', 'fullrank'] as const) {
    for (const schedule of ['stan', 'accurate'] as const) adviRows.push(await adviRow(`gaussian-3d ${method}`, gaussian(), { method, schedule, seed: 1 }));
  }
  for (const schedule of ['stan', 'accurate'] as const) adviRows.push(await adviRow('flat BNN group 1 meanfield', flat, { schedule, seed: 1, ...(quick ? { refineIterations: 2000 } : {}) }));
  if (print) {
    console.log('\nADVI: schedule accurate (default) vs stan');
    console.log('target                        schedule   seconds  gradients  iters  ELBO evals/s  stopped by (stan phase / averaging)           final ELBO  max |mean error|');
    for (const r of adviRows) {
      console.log(`${r.name.padEnd(29)} ${r.schedule.padEnd(9)} ${r.seconds.toFixed(2).padStart(8)} ${String(r.gradients).padStart(10)} ${String(r.iterations).padStart(6)} ${r.elboEvalsPerSecond.toFixed(0).padStart(13)}  ${`${r.convergedBy} / ${r.refinedBy}`.padEnd(45)} ${r.finalElbo.toFixed(3).padStart(10)} ${Number.isFinite(r.meanError) ? r.meanError.toFixed(4) : '–'}`);
    }
  }
  // 2. Pathfinder vs NUTS gradients on the flat BNN.
  const t0 = performance.now();
  const pf = await pathfinder(flat, { seed: 2 });
  const pfSeconds = (performance.now() - t0) / 1000;
  const nutsIter = quick ? { tune: 200, draws: 200 } : { tune: 1000, draws: 1000 };
  const t1 = performance.now();
  const nutsTrace = await sample(flat, { chains: 4, ...nutsIter, seed: 2, progress: false });
  const nutsSeconds = (performance.now() - t1) / 1000;
  const nutsGradients = samplerOverhead(nutsTrace).reduce((s, c) => s + c.numGradEvals, 0);
  const pathfinderRow = { pathfinderGradients: pf.numGradEvals, pathfinderLogDensities: pf.numLogDensityEvals, pathfinderSeconds: pfSeconds, paretoK: pf.paretoK, nutsGradients, nutsSeconds, nuts: `4 × (${nutsIter.tune} + ${nutsIter.draws})` };
  if (print) {
    console.log(`\nPathfinder (4 paths) vs NUTS ${pathfinderRow.nuts} on the flat BNN of group 1`);
    console.log(`Pathfinder: ${pf.numGradEvals} gradients + ${pf.numLogDensityEvals} log densities, ${pfSeconds.toFixed(2)} s, k̂ ${pf.paretoK.toFixed(2)}; NUTS: ${nutsGradients} gradients, ${nutsSeconds.toFixed(2)} s; Pathfinder's gradients are ${((100 * pf.numGradEvals) / nutsGradients).toFixed(2)}% of NUTS's`);
  }
  if (opts.initComparison === false) return { advi: adviRows, pathfinder: pathfinderRow, init: [] };
  // 3. NUTS warmup from jitter vs init 'pathfinder' on the hierarchical BNN.
  const tune = quick ? 200 : 1000;
  const model = hierarchicalBnn(rotatedMoons({ seed: 0 }));
  const initRows = [];
  for (const init of ['jitter', 'pathfinder'] as const) {
    let pfGradients = 0;
    if (init === 'pathfinder') pfGradients = (await pathfinder(model, { paths: 4, seed: 3 })).numGradEvals; // the same fit sample() makes with chains 1 (4 paths), counted apart
    const t = performance.now();
    const trace = await sample(model, { chains: 1, tune, draws: 100, seed: 3, targetAccept: 0.9, init, keepWarmup: true, progress: false });
    const c = trace.chainDraws[0];
    const warmupGradients = c.warmup!.stats.nSteps!.reduce((s, v) => s + v, 0);
    initRows.push({ init, seconds: (performance.now() - t) / 1000, pathfinderGradients: pfGradients, warmupGradients, warmupDivergences: c.warmup!.stats.diverging!.reduce((s, v) => s + v, 0), stepSize: c.adaptation?.stepSize });
  }
  if (print) {
    console.log(`\nNUTS warmup on the hierarchical BNN (1 chain, ${tune} warmup, target accept 0.9): jitter vs init 'pathfinder'`);
    console.log('init         seconds  pathfinder grads  warmup grads  warmup div  step size');
    for (const r of initRows) console.log(`${r.init.padEnd(11)} ${r.seconds.toFixed(1).padStart(8)} ${String(r.pathfinderGradients).padStart(17)} ${String(r.warmupGradients).padStart(13)} ${String(r.warmupDivergences).padStart(11)} ${(r.stepSize ?? NaN).toFixed(4).padStart(10)}`);
  }
  return { advi: adviRows, pathfinder: pathfinderRow, init: initRows };
}

// `--skip-init` leaves out part 3 (minutes of NUTS on the hierarchical BNN).
if (isMainModule(import.meta.url)) await benchVi({ quick: process.argv.includes('--quick'), initComparison: !process.argv.includes('--skip-init') });
