/**
 * `hbnn reproduce` end to end on a tiny study (2 groups of 20 training points, one short chain
 * per model), from a --data file: every output file is written, metrics.json follows the schema,
 * and bad input fails before any sampling starts.
 */
import test from 'tape';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatedMoons } from '../../models/data/moons.js';
import { FULL_SETTINGS, QUICK_SETTINGS, reproduce, studyData, studySampling, type ReproduceOptions } from '../../bin/reproduce.js';
import { DEFAULT_ADAPT, DEFAULT_TUNE } from '../../samplers/run/sample_options.js';
import { QUICK_BANNER } from '../../bin/report/report.js';
import { WIECKI2018_NAME } from '../../models/data/wiecki2018.js';

const dir = mkdtempSync(join(tmpdir(), 'hbnn-reproduce-'));
const dataFile = join(dir, 'study.json');
writeFileSync(dataFile, JSON.stringify(rotatedMoons({ groups: 2, nSamples: 40, seed: 5 })));

const tiny = (over: Partial<ReproduceOptions> = {}): ReproduceOptions => ({
  data: dataFile, out: join(dir, 'out'), seed: 1, chains: 1, draws: 40, tune: 40, parallel: false, progress: false, log: () => {}, ...over,
});

test('reproduce: a tiny study from --data writes metrics.json, the figures and the report', async (t) => {
  const metrics = await reproduce(tiny());
  const out = join(dir, 'out');
  const written = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const m of ['flat', 'hierarchical', 'informative'] as const) {
    for (const key of ['trainAccuracy', 'testAccuracy', 'seconds', 'divergences', 'maxRhat', 'minEssBulk']) {
      t.ok(key in written[m], `metrics.json ${m}.${key}`);
    }
    t.ok(written[m].trainAccuracy >= 0 && written[m].trainAccuracy <= 1, `${m} train accuracy is a fraction: ${written[m].trainAccuracy}`);
    t.equal(written[m].trainAccuracy, metrics[m].trainAccuracy, `${m}: file and return value agree`);
  }
  t.equal(written.data.groups, 2, 'data description');
  t.equal(written.data.name, `the file ${dataFile}`, 'the data set is named in metrics.json');
  t.equal(written.data.postData, false, "and is not the post's");
  for (const key of ['treeDepthHits', 'lpMinEssBulk', 'predictionMinEssBulk']) {
    t.ok(Number.isFinite(written.hierarchical[key]) && Number.isFinite(written.flat[key]), `metrics.json records ${key} per model: ${written.flat[key]}, ${written.hierarchical[key]}`);
  }
  // Every warmup and draw iteration takes at least one gradient: 2 groups × (40 + 40) for the flat BNNs, 80 for the hierarchical one.
  t.ok(written.flat.numGradEvals >= 160 && written.hierarchical.numGradEvals >= 80 && written.informative.numGradEvals >= 160, `metrics.json records the gradients per model: ${written.flat.numGradEvals}, ${written.hierarchical.numGradEvals}, ${written.informative.numGradEvals}`);
  t.equal(written.flat.lpMaxRhat, null, 'R-hat of lp__ with one chain: undefined, written as null');
  t.equal(written.settings.draws, 40, 'settings');
  t.deepEqual([written.settings.adapt, written.settings.tune, written.settings.hierarchicalTune], [DEFAULT_ADAPT, 40, 40], "settings: the library's default adapt, the tune asked for");
  t.match(readFileSync(join(out, 'report.md'), 'utf8'), new RegExp(`NUTS with adapt '${DEFAULT_ADAPT}' warmup, 1 chains × \\(40 warmup \\+ 40 draws\\)`), 'the report names the warmup that ran');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const pngs = [...html.matchAll(/src="([^"]+\.png)"/g)].map((m) => m[1]);
  t.ok(pngs.length >= 9, `report.html shows ${pngs.length} figures`);
  t.ok(pngs.every((f) => existsSync(join(out, f))), 'every figure file exists');
  t.ok(existsSync(join(out, 'report.md')), 'report.md');
  t.match(html, /<h2>Diagnostics<\/h2>\n<table>\n<thead><tr><th>model<\/th><th>seconds<\/th><th>divergences<\/th><th>tree-depth hits<\/th>/, 'the compact diagnostics table');
  t.match(html, /flat, group 1: |<p>No warnings/, 'warnings number groups from 1');
  t.notOk(/group 0:/.test(html), 'no group 0 in the report');
  t.end();
});

