/**
 * `sample(…, { adapt })`: 'stan' gives exactly the draws of the warmup before `adapt` existed;
 * left out, it is DEFAULT_ADAPT (with DEFAULT_TUNE), or 'stan' with Stan-only options;
 * every scheme samples known posteriors right; what warmup did reaches the Trace, the CmdStan
 * CSV and the progress reports; bad values are refused by name.
 */
import test from 'tape';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../../../samplers/run/checkpoint.js';
import { Rng } from '../../../core/rng.js';
import { sample } from '../../../samplers/run/sample.js';
import { cmdStanCsvTexts } from '../../../samplers/io/cmdstan_csv.js';
import { parseCmdStanCsv } from '../../../samplers/io/cmdstan_reader.js';
import { metaFromSettings } from '../../../samplers/io/cmdstan_preamble.js';
import { lowRankToDense, unpackLowRank } from '../../../samplers/mcmc/metric.js';
import { ADAPT_NAMES } from '../../../samplers/adaptation/warmup_adapter.js';
import { DEFAULT_ADAPT, DEFAULT_TUNE, STAN_DEFAULT_TUNE, defaultTune } from '../../../samplers/run/sample_options.js';
import { nuts } from '../../../samplers/mcmc/nuts.js';
import { createProgress } from '../../../samplers/run/progress_bars.js';
import { fakeStream } from '../../core/platform/fake_terminal.js';
import type { ChainProgress } from '../../../samplers/run/progress_events.js';
import type { LogDensity } from '../../../samplers/types.js';
import type { Trace } from '../../../samplers/trace/trace.js';
import { normal2 } from '../../targets.js';

/** N(0, P⁻¹) for a 3×3 tridiagonal precision P. */
const corr3: LogDensity = {
  dim: 3,
  logDensityAndGrad(x, g) {
    const P = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]];
    let lp = 0;
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += P[i][j] * x[j];
      g[i] = -s;
      lp -= 0.5 * x[i] * s;
    }
    return lp;
  },
};

