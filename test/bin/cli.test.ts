/**
 * The `hbnn` command: its help lists what the code holds, and a bad command line fails at once
 * with the reason, before any sampling (issue 16, item 7).
 */
import test from 'tape';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from '../helpers/temp_dir.js';
import { BENCHMARKS } from '../../bench/index.js';
import { DEFAULT_ADAPT, DEFAULT_TUNE } from '../../samplers/run/sample_options.js';

const cli = fileURLToPath(new URL('../../bin/hbnn.js', import.meta.url));

test('hbnn bench --help: --only lists every registered benchmark', (t) => {
  const help = execFileSync(process.execPath, [cli, 'bench', '--help'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const listed = /run only these benchmarks \(([^)]*)\)/.exec(help);
  t.ok(listed, `help names the benchmarks: ${help}`);
  t.deepEqual(listed?.[1].split(', '), BENCHMARKS.map((b) => b.name), 'the names of BENCHMARKS, in order');
  t.end();
});

/** Runs `hbnn ARGS`; a bad command line must fail within seconds, before any sampling. */
function hbnn(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.error ? null : r.status, stderr: r.stderr ?? '' };
}

test('hbnn reproduce: a stray word is refused, not taken for a full run', (t) => {
  const r = hbnn(['reproduce', 'quick']);
  t.equal(r.status, 1, 'exits 1 at once');
  t.match(r.stderr, /too many arguments for 'reproduce'/, `says so: ${r.stderr.trim()}`);
  t.equal(hbnn(['bench', 'autodiff']).status, 1, 'bench too');
  t.end();
});

test('hbnn reproduce: numbers are decimal integers, paths are not option names', (t) => {
  for (const [args, pattern] of [
    [['--chains', '0x10'], /--chains must be a positive integer in decimal digits, got '0x10'/],
    [['--draws', '1e3'], /--draws must be a positive integer in decimal digits, got '1e3'/],
    [['--tune', ' 5'], /--tune must be a positive integer in decimal digits, got ' 5'/],
    [['--seed', '-1'], /--seed must be a non-negative integer in decimal digits, got '-1'/],
    [['--adapt', 'nutpie'], /--adapt must be one of stan, fisher, fisher-low-rank, got 'nutpie'/],
    [['--out', '--out', 'dir'], /--out needs a path, got '--out'/],
    [['--data', '--quick'], /--data needs a path, got '--quick'/],
  ] as [string[], RegExp][]) {
    const r = hbnn(['reproduce', ...args]);
    t.equal(r.status, 1, `${args.join(' ')}: exits 1`);
    t.match(r.stderr, pattern, `${args.join(' ')}: ${r.stderr.trim().split('\n')[0]}`);
  }
  t.end();
});

test('hbnn reproduce: an output folder that cannot be made fails at once (no endless mkdir under /proc)', { skip: !existsSync('/proc/self') }, (t) => {
  const r = hbnn(['reproduce', '--out', '/proc/hbnn-out']);
  t.equal(r.status, 1, 'exits 1 within the 30 s limit');
  t.match(r.stderr, /output directory '\/proc\/hbnn-out' cannot be created: ENOENT/, r.stderr.trim());
  t.end();
});

test('hbnn reproduce --data: training groups of different sizes are refused when the file loads', (t) => {
  withTempDir('hbnn-cli-', (dir) => {
    const group = (n: number, shift: number) => Array.from({ length: n }, (_, i) => [Math.cos(i + shift), Math.sin(i + shift)]);
    const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 2);
    const file = join(dir, 'ragged.json');
    writeFileSync(file, JSON.stringify({ Xs_train: [group(6, 0), group(4, 1)], Ys_train: [labels(6), labels(4)], Xs_test: [group(3, 2), group(3, 3)], Ys_test: [labels(3), labels(3)] }));
    const r = hbnn(['reproduce', '--data', file, '--out', join(dir, 'out'), '--quick']);
    t.equal(r.status, 1, 'exits 1');
    t.match(r.stderr, /needs every group to have the same number of training points, but Ys_train\[0\] has 6 and Ys_train\[1\] has 4/, r.stderr.trim());
    t.notOk(existsSync(join(dir, 'out', 'metrics.json')), 'before any model ran: no metrics.json');
  });
  t.end();
});

test('hbnn reproduce: --data and --generate together are refused before anything is written', (t) => {
  withTempDir('hbnn-cli-', (dir) => {
    const out = join(dir, 'out');
    const r = hbnn(['reproduce', '--data', join(dir, 'x.json'), '--generate', '--out', out]);
    t.equal(r.status, 1, 'exits 1');
    t.match(r.stderr, /give either --data FILE or --generate, not both/, r.stderr.trim());
    t.notOk(existsSync(out), 'no output folder made');
  });
  t.end();
});

test('hbnn reproduce --help: the post\'s data by default, --generate for new draws', (t) => {
  const help = execFileSync(process.execPath, [cli, 'reproduce', '--help'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  t.match(help, /default: the post's data, numpy seed 31/, '--data names the default');
  t.match(help, /--generate/, '--generate listed');
  t.match(help, new RegExp(`--adapt <name> .*default the library's, ${DEFAULT_ADAPT}`), '--adapt names the default warmup');
  t.match(help, new RegExp(`--tune <n> .*default the library's: ${DEFAULT_TUNE}, 1000 with --adapt stan`), '--tune names the default warmup length');
  t.end();
});
