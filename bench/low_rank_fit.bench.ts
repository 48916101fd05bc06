/**
 * Cost of one low-rank Fisher refit (issue #13): `fisherLowRank` on n draws and gradients of
 * dimension d (m = 2n subspace directions), plus building the metric from its packed result, as
 * warmup does every `lowRankEvery` draws. The draws are from a correlated Gaussian with a few
 * dominant directions, so the fit keeps a realistic rank. Median over repetitions, ms. Also the
 * per-leapfrog cost of the fitted 'lowrank' metric, O(dim·k): µs per `velocity` and per
 * `kineticEnergy` call, CPU time (median over repetitions of 2000 calls each).
 *
 * Run: `node dist/bench/low_rank_fit.bench.js [--dim 763] [--draws 100] [--reps 7] [--out FILE.json]`.
 */
import { Rng } from '../core/rng.js';
import { fisherLowRank } from '../samplers/adaptation/fisher_low_rank.js';
import { euclideanMetric } from '../samplers/mcmc/metric.js';
import { median } from './timing.js';
import { isMainModule, writeResultIfAsked } from './script.js';

export interface LowRankFitRow {
  dim: number;
  draws: number;
  rank: number;
  /** Median ms of `fisherLowRank`. */
  fitMs: number;
  /** Median CPU ms (user + system) of `fisherLowRank`: on a shared machine, wall time counts the other processes too. */
  fitCpuMs: number;
  /** Median ms of building the metric from the packed estimate. */
  metricMs: number;
  /** Median CPU µs of one `velocity` call of the fitted metric (M⁻¹p), the leapfrog's share. */
  velocityUs: number;
  /** Median CPU µs of one `kineticEnergy` call of the fitted metric. */
  kineticUs: number;
  fitMsAll: number[];
}

/** x = S(z + Σ_j a_j w_j (w_j·z)) for a few random directions w_j, g its Gaussian gradient's stand-in −S⁻¹(...). */
function synthetic(dim: number, n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const scale = Float64Array.from({ length: dim }, (_, i) => Math.exp(Math.sin(i)));
  const dirs = Array.from({ length: 8 }, () => {
    const w = Float64Array.from({ length: dim }, () => rng.normal());
    const nw = Math.hypot(...w);
    return w.map((v) => v / nw);
  });
  const amp = dirs.map((_, j) => 3 * (j + 1));
  const draws: Float64Array[] = [];
  const grads: Float64Array[] = [];
  for (let t = 0; t < n; t++) {
    const z = Float64Array.from({ length: dim }, () => rng.normal());
    // C = I + Σ a_j w wᵀ (orthogonality of random w ignored): x = S C^{1/2} z, g = −S⁻¹ C^{-1/2} z, approximately.
    const x = Float64Array.from(z);
    const g = Float64Array.from(z, (v) => -v);
    dirs.forEach((w, j) => {
      let c = 0;
      for (let i = 0; i < dim; i++) c += w[i] * z[i];
      const up = Math.sqrt(1 + amp[j]) - 1;
      const down = 1 / Math.sqrt(1 + amp[j]) - 1;
      for (let i = 0; i < dim; i++) {
        x[i] += up * c * w[i];
        g[i] -= down * c * w[i];
      }
    });
    for (let i = 0; i < dim; i++) {
      x[i] *= scale[i];
      g[i] /= scale[i];
    }
    draws.push(x);
    grads.push(g);
  }
  return { draws, grads };
}

export function benchLowRankFit(dim = 763, n = 100, reps = 7, print = true): LowRankFitRow {
  const { draws, grads } = synthetic(dim, n, 1);
  const fit: number[] = [];
  const metric: number[] = [];
  const cpu: number[] = [];
  let rank = 0;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const est = fisherLowRank(draws, grads);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    if (!est) throw new Error('benchLowRankFit: no estimate');
    euclideanMetric(est.inverseMassMatrix, dim);
    const t2 = performance.now();
    fit.push(t1 - t0);
    metric.push(t2 - t1);
    rank = est.eigenvalues.length;
  }
  const { velocityUs, kineticUs } = metricApplyCost(fisherLowRank(draws, grads)!.inverseMassMatrix, dim, reps);
  const row = { dim, draws: n, rank, fitMs: median(fit), fitCpuMs: median(cpu), metricMs: median(metric), velocityUs, kineticUs, fitMsAll: fit };
  if (print) {
    console.log(`low-rank fit d=${dim} n=${n} (m=${Math.min(dim, 2 * n)}) rank ${rank}: fit ${row.fitMs.toFixed(1)} ms wall (${row.fitCpuMs.toFixed(1)} ms CPU), metric ${row.metricMs.toFixed(1)} ms (median of ${reps}; wall: ${fit.map((v) => v.toFixed(0)).join(' ')})`);
    console.log(`metric apply (rank ${rank}): velocity ${velocityUs.toFixed(2)} µs CPU, kinetic energy ${kineticUs.toFixed(2)} µs CPU per call`);
  }
  return row;
}

/** CPU µs per `velocity` and `kineticEnergy` call of the metric for `packed`, median over `reps` runs of 2000 calls. */
function metricApplyCost(packed: Float64Array, dim: number, reps: number) {
  const m = euclideanMetric(packed, dim);
  const rng = Rng.fromSeed(2);
  const p = Float64Array.from({ length: dim }, () => rng.normal());
  const out = new Float64Array(dim);
  const calls = 2000;
  const vel: number[] = [];
  const kin: number[] = [];
  let sink = 0;
  for (let r = 0; r < Math.max(reps, 3); r++) {
    const c0 = process.cpuUsage();
    for (let c = 0; c < calls; c++) sink += m.velocity(p, out)[c % dim];
    const c1 = process.cpuUsage(c0);
    for (let c = 0; c < calls; c++) sink += m.kineticEnergy(p);
    const c2 = process.cpuUsage(c0);
    vel.push((c1.user + c1.system) / calls);
    kin.push((c2.user + c2.system - c1.user - c1.system) / calls);
  }
  if (!Number.isFinite(sink)) throw new Error('metricApplyCost: non-finite result');
  return { velocityUs: median(vel), kineticUs: median(kin) };
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  writeResultIfAsked(args, benchLowRankFit(opt('dim', 763), opt('draws', 100), opt('reps', 7)));
}
