/**
 * Derived quantities and the pointwise log-likelihood in a run: stored after the parameters with
 * their shapes and kinds, equal to their formulas at every kept draw, in summaries, CmdStan CSV
 * (Stan's column names) and trace JSON; identical from worker and sequential runs; errors.
 */
import test from 'tape';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { T } from '../../autodiff/index.js';
import { defineModel, dist } from '../../models/index.js';
import { sample } from '../../samplers/run/sample.js';
import { summary } from '../../samplers/diagnostics/summary.js';
import { cmdStanCsvTexts, readCmdStanCsv, writeCmdStanCsv } from '../../samplers/io/cmdstan_csv.js';
import { traceFromJson, traceToJson } from '../../samplers/io/trace_json.js';
import { make, y } from '../fixtures/derived_model.js';
import { withTempDir } from '../helpers/temp_dir.js';
import { readCheckpoint } from '../../samplers/run/checkpoint.js';

const fixture = new URL('../fixtures/derived_model.js', import.meta.url).href;
const opts = { chains: 2, draws: 60, tune: 60, seed: 11 };

test('derived: layout, kinds and shapes in the trace; values equal their formulas at every draw', async (t) => {
  const model = make();
  t.equal(model.dim, 1 + 1 + 2 + 1, 'dim: mu, sigma, 2 free simplex values, 1 free correlation');
  t.equal(model.constrainedSize, 1 + 1 + 3 + 4, 'constrained size: mu, sigma, w[3], L[2,2]');
  const trace = await sample(model, opts);
  t.deepEqual(trace.params.map((p) => [p.name, [...p.shape], p.kind ?? 'parameter']), [
    ['mu', [], 'parameter'], ['sigma', [], 'parameter'], ['w', [3], 'parameter'], ['L', [2, 2], 'parameter'],
    ['z', [5], 'derived'], ['Omega', [2, 2], 'derived'], ['scale2', [], 'derived'], ['log_lik', [5], 'logLik'],
  ]);
  t.deepEqual(trace.namesOf('parameter'), ['mu', 'sigma', 'w', 'L']);
  t.equal(trace.kindOf('log_lik'), 'logLik');
  const ll = trace.get('log_lik');
  t.deepEqual(ll.shape, [2, 60, 5], 'log_lik is chains × draws × n');
  const mu = trace.get('mu').values;
  const sigma = trace.get('sigma').values;
  const L = trace.get('L').values;
  const omega = trace.get('Omega').values;
  const z = trace.get('z').values;
  let worst = 0;
  for (let d = 0; d < 120; d++) {
    for (let i = 0; i < 5; i++) {
      const zi = (y[i] - mu[d]) / sigma[d];
      worst = Math.max(worst, Math.abs(z[d * 5 + i] - zi), Math.abs(ll.values[d * 5 + i] - (-0.5 * zi * zi - Math.log(sigma[d]) - 0.5 * Math.log(2 * Math.PI))));
    }
    const l = L.subarray(d * 4, d * 4 + 4);
    worst = Math.max(worst, Math.abs(omega[d * 4 + 1] - l[0] * l[2]), Math.abs(omega[d * 4 + 3] - (l[2] * l[2] + l[3] * l[3])));
  }
  t.ok(worst < 1e-12, `z, Omega and log_lik equal their formulas at every draw (max error ${worst.toExponential(1)})`);
  const w = trace.get('w').values;
  t.ok(Array.from({ length: 120 }, (_, d) => w[d * 3] + w[d * 3 + 1] + w[d * 3 + 2]).every((s) => Math.abs(s - 1) < 1e-12), 'every draw of w sums to 1');
  const rows = summary(trace);
  t.deepEqual(rows.map((r) => r.name).slice(-7), ['Omega[1,1]', 'scale2', 'log_lik[0]', 'log_lik[1]', 'log_lik[2]', 'log_lik[3]', 'log_lik[4]'], 'summary rows end with the derived quantities and log_lik');
  t.ok(rows.some((r) => r.name === 'Omega[1,0]') && rows.some((r) => r.name === 'log_lik[4]') && rows.some((r) => r.name === 'scale2'), 'summary has rows for the derived quantities and log_lik');
  t.ok(Math.abs(rows.find((r) => r.name === 'Omega[0,0]')!.mean - 1) < 1e-12, 'Omega[0,0] = 1 (a correlation matrix)');
  t.end();
});

