/**
 * `hbnn reproduce --method`: a tiny study (2 groups, one short chain) run with each VI method
 * adds `vi` to metrics.json and a "Variational inference" table to the report; a NUTS-only run
 * has neither. The command line refuses an unknown method.
 */
import test from 'tape';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rotatedMoons } from '../../models/data/moons.js';
import { reproduce, type ReproduceOptions } from '../../bin/reproduce.js';

const dir = mkdtempSync(join(tmpdir(), 'hbnn-reproduce-vi-'));
const dataFile = join(dir, 'study.json');
writeFileSync(dataFile, JSON.stringify(rotatedMoons({ groups: 2, nSamples: 40, seed: 5 })));
const tiny = (over: Partial<ReproduceOptions>): ReproduceOptions => ({
  data: dataFile, out: join(dir, 'out'), seed: 1, chains: 1, draws: 30, tune: 30, maxTreeDepth: 5, quick: true, parallel: false, progress: false, log: () => {}, ...over,
});

for (const method of ['pathfinder', 'advi', 'fullrank'] as const) {
  test(`reproduce --method ${method}: VI rows in metrics.json and the report`, async (t) => {
    const out = join(dir, method);
    const metrics = await reproduce(tiny({ out, method }));
    t.equal(metrics.vi?.method, method, 'metrics.vi.method');
    const written = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    for (const m of ['flat', 'hierarchical', 'informative']) {
      const r = written.vi.models[m];
      t.ok(r.trainAccuracy >= 0 && r.trainAccuracy <= 1 && r.testAccuracy >= 0 && r.testAccuracy <= 1, `${m}: accuracies are fractions (${r.trainAccuracy}, ${r.testAccuracy})`);
      t.ok(r.seconds > 0 && r.numGradEvals > 0, `${m}: time ${r.seconds.toFixed(2)} s and ${r.numGradEvals} gradients`);
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    t.ok(md.includes('## Variational inference') && md.includes('hbnn NUTS (this run)'), 'report.md has the VI table beside NUTS');
    t.ok(readFileSync(join(out, 'report.html'), 'utf8').includes('<h2>Variational inference</h2>'), 'report.html too');
    t.equal(written.settings.viMethod, method, 'settings record the method');
  });
}

test('reproduce without --method: no VI table, no vi in metrics.json', async (t) => {
  const out = join(dir, 'nuts');
  await reproduce(tiny({ out }));
  const written = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  t.equal(written.vi, undefined, 'no vi');
  t.equal(written.settings.viMethod, undefined, 'settings unchanged');
  t.notOk(readFileSync(join(out, 'report.md'), 'utf8').includes('Variational inference'), 'no VI table');
});

test('hbnn reproduce --method: an unknown method is refused', (t) => {
  const here = dirname(fileURLToPath(import.meta.url));
  const r = spawnSync(process.execPath, [join(here, '../../bin/hbnn.js'), 'reproduce', '--method', 'mcmc', '--out', join(dir, 'x')], { encoding: 'utf8' });
  t.notEqual(r.status, 0, 'fails');
  t.match(r.stderr, /--method must be one of nuts, advi, fullrank, pathfinder, got 'mcmc'/, r.stderr.trim());
  t.end();
});
