/**
 * Our CmdStan CSV read by rstan itself (`rstan::read_stan_csv`, Debian's r-cran-rstan): a
 * diagonal NUTS run, a dense one, static HMC, MALA, ADVI draws, a checkpoint folder, and a user sampler with an extra
 * column (rstan's sampler columns are a fixed list, so it reads that one as a parameter). rstan must raise no warning (it warns `line with "Elapsed Time" not found` on a file
 * without the footer), name the sampler (NUTS(diag_e), NUTS(dense_e), HMC), see the full dense
 * matrix, and read the same draws and times. The R side is test/fixtures/read_stan_csv.R.
 *
 * Without Rscript or rstan the test is skipped, and says so.
 */
import test from 'tape';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sample } from '../../../samplers/run/sample.js';
import { writeCmdStanCsv } from '../../../samplers/io/cmdstan_csv.js';
import { advi } from '../../../samplers/vi/advi.js';
import type { Trace } from '../../../samplers/trace/trace.js';
import { normal2 } from '../../targets.js';
import { correlated3, walker } from './csv_fixtures.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures', 'read_stan_csv.R');
const probe = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(rstan))'], { encoding: 'utf8', timeout: 60_000 });
const skip = probe.status !== 0;
if (skip) console.log(`# SKIP rstan read-back: no Rscript with rstan (${probe.error?.message ?? probe.stderr?.trim().split('\n').pop()}); apt-get install r-cran-rstan`);

interface RstanView {
  warnings: string[];
  samplerT: string;
  engine: string;
  metric: string;
  algorithm: string;
  inverseMetric: number[];
  warmupSeconds: number;
  samplingSeconds: number;
  firstDraw: number;
  samplerParams: string[];
  draws: number;
  params: string[];
}

function readWithRstan(dirs: string[]): Map<string, RstanView> {
  const r = spawnSync('Rscript', [SCRIPT, ...dirs], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`Rscript failed: ${r.stderr}`);
  const out = new Map<string, RstanView>();
  for (const line of r.stdout.trim().split('\n')) {
    const f = line.split('|');
    out.set(f[0], {
      warnings: f[1] === '0' ? [] : f[2].split(';'),
      samplerT: f[3], engine: f[4], metric: f[5], algorithm: f[6],
      inverseMetric: f[7] === '' ? [] : f[7].split(',').map(Number),
      warmupSeconds: Number(f[8]), samplingSeconds: Number(f[9]), firstDraw: Number(f[10]),
      samplerParams: f[11].split(','), draws: Number(f[12]), params: f[13].split(','),
    });
  }
  return out;
}

const close = (a: number, b: number, rel = 1e-15) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

test('rstan::read_stan_csv reads our CmdStan CSV without warnings, naming the sampler and metric', { skip, timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-rstan-'));
  try {
    const runs: Record<string, Trace> = {
      diag: await sample(correlated3, { chains: 2, draws: 40, tune: 150, seed: 11, adapt: 'stan' }), // Stan's warmup: a diagonal metric
      dense: await sample(correlated3, { chains: 2, draws: 40, tune: 150, seed: 11, dense: true }),
      hmc: await sample(normal2, { chains: 2, draws: 30, tune: 50, seed: 11, sampler: 'hmc' }),
      mala: await sample(normal2, { chains: 2, draws: 30, tune: 50, seed: 11, sampler: 'mala', keepWarmup: true }),
      walker: await sample(normal2, { chains: 2, draws: 30, tune: 50, seed: 11, sampler: walker }),
      advi: (await advi(normal2, { seed: 11, iterations: 200 })).sample(30, 1),
    };
    for (const [name, trace] of Object.entries(runs)) writeCmdStanCsv(trace, join(dir, name));
    // A checkpoint folder is CmdStan CSV too (warmup draws kept, so rstan splits them off).
    runs.checkpoint = await sample(correlated3, { chains: 2, draws: 20, tune: 60, seed: 12, keepWarmup: true, checkpoint: { dir: join(dir, 'checkpoint') } });
    const views = readWithRstan(Object.keys(runs).map((n) => join(dir, n)));
    for (const [name, trace] of Object.entries(runs)) {
      const v = views.get(name)!;
      t.deepEqual(v.warnings, [], `${name}: no rstan warning (the elapsed-time footer is there)`);
      t.ok(close(v.firstDraw, trace.chainDraws[0].values[0]), `${name}: the first draw reads as ${v.firstDraw}`);
      t.equal(v.draws, trace.draws, `${name}: ${trace.draws} post-warmup draws per chain`);
      const e = trace.chainDraws[0].elapsed;
      if (e) t.ok(Math.abs(v.warmupSeconds - e.warmupSeconds) < 1e-6 && Math.abs(v.samplingSeconds - e.samplingSeconds) < 1e-6, `${name}: elapsed ${v.warmupSeconds}s + ${v.samplingSeconds}s`);
    }
    const diag = views.get('diag')!;
    t.deepEqual([diag.samplerT, diag.engine, diag.metric], ['NUTS(diag_e)', 'nuts', 'diag_e'], 'diag: NUTS(diag_e)');
    t.ok(diag.inverseMetric.length === 3 && diag.inverseMetric.every((x, i) => close(x, runs.diag.chainDraws[0].adaptation!.inverseMassMatrix![i])), 'diag: the 3 diagonal elements');
    const dense = views.get('dense')!;
    t.deepEqual([dense.samplerT, dense.engine, dense.metric], ['NUTS(dense_e)', 'nuts', 'dense_e'], 'dense: NUTS(dense_e)');
    const m = runs.dense.chainDraws[0].adaptation!.inverseMassMatrix!;
    t.ok(dense.inverseMetric.length === 9 && dense.inverseMetric.every((x, i) => close(x, m[i])), `dense: the full 3×3 matrix (${dense.inverseMetric.length} elements)`);
    const hmc = views.get('hmc')!;
    t.deepEqual([hmc.samplerT, hmc.engine, hmc.algorithm], ['HMC', 'static', 'hmc'], 'hmc: engine = static, rstan says HMC');
    t.deepEqual([views.get('mala')!.algorithm, views.get('mala')!.engine], ['mala', 'NULL'], 'mala: algorithm mala, no HMC engine');
    t.equal(views.get('advi')!.algorithm, 'advi', 'advi: algorithm advi');
    // rstan's list of sampler columns is fixed (lp__ … energy__), so it reads an extra one as a parameter.
    const w = views.get('walker')!;
    t.ok(w.params.includes('proposalDistance__') && w.samplerParams.join(',') === 'accept_stat__,stepsize__,divergent__', `walker: the extra column is read (rstan files it under parameters: ${w.params.join(', ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});
