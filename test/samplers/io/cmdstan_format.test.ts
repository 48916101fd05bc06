/**
 * The CmdStan CSV that real runs write, checked without R: the metric block of a dense run, the
 * elapsed-time footer, the algorithm/engine lines naming the sampler that ran, a user sampler's
 * extra statistic as an extra column, and the meta read back. test/samplers/io/rstan.test.ts
 * reads the same kind of files with rstan itself.
 */
import test from 'tape';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample } from '../../../samplers/run/sample.js';
import { cmdStanCsvTexts, readCmdStanCsv, writeCmdStanCsv } from '../../../samplers/io/cmdstan_csv.js';
import { traceFromJson, traceToJson } from '../../../samplers/io/trace_json.js';
import { Trace } from '../../../samplers/trace/trace.js';
import { advi } from '../../../samplers/vi/advi.js';
import { normal2 } from '../../targets.js';
import { correlated3, walker } from './csv_fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hbnn-cmdstan-'));
const linesOf = (text: string) => text.split('\n');
/** The comment lines between `# Elements…` / `# Diagonal…` and the first draw, as numbers. */
function metricRows(lines: string[], title: string): number[][] {
  const at = lines.indexOf(title);
  const rows: number[][] = [];
  for (let i = at + 1; i < lines.length && lines[i].startsWith('# ') && /\d/.test(lines[i]); i++) rows.push(lines[i].slice(2).split(', ').map(Number));
  return rows;
}
const sameBits = (a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined) =>
  a !== undefined && b !== undefined && a.length === b.length && Array.from(a).every((v, k) => Object.is(v, b[k]));

