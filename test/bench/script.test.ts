import test from 'tape';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withTempDir } from '../helpers/temp_dir.js';
import { isMainModule, writeResultIfAsked } from '../../bench/script.js';

test('bench script helpers: isMainModule tells the started script from an import', (t) => {
  t.notOk(isMainModule(import.meta.url), 'this test file is imported by the runner');
  t.ok(isMainModule(pathToFileURL(process.argv[1]).href), 'the runner is the started script');
  t.end();
});

test('bench script helpers: writeResultIfAsked writes --out FILE as JSON, and nothing without a path', (t) => {
  withTempDir('hbnn-bench-script-', (dir) => {
    const file = join(dir, 'r.json');
    writeResultIfAsked(['--quick', '--out', file], { a: 1, b: [2, 3] });
    t.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { a: 1, b: [2, 3] }, 'the result, read back');
    writeResultIfAsked(['--quick'], { a: 2 });
    writeResultIfAsked(['--out'], { a: 3 });
    t.deepEqual(readdirSync(dir), ['r.json'], 'no --out, or --out without a path: nothing written');
    t.ok(existsSync(file), 'the first file is kept');
  });
  t.end();
});