test('derived: CmdStan CSV columns as Stan names them, read back; trace JSON keeps the kinds', async (t) => {
  const trace = await sample(make(), { ...opts, chains: 1, draws: 10, tune: 20 });
  const header = cmdStanCsvTexts(trace)[0].split('\n').find((l) => l.startsWith('lp__'))!.split(',');
  t.deepEqual(header.slice(7), ['mu', 'sigma', 'w.1', 'w.2', 'w.3', 'L.1.1', 'L.2.1', 'L.1.2', 'L.2.2', 'z.1', 'z.2', 'z.3', 'z.4', 'z.5', 'Omega.1.1', 'Omega.2.1', 'Omega.1.2', 'Omega.2.2', 'scale2', 'log_lik.1', 'log_lik.2', 'log_lik.3', 'log_lik.4', 'log_lik.5']);
  withTempDir('hbnn-derived-', (dir) => {
    const back = readCmdStanCsv(writeCmdStanCsv(trace, dir));
    t.deepEqual([...back.get('log_lik').values], [...trace.get('log_lik').values], 'log_lik reads back');
    t.equal(back.kindOf('log_lik'), 'logLik', "a CSV's log_lik columns are the pointwise log-likelihood");
    t.deepEqual([...back.get('L').values], [...trace.get('L').values], 'L reads back in row-major order');
  });
  const json = traceFromJson(JSON.parse(JSON.stringify(traceToJson(trace))));
  t.deepEqual(json.params.map((p) => p.kind ?? 'parameter'), trace.params.map((p) => p.kind ?? 'parameter'), 'trace JSON keeps every kind');
  t.end();
});

test('derived: a checkpointed run writes and reads back the derived quantities and log_lik', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-derived-ckpt-'));
  try {
    const trace = await sample(make(), { ...opts, chains: 2, draws: 12, tune: 10, keepWarmup: true, checkpoint: { dir } });
    const back = readCheckpoint(dir);
    t.deepEqual(back.paramNames, trace.paramNames, 'same quantities');
    t.deepEqual([...back.get('Omega').values], [...trace.get('Omega').values], 'Omega reads back');
    t.deepEqual([...back.get('log_lik').values], [...trace.get('log_lik').values], 'log_lik reads back');
    const warm = back.chainDraws[0].warmup!.values;
    t.ok(warm.length === 10 * trace.width && warm.every(Number.isFinite), 'kept warmup rows carry their derived quantities too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('derived: worker runs give the same trace as sequential runs', async (t) => {
  const seq = await sample(make(), opts);
  const par = await sample(make(), { ...opts, parallel: true, workerTarget: { module: fixture, exportName: 'make' } });
  t.deepEqual(par.params, seq.params, 'same layout and kinds');
  t.deepEqual(Array.from(par.chainDraws[1].values), Array.from(seq.chainDraws[1].values), 'same rows, derived and log_lik included');
  t.deepEqual(Array.from(par.get('log_lik').values), Array.from(seq.get('log_lik').values), 'same log_lik');
  t.end();
});

test('derived: errors name the quantity', async (t) => {
  const base = { params: { mu: [] as number[] }, logp: ({ mu }: Record<string, import('../../autodiff/index.js').Tensor>) => dist.normal(mu, 0, 1) };
  t.throws(() => defineModel({ ...base, derived: ({ mu }) => ({ mu: T.mul(mu, 2) }) }).derived, /defineModel derived: 'mu' is already a parameter/);
  t.throws(() => defineModel({ ...base, derived: ({ mu }) => ({ log_lik: mu }), logLik: ({ mu }) => mu }).derived, /'log_lik' is already the name of logLik/);
  t.throws(() => defineModel({ ...base, derived: ({ muu }) => ({ a: muu }) }).derived, /defineModel derived: no parameter 'muu' \(did you mean 'mu'\?\); the parameters are mu/);
  t.throws(() => defineModel({ ...base, derived: () => ({ a: 'x' as never }) }).derived, /defineModel derived: 'a' must be a Tensor, a number or an array of numbers/);
  t.throws(() => defineModel({ ...base, derived: 3 as never }), /defineModel: derived must be a function, got number/);
  t.throws(() => defineModel({ params: { log_lik: [] }, logp: ({ log_lik }) => log_lik, logLik: ({ log_lik }) => log_lik }), /defineModel: a parameter is named 'log_lik', the name logLik is stored under; rename it/);
  let n = 1;
  const growing = defineModel({ ...base, derived: () => ({ a: new Array(n++).fill(0) }) });
  await sample(growing, { chains: 1, draws: 3, tune: 0, seed: 1 }).then(
    () => t.fail('a derived quantity that changes shape was accepted'),
    (e: Error) => t.match(e.message, /defineModel derived: 'a' had shape \[1\] at the first evaluation, now \[2\]; derived quantities must keep their shapes/),
  );
  t.end();
});
