/**
 * `hbnn summary`, `hbnn plot` and `hbnn --version` on CmdStan CSV written by Stan itself
 * (test/fixtures/stan_csv, from rstan) and by hbnn (writeCmdStanCsv of a sample() run); bad
 * input fails with exit 1 and a message that names what is wrong.
 */
import test from 'tape';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from '../helpers/temp_dir.js';
import { sample } from '../../samplers/run/sample.js';
import { writeCmdStanCsv } from '../../samplers/io/cmdstan_csv.js';
import { normal2 } from '../targets.js';
import { STAN_CSV_DIR, STAN_CSV_FILES } from '../samplers/io/stan_fixture.js';

const cli = fileURLToPath(new URL('../../bin/hbnn.js', import.meta.url));
const PKG = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
const PNG_MAGIC = '89504e470d0a1a0a';

function hbnn(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const pngHeader = (path: string) => readFileSync(path).subarray(0, 8).toString('hex');

test('hbnn --version: the version in package.json', (t) => {
  const r = hbnn(['--version']);
  t.equal(r.status, 0);
  t.equal(r.stdout.trim(), PKG.version);
  t.end();
});

test("hbnn summary: Stan's own files, as stansummary (lp__ first, Stan's names, warnings)", (t) => {
  const r = hbnn(['summary', ...STAN_CSV_FILES]);
  t.equal(r.status, 0, `exit 0 ${r.stderr}`);
  const lines = r.stdout.split('\n');
  t.match(lines[0], /sampler nuts: 2 chains × 100 draws \(warmup 150 per chain/, lines[0]);
  const header = lines.find((l) => l.includes('Mean')) ?? '';
  t.deepEqual(header.trim().split(/\s+/), ['Mean', 'MCSE', 'StdDev', '5%', '50%', '95%', 'N_Eff_bulk', 'N_Eff_tail', 'R_hat']);
  const names = lines.slice(lines.indexOf(header) + 1).filter((l) => /^\S/.test(l) && !l.startsWith('Warning') && !l.startsWith('R-hat')).map((l) => l.split(/\s+/)[0]);
  t.deepEqual(names, ['lp__', 'mu', 'tau', 'theta[1]', 'theta[2]', 'theta[3]'], 'lp__ then the parameters, elements from 1');
  t.match(r.stdout, /^mu\s+2\.88\s/m, 'mean of mu as rstan printed it');
  t.match(r.stdout, /Warning: There were 1 divergent transition/, "the sampler's warnings");
  t.equal(hbnn(['summary', STAN_CSV_DIR]).stdout, r.stdout, 'a folder reads as its .csv files');
  t.end();
});

test('hbnn summary --csv --vars: machine-readable, only what was asked', (t) => {
  const r = hbnn(['summary', STAN_CSV_DIR, '--csv', '--vars', 'tau,theta[2]']);
  t.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => l.split(','));
  t.deepEqual(rows[0], ['name', 'mean', 'mcse_mean', 'sd', 'q5', 'q50', 'q95', 'ess_bulk', 'ess_tail', 'rhat']);
  t.deepEqual(rows.slice(1).map((row) => row[0]), ['lp__', 'tau', 'theta[2]']);
  t.ok(rows.slice(1).every((row) => row.length === 10 && row.slice(1).every((v) => Number.isFinite(Number(v)))), 'ten numeric cells per row');
  t.match(r.stderr, /Warning: /, 'warnings on stderr, so stdout is plain CSV');
  t.end();
});

test('hbnn summary and plot: files written by hbnn', async (t) => {
  const trace = await sample(normal2, { chains: 2, draws: 60, tune: 60, seed: 3 });
  await withTempDir('hbnn-cli-', (dir) => {
    const files = writeCmdStanCsv(trace, join(dir, 'run'));
    const r = hbnn(['summary', ...files]);
    t.equal(r.status, 0, r.stderr);
    for (const name of ['lp__', 'x[1]', 'x[2]']) t.match(r.stdout, new RegExp(`^${name.replace(/[[\]]/g, '\\$&')}\\s`, 'm'), `row ${name}`);
    t.match(r.stdout, /^model hbnn_model, sampler nuts: 2 chains × 60 draws/);
    t.notOk(/x\[0\]/.test(r.stdout), 'warnings name elements from 1 too');
    for (const kind of ['trace', 'energy']) {
      const out = join(dir, `${kind}.png`);
      const p = hbnn(['plot', join(dir, 'run'), '--kind', kind, '--out', out]);
      t.equal(p.status, 0, `${kind}: exit 0 ${p.stderr}`);
      t.equal(pngHeader(out), PNG_MAGIC, `${kind}: a PNG`);
    }
    const svg = join(dir, 'pair.svg');
    t.equal(hbnn(['plot', ...files, '--kind', 'pair', '--out', svg]).status, 0);
    t.ok(readFileSync(svg, 'utf8').startsWith('<svg'), 'pair plot as SVG');
  });
  t.end();
});

test("hbnn plot: every kind on Stan's own files, --vars in Stan's names", async (t) => {
  await withTempDir('hbnn-cli-', (dir) => {
    for (const kind of ['trace', 'rank', 'pair', 'energy', 'forest']) {
      const out = join(dir, `${kind}.png`);
      const r = hbnn(['plot', STAN_CSV_DIR, '--kind', kind, '--out', out, ...(kind === 'energy' ? [] : ['--vars', 'mu,tau,theta[1]'])]);
      t.equal(r.status, 0, `${kind}: exit 0 ${r.stderr}`);
      t.equal(r.stdout.trim(), `wrote ${out}`);
      const png = readFileSync(out);
      t.ok(pngHeader(out) === PNG_MAGIC && png.length > 10_000, `${kind}: a PNG of ${png.length} bytes`);
    }
  });
  t.end();
});

test('hbnn summary and plot: bad input fails with exit 1 and names it', async (t) => {
  await withTempDir('hbnn-cli-', (dir) => {
    const notCsv = join(dir, 'notes.txt');
    writeFileSync(notCsv, 'hello\n');
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, 'a,b\n1,2\n');
    mkdirSync(join(dir, 'empty'));
    const cases: [string[], RegExp][] = [
      [['summary', join(dir, 'missing.csv')], /hbnn summary: no such file or folder '.*missing\.csv'/],
      [['summary', notCsv], /hbnn summary: '.*notes\.txt' is not a \.csv file/],
      [['summary', join(dir, 'empty')], /hbnn summary: the folder '.*empty' holds no \.csv files/],
      [['summary', plain], /hbnn summary: cannot read '.*plain\.csv' as CmdStan CSV: readCmdStanCsv: .*plain\.csv has no lp__ column/],
      [['summary', STAN_CSV_DIR, '--vars', 'sigma'], /hbnn summary: no variable 'sigma'; variables are mu, tau, theta/],
      [['summary'], /missing required argument 'files'/],
      [['plot', STAN_CSV_DIR, '--kind', 'violin'], /hbnn plot: unknown --kind 'violin'; kinds are trace, rank, pair, energy, forest/],
      [['plot', STAN_CSV_DIR, '--vars', 'theta[4]'], /hbnn plot: no variable 'theta\[4\]'; variables are mu, tau, theta/],
      [['plot', STAN_CSV_DIR, '--out', join(dir, 'x.jpg')], /hbnn plot: --out '.*x\.jpg' should end in \.png or \.svg/],
      [['plot', join(dir, 'missing.csv')], /hbnn plot: no such file or folder '.*missing\.csv'/],
      [['plot', STAN_CSV_DIR, '--kind', 'pair', '--vars', 'mu'], /hbnn plot: needs at least two scalars, got mu/],
    ];
    for (const [args, pattern] of cases) {
      const r = hbnn(args);
      t.equal(r.status, 1, `${args.join(' ')}: exit 1`);
      t.match(r.stderr, pattern, r.stderr.trim().split('\n')[0]);
    }
  });
  t.end();
});