function digest(trace: Trace): string {
  const h = createHash('sha256');
  for (const c of trace.chainDraws) {
    h.update(Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    for (const k of Object.keys(c.stats).sort()) h.update(k).update(Buffer.from(c.stats[k]!.buffer as ArrayBuffer));
    h.update(String(c.adaptation!.stepSize)).update(Buffer.from(c.adaptation!.inverseMassMatrix!.buffer as ArrayBuffer));
  }
  return h.digest('hex').slice(0, 32);
}

test("adapt 'stan' reproduces the warmup from before the option, bit for bit", async (t) => {
  // Digests of draws, statistics and adapted metric recorded on main (eccdb38) before `adapt` existed.
  const cases: [string, LogDensity, object, string][] = [
    ['normal2', normal2, { chains: 2, draws: 200, tune: 300, seed: 11 }, '5ebe62d19f35b8deceb942432a1fed11'],
    ['corr3, tune 1000', corr3, { chains: 2, draws: 200, tune: 1000, seed: 5 }, 'fdcd94c72f27c7b981ab56ae29704c21'],
    ['corr3 dense', corr3, { chains: 1, draws: 150, tune: 200, seed: 7, dense: true }, 'e082e7c4d3a97b56d1fd66ed6d0aaa22'],
    ['normal2, tune 40', normal2, { chains: 1, draws: 100, tune: 40, seed: 3 }, 'fc37715bc3bd1966aebd73f3098a5861'],
  ];
  for (const [name, target, o, expected] of cases) t.equal(digest(await sample(target, { ...o, adapt: 'stan' })), expected, `${name}: adapt 'stan'`);
  // dense: true is a Stan-only option, so left out, adapt is 'stan' there.
  t.equal(digest(await sample(corr3, { chains: 1, draws: 150, tune: 200, seed: 7, dense: true })), cases[2][3], "corr3 dense: the default is adapt 'stan'");
  t.end();
});

test('the default warmup is DEFAULT_ADAPT with DEFAULT_TUNE; Stan-only options choose Stan, a diagonal-only sampler the diagonal Fisher one', async (t) => {
  const run = (o: Record<string, unknown>) => sample(normal2, { chains: 1, draws: 20, seed: 4, ...o });
  const byDefault = await run({});
  t.equal(byDefault.meta.adapt, DEFAULT_ADAPT, `meta.adapt: ${DEFAULT_ADAPT}`);
  t.equal(byDefault.meta.tune, DEFAULT_TUNE, `meta.tune: ${DEFAULT_TUNE}`);
  t.equal(byDefault.meta.perChain![0].adaptation!.adapt, DEFAULT_ADAPT, 'the chain reports the scheme that ran');
  t.equal(digest(byDefault), digest(await run({ adapt: DEFAULT_ADAPT, tune: DEFAULT_TUNE })), 'the same draws as asking for them');
  const stan = await run({ adapt: 'stan' });
  t.equal(stan.meta.tune, STAN_DEFAULT_TUNE, "adapt 'stan' alone warms up for Stan's 1000");
  t.equal(defaultTune('stan'), 1000);
  t.equal(defaultTune('fisher'), DEFAULT_TUNE);
  const diagonalOnly = DEFAULT_ADAPT === 'fisher-low-rank' ? 'fisher' : DEFAULT_ADAPT;
  const cases: [string, Record<string, unknown>, string][] = [
    ['dense: true', { dense: true }, 'stan'],
    ['a dense inverseMassMatrix', { inverseMassMatrix: [1, 0, 0, 1] }, 'stan'],
    ["nuts({ metric: 'dense' })", { sampler: nuts({ metric: 'dense' }) }, 'stan'],
    ['windows', { windows: { initBuffer: 10 } }, 'stan'],
    ['adaptMassMatrix: false', { adaptMassMatrix: false }, 'stan'],
    ['a diagonal inverseMassMatrix', { inverseMassMatrix: [1, 2] }, DEFAULT_ADAPT],
    ['hmc', { sampler: 'hmc' }, DEFAULT_ADAPT],
    ['mala', { sampler: 'mala' }, diagonalOnly],
  ];
  for (const [name, o, adapt] of cases) {
    const trace = await run({ tune: 30, ...o });
    t.equal(trace.meta.adapt, adapt, `${name}: adapt '${adapt}'`);
  }
  t.end();
});

/** Mean and batch-means MCSE of one coordinate over all chains. */
function summarize(chains: Float64Array[]): { mean: number; mcse: number; ess: number } {
  const all = chains.flatMap((c) => Array.from(c));
  const n = all.length;
  const mean = all.reduce((s, v) => s + v, 0) / n;
  const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const b = Math.floor(Math.sqrt(chains[0].length));
  const bms: number[] = [];
  for (const c of chains) for (let k = 0; k + b <= c.length; k += b) bms.push(c.subarray(k, k + b).reduce((s, v) => s + v, 0) / b);
  const bm = bms.reduce((s, v) => s + (v - mean) ** 2, 0) / (bms.length - 1);
  const ess = Math.min(n, (n * variance) / (b * bm));
  return { mean, mcse: Math.sqrt(variance / ess), ess };
}

const K = 4.5; // a two-sided 4.5σ band fails by chance with p ≈ 7e-6 per check

function checkMoment(t: test.Test, label: string, xs: Float64Array[], truth: number): void {
  const m = summarize(xs);
  t.ok(Math.abs(m.mean - truth) < K * m.mcse, `${label} ${m.mean.toFixed(4)} vs ${truth} (MCSE ${m.mcse.toFixed(4)}, ESS ${m.ess.toFixed(0)})`);
}

/** A 6-d Gaussian with scales from 0.01 to 100 and correlation 0.95 between neighbours (AR(1)). */
function scaledCorrelated(): { target: LogDensity; cov: number[][] } {
  const d = 6, rho = 0.95;
  const s = [0.01, 0.1, 1, 10, 100, 1];
  const cov = s.map((si, i) => s.map((sj, j) => rho ** Math.abs(i - j) * si * sj));
  // AR(1) precision: tridiagonal, (1/(1 − ρ²)) [1, −ρ; −ρ, 1 + ρ², …], scaled by 1/(s_i s_j).
  const q = 1 / (1 - rho * rho);
  const prec = s.map((si, i) => s.map((sj, j) => {
    if (i === j) return (q * (i === 0 || i === d - 1 ? 1 : 1 + rho * rho)) / (si * sj);
    return Math.abs(i - j) === 1 ? (-q * rho) / (si * sj) : 0;
  }));
  return {
    cov,
    target: {
      dim: d,
      logDensityAndGrad(x, g) {
        let lp = 0;
        for (let i = 0; i < d; i++) {
          let a = 0;
          for (let j = 0; j < d; j++) a += prec[i][j] * x[j];
          g[i] = -a;
          lp -= 0.5 * x[i] * a;
        }
        return lp;
      },
    },
  };
}

for (const adapt of ADAPT_NAMES) {
  test(`adapt '${adapt}': moments of a badly scaled, correlated 6-d Gaussian`, async (t) => {
    const { target, cov } = scaledCorrelated();
    const trace = await sample(target, { adapt, chains: 2, draws: 1000, tune: 1000, seed: 21 });
    for (const i of [0, 2, 4]) {
      const xs = trace.scalarChains('x', i);
      checkMoment(t, `E x${i}`, xs, 0);
      checkMoment(t, `E x${i}²`, xs.map((c) => c.map((v) => v * v)), cov[i][i]);
    }
    const x3 = trace.scalarChains('x', 3), x4 = trace.scalarChains('x', 4);
    checkMoment(t, 'E x3·x4', x3.map((c, k) => c.map((v, n) => v * x4[k][n])), cov[3][4]);
    t.equal(trace.numDivergences(), 0, 'no divergences');
    t.equal(trace.meta.adapt, adapt, 'meta.adapt');
    t.end();
  });

  test(`adapt '${adapt}': simulation-based calibration, conjugate normal-normal model`, async (t) => {
    // μ ~ N(0, 1), y_k | μ ~ N(μ, 1), k = 1..5: the rank of the prior draw among L thinned
    // posterior draws is uniform on {0..L} when the sampler is right (Talts et al. 2018).
    const reps = 100, L = 9, bins = 10, thin = 10;
    const rng = Rng.fromSeed(124);
    const counts = new Array(bins).fill(0);
    for (let r = 0; r < reps; r++) {
      const mu = rng.normal();
      const ys = Array.from({ length: 5 }, () => mu + rng.normal());
      const sum = ys.reduce((s, v) => s + v, 0);
      const target: LogDensity = {
        dim: 1,
        logDensityAndGrad: (x, g) => {
          g[0] = -x[0] + (sum - 5 * x[0]);
          return -0.5 * x[0] * x[0] - 0.5 * ys.reduce((s, v) => s + (v - x[0]) ** 2, 0);
        },
      };
      const trace = await sample(target, { adapt, chains: 1, draws: L * thin, tune: 150, seed: 2000 + r });
      const draws = trace.scalarChains('x', 0)[0].filter((_v, i) => i % thin === thin - 1);
      counts[draws.filter((v) => v < mu).length] += 1;
    }
    const expected = reps / bins;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // χ² with 9 degrees of freedom: the 0.999 quantile is 27.88.
    t.ok(chi2 < 27.88, `rank histogram ${counts.join(' ')}: χ²₉ = ${chi2.toFixed(2)} < 27.88 (α = 0.001)`);
    t.end();
  });
}

/** Bayesian logistic regression, fixed design, β ~ N(0, 2²) (samplers_stats.test.ts's). */
function logistic(): LogDensity {
  const rng = Rng.fromSeed(99);
  const n = 60;
  const X = Array.from({ length: n }, () => [1, rng.normal(), rng.normal()]);
  const truth = [0.5, -1, 2];
  const y = X.map((x) => (rng.uniform() < 1 / (1 + Math.exp(-x.reduce((s, v, j) => s + v * truth[j], 0))) ? 1 : 0));
  return {
    dim: 3,
    logDensityAndGrad(b, g) {
      let lp = 0;
      for (let j = 0; j < 3; j++) {
        lp -= (b[j] * b[j]) / 8;
        g[j] = -b[j] / 4;
      }
      for (let i = 0; i < n; i++) {
        const eta = X[i][0] * b[0] + X[i][1] * b[1] + X[i][2] * b[2];
        const p = 1 / (1 + Math.exp(-eta));
        lp += y[i] * eta - (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));
        for (let j = 0; j < 3; j++) g[j] += (y[i] - p) * X[i][j];
      }
      return lp;
    },
  };
}

