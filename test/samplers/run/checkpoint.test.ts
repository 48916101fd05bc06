/**
 * Checkpoints are CmdStan CSV files written by the exports' writer, one draw at a time: a
 * finished run's files equal its export, and a killed run's files read back cut to the shortest.
 */
import test from 'tape';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample } from '../../../samplers/run/sample.js';
import { CheckpointWriter, readCheckpoint } from '../../../samplers/run/checkpoint.js';
import { cmdStanCsvTexts, readCmdStanCsv } from '../../../samplers/io/cmdstan_csv.js';
import { normal2 } from '../../targets.js';
import { walker } from '../io/csv_fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hbnn-ckpt-'));

test('checkpoint: a finished run writes exactly its CmdStan CSV export, one draw at a time', async (t) => {
  const dir = tmp();
  try {
    for (const [name, sampler] of [['nuts', 'nuts'], ['walker', walker]] as const) {
      const sub = join(dir, name);
      const trace = await sample(normal2, { sampler, chains: 2, draws: 15, tune: 10, seed: 8, keepWarmup: true, checkpoint: { dir: sub } });
      const texts = cmdStanCsvTexts(trace);
      t.equal(readFileSync(join(sub, 'chain-0.csv'), 'utf8'), texts[0], `${name}: chain-0.csv is the export of chain 1, byte for byte`);
      t.equal(readFileSync(join(sub, 'chain-1.csv'), 'utf8'), texts[1], `${name}: chain-1.csv likewise`);
      const back = readCheckpoint(sub);
      t.deepEqual(Array.from(back.get('x').values), Array.from(trace.get('x').values), `${name}: draws read back`);
      t.deepEqual(Object.keys(back.chainDraws[0].stats), Object.keys(trace.chainDraws[0].stats), `${name}: the same statistics, extras included`);
      t.equal(back.chainDraws[1].warmup!.stats.lp.length, 10, `${name}: warmup draws read back`);
      t.equal(back.meta.sampler, name, `${name}: meta.sampler`);
      t.equal(readCmdStanCsv([join(sub, 'chain-0.csv'), join(sub, 'chain-1.csv')]).draws, 15, `${name}: readCmdStanCsv reads checkpoints`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('checkpoint: a killed run reads back cut to the shortest chain, a half-written line dropped', (t) => {
  const dir = tmp();
  try {
    const params = [{ name: 'w', shape: [2] }];
    const run = { meta: { sampler: 'nuts', seed: 1 }, tune: 2, keepWarmup: true, draws: 10, metric: 'diag' as const };
    const writers = [0, 1, 2].map((c) => new CheckpointWriter(dir, c, params, run));
    const draw = (w: CheckpointWriter, warmup: boolean, v: number) => w.writeDraw({ lp: -v, acceptStat: 0.5 }, warmup, Float64Array.of(v, 10 * v));
    for (const w of [writers[0], writers[2]]) {
      draw(w, true, 0.5);
      draw(w, true, 0.75);
      w.writeAdaptation(0.3, Float64Array.of(1, 2));
    }
    for (let d = 1; d <= 3; d++) draw(writers[0], false, d);
    for (let d = 1; d <= 5; d++) draw(writers[2], false, d);
    draw(writers[1], true, 0.5); // chain 1 is still in warmup when the run dies
    writers.forEach((w) => w.close());
    appendFileSync(join(dir, 'chain-2.csv'), '-6,0.5,6'); // killed mid-write
    const back = readCheckpoint(dir);
    t.deepEqual([back.meta.chainIds, back.meta.chainsWithoutDraws, back.meta.truncatedTo], [[0, 2], [1], 3], 'chains 0 and 2 kept, cut to 3 draws; chain 1 left out');
    t.deepEqual(Array.from(back.get('w').values), [1, 10, 2, 20, 3, 30, 1, 10, 2, 20, 3, 30], 'values, row-major');
    t.deepEqual(Array.from(back.chainDraws[1].warmup!.values), [0.5, 5, 0.75, 7.5], 'warmup rows split off by num_warmup');
    t.deepEqual(Array.from(back.chainDraws[1].adaptation!.inverseMassMatrix!), [1, 2], 'adaptation read');
    const text = readFileSync(join(dir, 'chain-0.csv'), 'utf8');
    t.ok(text.includes('#     num_warmup = 2\n#     save_warmup = 1\n'), 'the preamble says how many rows are warmup');

    const sub = join(dir, 'tune0');
    const w = new CheckpointWriter(sub, 0, params, { ...run, tune: 0, keepWarmup: false });
    w.writeAdaptation(0.5, undefined);
    draw(w, false, 1);
    w.close({ warmupSeconds: 0, samplingSeconds: 0.25 });
    const lines = readFileSync(join(sub, 'chain-0.csv'), 'utf8').split('\n');
    const header = lines.indexOf('lp__,accept_stat__,w.1,w.2');
    t.ok(header > 0 && lines[header + 1] === '# Adaptation terminated' && lines[header + 3] === '-1,0.5,1,10', 'adaptation given before the first draw goes after the header row, as CmdStan');
    t.ok(lines.includes('#                0.25 seconds (Sampling)'), 'close writes the elapsed-time footer');
    const old = join(dir, 'old');
    mkdirSync(old);
    writeFileSync(join(old, 'chain-0.csv'), '# hbnn checkpoint v1\n# chain = 0\nlp__,warmup__,x.1\n');
    t.throws(() => readCheckpoint(old), /chain-0\.csv has the layout of older hbnn versions/, 'an old-layout checkpoint is refused, not misread');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});
