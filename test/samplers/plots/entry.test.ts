/** `hbnn/plots`: a subpath of package.json "exports" with its types; the root's builders are the same functions. */
import test from 'tape';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as root from '../../../index.js';
import * as plots from '../../../samplers/plots/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

test('hbnn/plots: exported with types; the root shares its five builders, not the renderers', (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
  t.deepEqual(pkg.exports['./plots'], { types: './dist/samplers/plots/index.d.ts', import: './dist/samplers/plots/index.js' });
  t.ok(existsSync(join(ROOT, 'dist', 'samplers', 'plots', 'index.d.ts')), 'types built');
  for (const name of ['plotTrace', 'plotRank', 'plotPair', 'plotEnergy', 'plotForest'] as const) t.equal(root[name], plots[name], `${name}: one function`);
  t.notOk('renderPng' in root || 'renderSvg' in root, 'rendering (vega, resvg) stays out of the root');
  t.end();
});