test("adapt 'fisher' and 'fisher-low-rank' agree with adapt 'stan' on a Bayesian logistic regression", async (t) => {
  const target = logistic();
  const ref = await sample(target, { adapt: 'stan', chains: 4, draws: 2500, tune: 500, seed: 4 });
  for (const adapt of ['fisher', 'fisher-low-rank'] as const) {
    const run = await sample(target, { adapt, chains: 2, draws: 600, tune: 400, seed: 5 });
    for (let j = 0; j < 3; j++) {
      const r = summarize(ref.scalarChains('x', j));
      const s = summarize(run.scalarChains('x', j));
      // Two independent estimates: their difference has SE √(MCSE₁² + MCSE₂²).
      const se = Math.hypot(r.mcse, s.mcse);
      t.ok(Math.abs(r.mean - s.mean) < K * se, `${adapt} β${j}: ${s.mean.toFixed(3)} vs reference ${r.mean.toFixed(3)} (SE ${se.toFixed(3)})`);
    }
  }
  t.end();
});

test("adapt 'fisher-low-rank': the metric finds the correlation; Trace meta, CmdStan CSV and progress say what warmup did", async (t) => {
  const { target, cov } = scaledCorrelated();
  const phases: string[] = [];
  const trace = await sample(target, { adapt: 'fisher-low-rank', chains: 2, draws: 200, tune: 400, seed: 22, onProgress: (p) => p.phase && phases.push(p.phase) });
  const report = trace.meta.perChain![0].adaptation!;
  t.equal(report.adapt, 'fisher-low-rank');
  t.equal(report.metric, 'lowrank', 'a low-rank metric');
  t.ok(report.rank! >= 1 && report.eigenvalues!.length === report.rank, `rank ${report.rank}, eigenvalues ${report.eigenvalues!.map((v) => v.toPrecision(3)).join(', ')}`);
  t.deepEqual(report.phases.map((p) => p.name), ['early', 'window 1', 'window 2', 'step size'], 'phases');
  t.deepEqual([report.phases[0].start, report.phases[0].end, report.phases[3].start, report.phases[3].end], [0, 120, 340, 400], 'early 30%, step size the last 15%');
  t.equal(report.stepSize, trace.chainDraws[0].adaptation!.stepSize, 'the step size sampled with');
  t.equal(report.shift!.length, 6, 'the shift μ');
  t.ok(phases.length > 0 && phases.every((p) => ['early', 'windows', 'step size'].includes(p)), `progress reports phases (${[...new Set(phases)].join(', ')})`);
  // The adapted M⁻¹ against Σ: within a factor 3 on every variance (400 warmup draws; Stan's
  // diagonal is right on the diagonal but blind to the correlation 0.95).
  const inv = trace.chainDraws[0].adaptation!.inverseMassMatrix!;
  const dense = lowRankToDense(unpackLowRank(inv, 6));
  for (let i = 0; i < 6; i++) t.ok(dense[i * 6 + i] / cov[i][i] > 1 / 3 && dense[i * 6 + i] / cov[i][i] < 3, `M⁻¹[${i},${i}] ${dense[i * 6 + i].toPrecision(3)} vs Σ ${cov[i][i].toPrecision(3)}`);
  const csv = cmdStanCsvTexts(trace)[0];
  t.match(csv, /# Low-rank inverse mass matrix \(hbnn\): S \(I \+ U \(L - I\) U\^T\) S, rank \d+/, 'CSV: the low-rank block');
  const parsed = parseCmdStanCsv(csv, 'chain.csv');
  t.match(csv, /\n#       hbnn_adapt = fisher-low-rank\n/, 'CSV: the adapt block names the warmup scheme');
  t.equal(metaFromSettings(parsed.settings).adapt, 'fisher-low-rank', 'and it reads back as meta.adapt');
  const diag = parsed.adaptation.inverseMassMatrix!;
  t.equal(diag.length, 6, 'a CmdStan reader takes the diagonal of M⁻¹');
  t.ok(diag.every((v, i) => Math.abs(v / dense[i * 6 + i] - 1) < 1e-5), 'which is the diagonal of the low-rank M⁻¹');
  t.end();
});

test('progress bars name the warmup phase', (t) => {
  const s = fakeStream(true);
  const p = createProgress(true, [0], 10, 20, s.stream);
  p.update({ chain: 0, iteration: 5, divergences: 0, phase: 'early' } as ChainProgress);
  p.stop();
  t.match(s.text(), /5\/30 warmup \(early\)/);
  const named = fakeStream(true);
  const q = createProgress(true, [0], 10, 20, named.stream, 'fisher-low-rank');
  q.update({ chain: 0, iteration: 5, divergences: 0, phase: 'early' } as ChainProgress);
  q.stop();
  t.match(named.text(), /5\/30 warmup \(fisher-low-rank: early\)/, 'and the scheme, when sample() passes it');
  t.end();
});

test("adapt 'stan' reports Stan's windows; bad adapt values are refused by name", async (t) => {
  const trace = await sample(normal2, { adapt: 'stan', chains: 1, draws: 50, tune: 1000, seed: 1 });
  const r = trace.meta.perChain![0].adaptation!;
  t.equal(r.adapt, 'stan');
  t.deepEqual(r.phases.map((p) => [p.name, p.start, p.end]), [['init buffer', 0, 75], ['window 1', 75, 100], ['window 2', 100, 150], ['window 3', 150, 250], ['window 4', 250, 450], ['window 5', 450, 950], ['term buffer', 950, 1000]]);
  t.equal(r.metricUpdates, 5);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ adapt: 'nutpie' }, /adapt must be one of 'stan', 'fisher', 'fisher-low-rank', got 'nutpie'/],
    [{ adapt: 3 }, /adapt must be one of .*got 3/],
    [{ adapt: 'fisher', dense: true }, /adapt 'fisher' .*dense: true needs adapt 'stan'/],
    [{ adapt: 'fisher-low-rank', windows: { initBuffer: 10 } }, /windows .*adapt 'fisher-low-rank'/],
    [{ adapt: 'fisher', adaptMassMatrix: false }, /adaptMassMatrix: false/],
    [{ adapt: 'fisher', inverseMassMatrix: [1, 0, 0, 1] }, /diagonal inverseMassMatrix \(length 2\)/],
    [{ adapt: 'fisher-low-rank', sampler: 'mala' }, /mala's metric is diagonal, use adapt 'fisher'/],
  ];
  for (const [opts, re] of bad) {
    try {
      await sample(normal2, { chains: 1, draws: 5, tune: 5, seed: 1, ...opts });
      t.fail(`accepted ${JSON.stringify(opts)}`);
    } catch (e) {
      t.ok(re.test((e as Error).message), (e as Error).message);
    }
  }
  t.end();
});