test("reproduce: 2 chains × 1000 draws with the library's default warmup; --adapt stan --tune 1000 is Stan's; --quick stays short", (t) => {
  t.deepEqual([FULL_SETTINGS.chains, FULL_SETTINGS.draws, FULL_SETTINGS.hierarchicalDraws], [2, 1000, 1000], '2 chains × 1000 draws per model');
  t.equal(FULL_SETTINGS.tune, undefined, "no tune of its own: the library's");
  t.deepEqual(studySampling({ draws: 1000 }), { adapt: DEFAULT_ADAPT, tune: DEFAULT_TUNE, hierarchicalDraws: 1000, hierarchicalTune: DEFAULT_TUNE }, `default: ${DEFAULT_ADAPT}, tune ${DEFAULT_TUNE}`);
  t.deepEqual(studySampling({ draws: 1000, adapt: 'stan' }), { adapt: 'stan', tune: 1000, hierarchicalDraws: 1000, hierarchicalTune: 1000 }, "--adapt stan: Stan's 1000 warmup");
  t.deepEqual(studySampling({ draws: 500, tune: 300, adapt: 'fisher' }), { adapt: 'fisher', tune: 300, hierarchicalDraws: 500, hierarchicalTune: 300 }, '--tune and --draws are kept');
  t.deepEqual(studySampling({ draws: 100, tune: 100, hierarchicalDraws: 100, hierarchicalTune: 200 }).hierarchicalTune, 200, "the hierarchical model's own tune (--quick)");
  t.ok(QUICK_SETTINGS.draws <= 100 && QUICK_SETTINGS.tune <= 100 && QUICK_SETTINGS.hierarchicalTune <= 200, '--quick stays short');
  t.throws(() => studySampling({ draws: 10, adapt: 'nutpie' as never }), /adapt must be one of 'stan', 'fisher', 'fisher-low-rank', got 'nutpie'/, 'a bad adapt is refused by name');
  t.end();
});

test("reproduce: the post's data by default, generated data on request, not both", (t) => {
  const post = studyData({ ...tiny(), data: undefined });
  t.equal(post.name, WIECKI2018_NAME, `default: ${post.name}`);
  t.deepEqual([post.study.Xs_train.length, post.study.Ys_train[0].length, post.study.Ys_test[17].length], [18, 50, 50], '18 groups of 50 + 50 points');
  t.equal(post.study.Xs_train[0][0][0], 0.039344252309183494, "the post's first training point, as numpy wrote it");
  const generated = studyData({ ...tiny(), data: undefined, generate: true, seed: 3 });
  t.deepEqual(generated.study, rotatedMoons({ seed: 3 }), '--generate: rotatedMoons with --seed');
  t.equal(generated.name, 'generated rotated moons (seed 3)', 'named with its seed');
  t.throws(() => studyData({ ...tiny(), generate: true }), /either --data FILE or --generate, not both/, 'both refused');
  t.end();
});

test('reproduce: a --quick run says first that it is a smoke test, not converged', async (t) => {
  const lines: string[] = [];
  await reproduce(tiny({ quick: true, data: join(dir, 'missing.json'), log: (l) => lines.push(l) })).catch(() => {});
  t.equal(lines[0], QUICK_BANNER, `first line: ${lines[0]}`);
  t.match(QUICK_BANNER, /smoke test.*NOT converged/i, 'which says so');
  t.end();
});

test('reproduce: bad --data and an unwritable --out fail before sampling, naming the problem', async (t) => {
  const bad = join(dir, 'bad.json');
  const study = rotatedMoons({ groups: 2, nSamples: 10, seed: 1 });
  study.Ys_train[1][3] = 2;
  writeFileSync(bad, JSON.stringify(study));
  const t0 = performance.now();
  await reproduce(tiny({ data: bad })).then(() => t.fail('should throw'), (e: Error) => t.ok(/Ys_train\[1\]\[3\]/.test(e.message), e.message));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  await reproduce(tiny({ out: join(file, 'sub') })).then(() => t.fail('should throw'), (e: Error) => t.ok(e.message.includes(file), e.message));
  t.ok(performance.now() - t0 < 5000, 'both fail at once, before any sampling');
  t.end();
});

test('reproduce: clean up the temporary study', (t) => {
  rmSync(dir, { recursive: true, force: true });
  t.notOk(existsSync(dir), 'removed');
  t.end();
});
