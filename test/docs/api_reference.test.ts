/**
 * docs/api is generated (TypeDoc, `npm run docs`) but committed, so readers of the repository see
 * it; this test regenerates it into a temporary folder and fails when the committed copy differs,
 * naming the files, so a change of the public API cannot leave its reference stale.
 */
import test from 'tape';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from '../helpers/temp_dir.js';

/** The repository root (this file is dist/test/docs/api_reference.test.js). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TYPEDOC = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('typedoc/package.json')), 'bin', 'typedoc');

function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, f);
    try {
      out.set(f, readFileSync(path, 'utf8'));
    } catch {
      // a folder
    }
  }
  return out;
}

test('docs/api: the committed API reference is what `npm run docs` generates', (t) => {
  withTempDir('hbnn-api-', (dir) => {
    const r = spawnSync(process.execPath, [TYPEDOC, '--options', 'typedoc.json', '--out', dir, '--logLevel', 'Error'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    t.equal(r.status, 0, `typedoc ran${r.status === 0 ? '' : `: ${r.stdout}${r.stderr}`}`);
    const fresh = filesUnder(dir);
    const committed = filesUnder(join(ROOT, 'docs', 'api'));
    const missing = [...fresh.keys()].filter((f) => !committed.has(f));
    const extra = [...committed.keys()].filter((f) => !fresh.has(f));
    const changed = [...fresh.keys()].filter((f) => committed.has(f) && committed.get(f) !== fresh.get(f));
    t.ok(fresh.size > 3, `${fresh.size} files generated`);
    t.deepEqual({ missing, extra, changed }, { missing: [], extra: [], changed: [] }, 'docs/api is up to date (run `npm run docs` and commit it otherwise)');
  });
  t.end();
});