// A correlated 3-d Gaussian (precision P positive definite, corr(x0, x1) ≈ 0.97) as an ES module a worker can import.
const corrModule = `data:text/javascript,${encodeURIComponent(`
export function make() {
  const P = [[2, -1.9, 0], [-1.9, 2, -0.3], [0, -0.3, 1]];
  return { dim: 3, logDensityAndGrad(x, g) { let lp = 0; for (let i = 0; i < 3; i++) { let s = 0; for (let j = 0; j < 3; j++) s += P[i][j] * x[j]; g[i] = -s; lp -= 0.5 * x[i] * s; } return lp; } };
}`)}`;

test("adapt 'fisher-low-rank' gives the same draws, adaptation and CmdStan CSV in worker threads as in sequence", async (t) => {
  const { make } = (await import(corrModule)) as { make: () => LogDensity };
  const opts = { adapt: 'fisher-low-rank' as const, chains: 2, draws: 60, tune: 200, seed: 9 };
  const seq = await sample(make(), opts);
  const par = await sample(make(), { ...opts, parallel: true, workerTarget: { module: corrModule, exportName: 'make' } });
  t.deepEqual(Array.from(par.get('x').values), Array.from(seq.get('x').values), 'same draws');
  t.deepEqual(par.meta.perChain!.map((c) => c.adaptation), seq.meta.perChain!.map((c) => c.adaptation), 'same adaptation reports');
  const untimed = (text: string) => text.split('\n').filter((l) => !/ seconds \(/.test(l)).join('\n');
  t.deepEqual(cmdStanCsvTexts(par).map(untimed), cmdStanCsvTexts(seq).map(untimed), 'the same CmdStan CSV but for the elapsed times');
  t.end();
});

test("adapt 'fisher-low-rank' with a checkpoint: the file's adaptation block reads back as the diagonal of M⁻¹", async (t) => {
  const { make } = (await import(corrModule)) as { make: () => LogDensity };
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-adapt-'));
  try {
    const trace = await sample(make(), { adapt: 'fisher-low-rank', chains: 1, draws: 50, tune: 200, seed: 3, checkpoint: { dir } });
    const inv = trace.chainDraws[0].adaptation!.inverseMassMatrix!;
    t.equal(trace.meta.perChain![0].adaptation!.metric, 'lowrank', 'a low-rank metric ran');
    const dense = lowRankToDense(unpackLowRank(inv, 3));
    const back = readCheckpoint(dir).chainDraws[0].adaptation!;
    t.equal(back.stepSize, trace.chainDraws[0].adaptation!.stepSize, 'step size');
    t.ok(Array.from(back.inverseMassMatrix!).every((v, i) => Math.abs(v / dense[i * 3 + i] - 1) < 1e-12), 'diag of M⁻¹');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});
