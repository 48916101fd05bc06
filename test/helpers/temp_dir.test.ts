import test from 'tape';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { withTempDir } from './temp_dir.js';

test('withTempDir: a fresh directory, removed after a sync body, an async body, and a throwing one', async (t) => {
  let seen = '';
  const value = withTempDir('hbnn-helper-', (dir) => {
    seen = dir;
    t.ok(existsSync(dir) && basename(dir).startsWith('hbnn-helper-'), 'exists while the body runs, named by the prefix');
    writeFileSync(join(dir, 'f'), 'x');
    return 7;
  });
  t.equal(value, 7, "the body's value");
  t.notOk(existsSync(seen), 'removed after a sync body, with its files');
  const pending = withTempDir('hbnn-helper-', async (dir) => {
    seen = dir;
    await new Promise((resolve) => setTimeout(resolve, 5));
    t.ok(existsSync(dir), 'still there while an async body awaits');
    return 'done';
  });
  t.equal(await pending, 'done', "the async body's value");
  t.notOk(existsSync(seen), 'removed once the async body settles');
  t.throws(() => withTempDir('hbnn-helper-', (dir) => { seen = dir; throw new Error('boom'); }), /boom/, 'a sync error passes through');
  t.notOk(existsSync(seen), 'removed after a sync throw');
  await withTempDir('hbnn-helper-', async (dir) => { seen = dir; throw new Error('later'); }).then(() => t.fail('resolved'), (e: Error) => t.equal(e.message, 'later', 'an async error passes through'));
  t.notOk(existsSync(seen), 'removed after an async rejection');
});
