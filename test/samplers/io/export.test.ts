/**
 * Summary table, sampler warnings, and the CmdStan CSV / JSON exports: exact round trips through
 * our own readers, a CmdStan-written layout (column-major, 6 digits) read correctly, and errors.
 */
import test from 'tape';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../core/rng.js';
import { Trace, type ChainDraws } from '../../../samplers/trace/trace.js';
import { summary, formatSummary } from '../../../samplers/diagnostics/summary.js';
import { ebfmi, samplerWarnings } from '../../../samplers/diagnostics/warnings.js';
import { readCmdStanCsv, writeCmdStanCsv } from '../../../samplers/io/cmdstan_csv.js';
import { readTraceJson, writeTraceJson } from '../../../samplers/io/trace_json.js';
import { sample } from '../../../samplers/run/sample.js';
import { DEFAULT_ADAPT } from '../../../samplers/run/sample_options.js';
import { correlated3 } from './csv_fixtures.js';
import { essBulk, essTail, mcseMean, rhat } from '../../../samplers/diagnostics/index.js';

const PARAMS = [
  { name: 'mu', shape: [] },
  { name: 'w', shape: [2, 3] },
];
const WIDTH = 7;

/** A trace of iid normals with every statistic, optional warmup and adaptation. */
function makeTrace(opts: { chains?: number; draws?: number; seed?: number; warmup?: number; shift?: number } = {}): Trace {
  const { chains = 2, draws = 50, seed = 1, warmup = 0, shift = 0 } = opts;
  const rng = Rng.fromSeed(seed);
  const block = (n: number, c: number) => {
    const values = rng.fillNormal(new Float64Array(n * WIDTH));
    if (c === 0) for (let i = 0; i < values.length; i++) values[i] += shift;
    const col = (f: (d: number) => number) => Float64Array.from({ length: n }, (_, d) => f(d));
    return {
      values,
      stats: {
        lp: col(() => -3 + rng.normal()),
        acceptStat: col(() => rng.uniform()),
        stepSize: col(() => 0.25),
        treeDepth: col(() => 2 + rng.int(2)),
        nSteps: col(() => 3 + rng.int(5)),
        diverging: col(() => 0),
        energy: col(() => 4 + rng.normal()),
      },
    };
  };
  const chainDraws: ChainDraws[] = Array.from({ length: chains }, (_, c) => ({
    ...block(draws, c),
    ...(warmup > 0 ? { warmup: block(warmup, c) } : {}),
    adaptation: { stepSize: 0.25 + c / 100, inverseMassMatrix: Float64Array.from({ length: WIDTH }, (_, i) => 1 + i / 3) },
  }));
  return new Trace({ params: PARAMS, chains: chainDraws, meta: { model: 'test_model', sampler: 'nuts', seed, tune: warmup, warmupSeconds: 1.5, samplingSeconds: 2.5 } });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hbnn-export-'));

function sameTrace(t: test.Test, a: Trace, b: Trace, what: string): void {
  t.deepEqual(b.params, a.params, `${what}: params`);
  t.equal(b.chains, a.chains, `${what}: chains`);
  let exact = true;
  a.chainDraws.forEach((c, i) => {
    const d = b.chainDraws[i];
    const eq = (x?: Float64Array, y?: Float64Array) => x === undefined ? y === undefined : y !== undefined && x.length === y.length && x.every((v, k) => Object.is(v, y[k]));
    exact &&= eq(c.values, d.values);
    for (const key of Object.keys(c.stats) as (keyof typeof c.stats)[]) exact &&= eq(c.stats[key], d.stats[key]);
    exact &&= eq(c.warmup?.values, d.warmup?.values) && eq(c.warmup?.stats.lp, d.warmup?.stats.lp);
    exact &&= c.adaptation?.stepSize === d.adaptation?.stepSize && eq(c.adaptation?.inverseMassMatrix, d.adaptation?.inverseMassMatrix);
  });
  t.ok(exact, `${what}: values, stats, warmup and adaptation identical bit for bit`);
}

test('summary: quantiles, moments and diagnostics on known data', (t) => {
  // Two chains holding 0..99 (chain 0: 0..49, chain 1: 50..99) in parameter `mu`.
  const chains: ChainDraws[] = [0, 1].map((c) => {
    const values = new Float64Array(50 * WIDTH);
    for (let d = 0; d < 50; d++) values[d * WIDTH] = c * 50 + d;
    for (let d = 0; d < 50; d++) for (let j = 1; j < WIDTH; j++) values[d * WIDTH + j] = Math.sin(d * j + c);
    return { values, stats: { lp: new Float64Array(50) } };
  });
  const trace = new Trace({ params: PARAMS, chains });
  const rows = summary(trace);
  t.deepEqual(rows.map((r) => r.name), ['mu', 'w[0,0]', 'w[0,1]', 'w[0,2]', 'w[1,0]', 'w[1,1]', 'w[1,2]'], 'one row per scalar, named as columnNames');
  const mu = rows[0];
  t.equal(mu.mean, 49.5, 'mean of 0..99');
  t.ok(Math.abs(mu.sd - Math.sqrt((100 * 101) / 12)) < 1e-12, 'sd of 0..99 is sqrt(n(n+1)/12) with n = 100');
  // Type-7 quantiles of 0..99: p·99.
  t.ok(Math.abs(mu.q5 - 4.95) < 1e-12 && mu.q50 === 49.5 && Math.abs(mu.q95 - 94.05) < 1e-12, `q5 ${mu.q5}, q50 ${mu.q50}, q95 ${mu.q95}`);
  t.ok(mu.rhat > 1.5, `chains covering disjoint halves give a large R-hat (${mu.rhat.toFixed(2)})`);
  const w = trace.scalarChains('w', 4);
  t.deepEqual([rows[5].rhat, rows[5].essBulk, rows[5].essTail, rows[5].mcseMean], [rhat(w), essBulk(w), essTail(w), mcseMean(w)], 'diagnostic columns equal the diagnostics of the scalar');
  const custom = summary(trace, { probs: [0.025, 0.975], params: ['mu'] });
  t.equal(custom.length, 1, 'params selects parameters');
  t.deepEqual(Object.keys(custom[0].quantiles), ['q2.5', 'q97.5'], 'quantile labels as posterior names them');
  t.ok(Math.abs(custom[0].quantiles['q2.5'] - 2.475) < 1e-12, 'q2.5 of 0..99 is 2.475');
  const text = formatSummary(rows);
  const lines = text.trimEnd().split('\n');
  t.equal(lines.length, 8, 'header + 7 rows');
  t.ok(/^name\s+mean\s+sd\s+q5\s+q50\s+q95\s+mcse_mean\s+ess_bulk\s+ess_tail\s+rhat$/.test(lines[0]), `header: ${lines[0]}`);
  t.ok(lines.every((l) => l.length === lines[0].length), 'fixed width');
  t.ok(lines[1].startsWith('mu ') && lines[1].includes('49.5'), `row: ${lines[1]}`);
  t.throws(() => summary(trace, { probs: [1.5] }), /summary: probs\[0\] must be in \[0, 1\], got 1.5/, 'bad probs');
  t.throws(() => summary(trace, { params: ['nope'] }), /summary: no parameter 'nope'; parameters are mu, w/, 'unknown parameter');
  t.end();
});

test('samplerWarnings: quiet on good draws, specific on bad ones', (t) => {
  t.equal(ebfmi(Float64Array.from([1, 2, 3])), 1, 'E-BFMI of 1,2,3 = (1+1)/(1+0+1)');
  t.equal(ebfmi(Float64Array.from([0, 2, 0, 2])), 3, 'E-BFMI of 0,2,0,2 = 12/4');
  t.ok(Number.isNaN(ebfmi(new Float64Array(5).fill(1))), 'E-BFMI of constant energy is NaN');

  const good = makeTrace({ chains: 4, draws: 400, seed: 3 });
  t.deepEqual(samplerWarnings(good), [], 'no warnings for iid draws with iid energy');

  const bad = makeTrace({ chains: 4, draws: 100, seed: 4, shift: 2 });
  const c0 = bad.chainDraws[0].stats;
  c0.diverging![3] = 1;
  c0.diverging![7] = 1;
  c0.treeDepth![10] = 10;
  // A slowly drifting energy (a linear trend) has E-BFMI (n-1)·0.01 / Σ(0.1(i - ī))² ≈ 12/n² ≪ 0.3.
  const e = bad.chainDraws[1].stats.energy!;
  for (let i = 0; i < e.length; i++) e[i] = 0.1 * i;
  const warnings = samplerWarnings(bad);
  const has = (re: RegExp) => warnings.some((w) => re.test(w));
  t.ok(has(/^There were 2 divergent transitions after warmup \(0\.5% of 400\)/), 'divergences counted with %');
  t.ok(has(/^1 of 400 transitions \(0\.3%\) hit the maximum tree depth of 10/), 'tree depth saturation');
  t.ok(has(/^Chain 2: E-BFMI = 0\.\d+ is below 0\.3/), 'low E-BFMI names the chain');
  t.ok(has(/^R-hat is above 1\.01 for 7 of 7 parameters \(largest \d\.\d{3} for /), 'R-hat warning names the worst');
  t.ok(has(/^Bulk effective sample size is below 400 \(100 per chain\)/), 'bulk-ESS warning');
  t.ok(has(/^Tail effective sample size is below 400/), 'tail-ESS warning');
  t.notOk(has(/tree depth/) && samplerWarnings(bad, { maxTreeDepth: 11 }).some((w) => /tree depth/.test(w)), 'maxTreeDepth 11: depth 10 is not saturation');
  t.throws(() => samplerWarnings(bad, { maxTreeDepth: 0 }), /maxTreeDepth must be a positive integer, got 0/, 'bad maxTreeDepth');
  t.end();
});

test('CmdStan CSV: layout, exact round trip, warmup', (t) => {
  const dir = tmp();
  try {
    const trace = makeTrace({ warmup: 20 });
    const paths = writeCmdStanCsv(trace, dir, { prefix: 'fit' });
    t.deepEqual(paths, [join(dir, 'fit_1.csv'), join(dir, 'fit_2.csv')], 'one file per chain, 1-based');
    const text = readFileSync(paths[1], 'utf8');
    const lines = text.split('\n');
    t.ok(lines.includes('# model = test_model') && lines.includes('# method = sample (Default)'), 'model and method comments');
    t.ok(lines.includes('#     num_samples = 50') && lines.includes('#     num_warmup = 20') && lines.includes('#     save_warmup = 1'), 'sample counts');
    const header = 'lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu,w.1.1,w.2.1,w.1.2,w.2.2,w.1.3,w.2.3';
    t.ok(lines.includes(header), 'Stan header row: 1-based dotted names, column-major as CmdStan');
    const firstDraw = lines[lines.indexOf('# Adaptation terminated') + 4].split(',').map(Number);
    const v = trace.chainDraws[1].values; // row-major w[i,j] at 1 + 3i + j
    t.deepEqual(firstDraw.slice(7), [v[0], v[1], v[4], v[2], v[5], v[3], v[6]], 'values permuted to match the column-major header');
    t.ok(lines.includes('#  Elapsed Time: 1.5 seconds (Warm-up)') && lines.includes('#                4 seconds (Total)'), 'elapsed-time footer from meta');
    const adapt = lines.indexOf('# Adaptation terminated');
    t.equal(adapt, lines.indexOf(header) + 21, 'warmup rows precede "# Adaptation terminated"');
    t.equal(lines[adapt + 1], '# Step size = 0.26', 'chain 2 step size');
    t.equal(lines[adapt + 2], '# Diagonal elements of inverse mass matrix:', 'metric comment');
    t.equal(lines[adapt + 3], `# ${Array.from({ length: WIDTH }, (_, i) => String(1 + i / 3)).join(', ')}`, 'metric values');
    sameTrace(t, trace, readCmdStanCsv(paths), 'CSV round trip');
    const back = readCmdStanCsv(paths[0]);
    t.equal(back.chains, 1, 'a single path reads one chain');
    t.equal(back.meta.model, 'test_model', 'model name read back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('CmdStan CSV: non-finite values, dense metric, CmdStan-ordered columns', (t) => {
  const dir = tmp();
  try {
    const trace = makeTrace({ draws: 5 });
    trace.chainDraws[0].values[1] = NaN; // w[0,0] and w[1,0]: adjacent columns w.1.1, w.2.1
    trace.chainDraws[0].values[4] = Infinity;
    trace.chainDraws[1].stats.lp[2] = -Infinity;
    trace.chainDraws[0].adaptation = { stepSize: 0.5, inverseMassMatrix: Float64Array.from([2, 0.5, 0.5, 1]) };
    delete trace.chainDraws[1].adaptation;
    const paths = writeCmdStanCsv(trace, dir, { metric: 'dense_e' });
    const text = readFileSync(paths[0], 'utf8');
    t.ok(text.includes(',nan,inf,') && text.includes('# Elements of inverse mass matrix:\n# 2, 0.5\n# 0.5, 1\n'), 'nan/inf and dense metric as CmdStan writes them');
    sameTrace(t, trace, readCmdStanCsv(paths), 'round trip with NaN, ±Infinity, dense metric');

    // A file as CmdStan writes it: column-major matrix columns, 6 significant digits, timing footer.
    const cmdstan = [
      '# stan_version_major = 2',
      '# model = bernoulli_model',
      '#     num_samples = 3',
      '#     num_warmup = 1000 (Default)',
      '#     save_warmup = 0 (Default)',
      'lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,theta,m.1.1,m.2.1,m.1.2,m.2.2',
      '# Adaptation terminated',
      '# Step size = 0.893542',
      '# Diagonal elements of inverse mass matrix:',
      '# 0.483503',
      '-7.01977,0.979816,0.893542,1,3,0,7.48611,0.189327,11,21,12,22',
      '-6.80776,0.941064,0.893542,1,3,0,7.23128,0.221716,11.5,21.5,12.5,22.5',
      '-7.30165,0.9,0.893542,2,3,1,7.5,0.1,1e-05,-2.5e+10,nan,inf',
      '# ',
      '#  Elapsed Time: 0.005 seconds (Warm-up)',
      '#                0.013 seconds (Sampling)',
    ].join('\n');
    const p = join(dir, 'cmdstan.csv');
    writeFileSync(p, cmdstan);
    const read = readCmdStanCsv(p);
    t.deepEqual(read.params, [{ name: 'theta', shape: [] }, { name: 'm', shape: [2, 2] }], 'params and shapes from dotted names');
    t.deepEqual(Array.from(read.get('m').values.subarray(0, 4)), [11, 12, 21, 22], 'column-major CSV placed row-major by index');
    t.equal(read.chainDraws[0].stats.diverging![2], 1, 'divergent__');
    t.equal(read.chainDraws[0].adaptation?.stepSize, 0.893542, 'step size');
    t.deepEqual(Array.from(read.chainDraws[0].adaptation!.inverseMassMatrix!), [0.483503], 'inverse metric');
    const last = Array.from(read.get('m').values.subarray(8, 12));
    // Row-major [m11, m12, m21, m22] from CSV order m.1.1, m.2.1, m.1.2, m.2.2 = 1e-05, -2.5e+10, nan, inf.
    t.ok(last[0] === 1e-5 && Number.isNaN(last[1]) && last[2] === -2.5e10 && last[3] === Infinity, 'exponents, nan and inf parsed');
    t.equal(read.meta.numWarmup, 1000, 'num_warmup with (Default) suffix');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('CmdStan CSV: clear errors', (t) => {
  const dir = tmp();
  try {
    const bad = (name: string, body: string) => {
      const p = join(dir, name);
      writeFileSync(p, body);
      return p;
    };
    t.throws(() => readCmdStanCsv(bad('short.csv', 'lp__,x\n1,2\n3\n')), /short\.csv:3 has 1 values, the header has 2 columns/, 'ragged row');
    t.throws(() => readCmdStanCsv(bad('nolp.csv', 'accept_stat__,x\n1,2\n')), /has no lp__ column/, 'missing lp__');
    t.throws(() => readCmdStanCsv(bad('text.csv', 'lp__,x\n1,abc\n')), /cannot parse 'abc' as a number \(.*text\.csv:2\)/, 'bad number');
    t.throws(() => readCmdStanCsv(bad('gap.csv', 'lp__,w.1,w.3\n1,2,3\n')), /parameter 'w' .* has 2 columns but its indices span shape \[3\]/, 'missing index');
    t.throws(() => readCmdStanCsv([bad('a.csv', 'lp__,x\n1,2\n'), bad('b.csv', 'lp__,y\n1,2\n')]), /b\.csv has different columns from .*a\.csv/, 'mismatched files');
    t.throws(() => readCmdStanCsv([bad('c.csv', 'lp__,x\n1,2\n'), bad('d.csv', 'lp__,x\n1,2\n3,4\n')]), /d\.csv has 2 draws, .*c\.csv has 1/, 'unequal draws');
    t.throws(() => readCmdStanCsv([]), /no files given/, 'no files');
    const dotted = new Trace({ params: [{ name: 'a.b', shape: [] }], chains: [{ values: new Float64Array(1), stats: { lp: new Float64Array(1) } }] });
    t.throws(() => writeCmdStanCsv(dotted, dir), /parameter name 'a\.b' cannot be written to CmdStan CSV/, 'dotted parameter name');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test("trace JSON: a run with the default warmup (a low-rank metric) reads back, metric kind and adapt kept", async (t) => {
  const dir = tmp();
  try {
    const trace = await sample(correlated3, { chains: 2, draws: 20, tune: 60, seed: 3 });
    t.equal(trace.meta.metric, DEFAULT_ADAPT === 'fisher-low-rank' ? 'lowrank' : DEFAULT_ADAPT === 'fisher' ? 'diag' : trace.meta.metric, `meta.metric of adapt '${DEFAULT_ADAPT}': ${trace.meta.metric}`);
    const p = join(dir, 'trace.json');
    writeTraceJson(trace, p);
    const back = readTraceJson(p);
    t.equal(back.meta.metric, trace.meta.metric, 'metric kind read back');
    t.equal(back.meta.adapt, DEFAULT_ADAPT, 'adapt read back');
    t.deepEqual(Array.from(back.chainDraws[1].adaptation!.inverseMassMatrix!), Array.from(trace.chainDraws[1].adaptation!.inverseMassMatrix!), 'the metric, exactly');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('trace JSON: exact round trip and clear errors', (t) => {
  const dir = tmp();
  try {
    const trace = makeTrace({ warmup: 3, draws: 10 });
    trace.chainDraws[1].values[5] = NaN;
    trace.chainDraws[1].values[6] = -Infinity;
    trace.chainDraws[0].stats.energy![0] = Infinity;
    (trace.meta as Record<string, unknown>).timing = Float64Array.from([1.5, 2]);
    const p = join(dir, 'trace.json');
    writeTraceJson(trace, p);
    const raw = JSON.parse(readFileSync(p, 'utf8'));
    t.equal(raw.format, 'hbnn-trace', 'format tag');
    t.equal(raw.chains[0].values.length, 10, 'per-chain values as rows of draws');
    t.equal(raw.chains[1].values[0][5], 'NaN', 'NaN written as a string');
    const back = readTraceJson(p);
    sameTrace(t, trace, back, 'JSON round trip');
    t.deepEqual(back.meta, { model: 'test_model', sampler: 'nuts', seed: 1, tune: 3, warmupSeconds: 1.5, samplingSeconds: 2.5, timing: [1.5, 2] }, 'meta kept (typed arrays as arrays)');

    raw.chains[0].values[2] = [1, 2];
    writeFileSync(p, JSON.stringify(raw));
    t.throws(() => readTraceJson(p), /chains\[0\]\.values\[2\] must be an array of 7 numbers, got 2/, 'wrong row width');
    writeFileSync(p, JSON.stringify({ ...raw, version: 9 }));
    t.throws(() => readTraceJson(p), /unsupported version 9/, 'version check');
    writeFileSync(p, '{"format": "other"}');
    t.throws(() => readTraceJson(p), /not an hbnn-trace file \(format = "other"\)/, 'format check');
    writeFileSync(p, '{oops');
    t.throws(() => readTraceJson(p), /trace\.json is not valid JSON/, 'invalid JSON');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});