test('CmdStan CSV of a dense run: metric = dense_e and the full d×d matrix, read back as it was', async (t) => {
  const trace = await sample(correlated3, { chains: 2, draws: 40, tune: 150, seed: 7, dense: true });
  t.equal(trace.meta.metric, 'dense', 'the trace says which metric ran');
  const [text] = cmdStanCsvTexts(trace);
  const lines = linesOf(text);
  t.ok(lines.includes('#         metric = dense_e'), 'metric = dense_e');
  t.notOk(text.includes('Diagonal elements'), 'no "Diagonal elements" block');
  const rows = metricRows(lines, '# Elements of inverse mass matrix:');
  const m = trace.chainDraws[0].adaptation!.inverseMassMatrix!;
  t.deepEqual(rows.map((r) => r.length), [3, 3, 3], 'three rows of three');
  t.ok(sameBits(rows.flat(), m), 'the rows are the adapted matrix, row-major, exactly');
  t.ok(Math.abs(m[1]) > 0.1, `the adapted matrix is not diagonal (m[0,1] = ${m[1].toFixed(3)})`);
  const dir = tmp();
  try {
    const back = readCmdStanCsv(writeCmdStanCsv(trace, dir));
    t.ok(sameBits(back.chainDraws[1].adaptation!.inverseMassMatrix, trace.chainDraws[1].adaptation!.inverseMassMatrix), 'dense matrix read back');
    t.equal(back.meta.metric, 'dense', 'metric kind read back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const diag = await sample(correlated3, { chains: 1, draws: 10, tune: 150, seed: 7, adapt: 'stan' }); // Stan's warmup: a diagonal metric
  const dl = linesOf(cmdStanCsvTexts(diag)[0]);
  t.ok(dl.includes('#         metric = diag_e'), 'a diagonal run says diag_e');
  t.deepEqual(metricRows(dl, '# Diagonal elements of inverse mass matrix:').map((r) => r.length), [3], 'one line of three');
  t.end();
});

test('CmdStan CSV of a real run: the elapsed-time footer from each chain, read back', async (t) => {
  const trace = await sample(normal2, { chains: 2, draws: 30, tune: 30, seed: 2 });
  const e = trace.chainDraws[1].elapsed!;
  t.ok(e.warmupSeconds > 0 && e.samplingSeconds > 0, `chain 2 timed: ${e.warmupSeconds}s warmup, ${e.samplingSeconds}s sampling`);
  const lines = linesOf(cmdStanCsvTexts(trace)[1]);
  const at = lines.findIndex((l) => l.startsWith('#  Elapsed Time: '));
  t.ok(at > 0, 'footer written');
  const nums = lines.slice(at, at + 3).map((l) => Number(/([0-9.]+) seconds/.exec(l)![1]));
  t.ok(Math.abs(nums[0] - e.warmupSeconds) < 1e-6 && Math.abs(nums[1] - e.samplingSeconds) < 1e-6, `warm-up ${nums[0]}, sampling ${nums[1]}`);
  t.ok(Math.abs(nums[2] - nums[0] - nums[1]) < 2e-6, 'total = warm-up + sampling');
  t.ok(lines.slice(at, at + 3).every((l) => /^#\s+(Elapsed Time: )?[0-9.]+ seconds \((Warm-up|Sampling|Total)\)$/.test(l)), 'plain decimals (rstan strips all but digits and dots)');
  const dir = tmp();
  try {
    const back = readCmdStanCsv(writeCmdStanCsv(trace, dir));
    t.ok(Math.abs(back.chainDraws[1].elapsed!.samplingSeconds - e.samplingSeconds) < 1e-6, 'elapsed times read back per chain');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const untimed = new Trace({ params: [{ name: 'a', shape: [] }], chains: [{ values: new Float64Array(2), stats: { lp: new Float64Array(2) } }] });
  t.ok(cmdStanCsvTexts(untimed)[0].includes('#  Elapsed Time: 0 seconds (Warm-up)\n'), 'a trace without times still gets the footer (zeros)');
  t.end();
});

test('CmdStan CSV: algorithm and engine name the sampler that ran; settings read back into meta', async (t) => {
  const run = (sampler: 'nuts' | 'hmc' | 'mala') => sample(normal2, { chains: 1, draws: 5, tune: 20, seed: 1, sampler, targetAccept: 0.9 });
  const text = async (sampler: 'nuts' | 'hmc' | 'mala') => cmdStanCsvTexts(await run(sampler))[0];
  const nuts = linesOf(await text('nuts'));
  t.ok(nuts.includes('#         engine = nuts (Default)') && nuts.includes('#             max_depth = 10'), 'nuts: engine = nuts with its max_depth');
  const hmc = linesOf(await text('hmc'));
  t.ok(hmc.includes('#         engine = static') && !hmc.some((l) => l.includes('engine = nuts')), 'hmc: engine = static, as CmdStan');
  t.ok(hmc.includes('#             int_time = 6.283185307179586'), 'hmc: its integration time');
  const mala = linesOf(await text('mala'));
  t.ok(mala.includes('#     algorithm = mala') && !mala.some((l) => l.includes('engine =')), 'mala: algorithm = mala, no HMC engine');
  const fit = await advi(normal2, { seed: 1, iterations: 200 });
  const adviText = cmdStanCsvTexts(fit.sample(5, 1))[0];
  t.ok(adviText.includes('#     algorithm = advi\n') && !adviText.includes('engine =') && !adviText.includes('metric ='), 'advi draws: algorithm = advi, no engine or metric');
  const dir = tmp();
  try {
    for (const sampler of ['nuts', 'hmc', 'mala'] as const) {
      const trace = await run(sampler);
      const back = readCmdStanCsv(writeCmdStanCsv(trace, join(dir, sampler)));
      const { sampler: s, seed, tune, draws, targetAccept, metric } = back.meta;
      t.deepEqual({ s, seed, tune, draws, targetAccept, metric }, { s: sampler, seed: 1, tune: 20, draws: 5, targetAccept: 0.9, metric: 'diag' }, `${sampler}: meta read back`);
    }
    const nutsBack = readCmdStanCsv(writeCmdStanCsv(await run('nuts'), join(dir, 'again')));
    t.equal(nutsBack.meta.samplerOptions?.maxTreeDepth, 10, 'max_depth read back as samplerOptions.maxTreeDepth');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test("CmdStan CSV: a user sampler's extra Info field is kept as a statistic and an extra column", async (t) => {
  const dir = tmp();
  try {
    const trace = await sample(normal2, { sampler: walker, chains: 2, draws: 25, tune: 20, seed: 5, keepWarmup: true });
    const dist = trace.stat('proposalDistance');
    t.ok(dist && dist.every((a) => a.length === 25 && a.every((v) => v > 0)), 'trace.stat(proposalDistance): one positive value per draw');
    t.ok(trace.chainDraws[0].warmup!.stats.proposalDistance?.length === 20, 'kept for warmup draws too');
    t.equal(trace.stat('isAccepted'), undefined, 'boolean Info fields other than isDivergent are not statistics');
    const text = cmdStanCsvTexts(trace)[0];
    t.ok(text.includes('\nlp__,accept_stat__,stepsize__,divergent__,proposalDistance__,x.1,x.2\n'), 'written as the column proposalDistance__ after the standard ones');
    t.ok(text.includes('#     algorithm = walker\n') && text.includes('# generator = hbnn (walker)\n'), 'the preamble names the user sampler');
    const back = readCmdStanCsv(writeCmdStanCsv(trace, dir));
    t.ok(back.chainDraws.every((c, i) => sameBits(c.stats.proposalDistance, trace.chainDraws[i].stats.proposalDistance)), 'read back bit for bit');
    t.ok(sameBits(back.chainDraws[1].warmup!.stats.proposalDistance, trace.chainDraws[1].warmup!.stats.proposalDistance), 'warmup column read back');
    t.equal(back.meta.sampler, 'walker', 'sampler name read back');
    const json = traceFromJson(JSON.parse(JSON.stringify(traceToJson(trace))));
    t.ok(sameBits(json.chainDraws[0].stats.proposalDistance, trace.chainDraws[0].stats.proposalDistance), 'trace JSON keeps it');
    t.deepEqual(json.chainDraws[0].elapsed, trace.chainDraws[0].elapsed, 'trace JSON keeps the elapsed times');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('trace JSON: meta fields of the wrong type are refused', (t) => {
  const trace = new Trace({ params: [{ name: 'a', shape: [] }], chains: [{ values: new Float64Array(1), stats: { lp: new Float64Array(1) } }], meta: { sampler: 'nuts', seed: 3 } });
  const raw = traceToJson(trace) as { meta: Record<string, unknown> };
  t.deepEqual(traceFromJson(raw).meta, { sampler: 'nuts', seed: 3 }, 'a good meta passes');
  t.throws(() => traceFromJson({ ...raw, meta: { seed: '3' } }), /meta\.seed must be a number, got "3"/, 'seed as a string');
  t.throws(() => traceFromJson({ ...raw, meta: { metric: 'dense_e' } }), /meta\.metric must be 'diag', 'dense' or 'lowrank', got "dense_e"/, 'CmdStan metric name');
  t.end();
});
