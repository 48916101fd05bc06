/** The `hbnn` command's help: lists taken from the code they describe, not copied into it. */
import test from 'tape';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS } from '../../bench/index.js';

const cli = fileURLToPath(new URL('../../bin/hbnn.js', import.meta.url));

test('hbnn bench --help: --only lists every registered benchmark', (t) => {
  const help = execFileSync(process.execPath, [cli, 'bench', '--help'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const listed = /run only these benchmarks \(([^)]*)\)/.exec(help);
  t.ok(listed, `help names the benchmarks: ${help}`);
  t.deepEqual(listed?.[1].split(', '), BENCHMARKS.map((b) => b.name), 'the names of BENCHMARKS, in order');
  t.end();
});
