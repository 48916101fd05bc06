/**
 * hbnn as a user installs it: `npm pack` the built package, install the tarball into a temporary
 * project, and there (a) run a custom op written with the exported op API through gradcheck,
 * (b) type-check a program with `tsc --strict` and `skipLibCheck: false` (no @types/node), and
 * (c) run the examples of docs/ops.md, docs/samplers.md and of the README's library section as
 * written. Skipped,
 * and says so, only where `npm` cannot run.
 */
import test from 'tape';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file is dist/test/package/installed_package.test.js). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; exports: Record<string, string | Record<string, string>>; scripts: Record<string, string>; bin: Record<string, string>;
};
/** The repository's own TypeScript, found the way Node resolves it from the repository. */
const requireFromRoot = createRequire(join(ROOT, 'package.json'));
const TS_PATH = requireFromRoot.resolve('typescript');
const TSC = join(dirname(TS_PATH), '..', 'bin', 'tsc');

const npmWorks = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !npmWorks;
if (skip) console.log('# SKIP installed package: `npm --version` does not run here, so the package cannot be packed');

function run(cmd: string, args: string[], cwd: string, timeoutMs = 180_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

const said = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`.trim();

/** The ```ts blocks of a markdown text (or of one of its sections), one after another. */
function tsBlocks(markdown: string, section?: string): string {
  let text = markdown;
  if (section !== undefined) {
    const start = text.indexOf(`## ${section}`);
    if (start < 0) throw new Error(`no section '## ${section}'`);
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(start, next < 0 ? undefined : next);
  }
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

interface Installed {
  dir: string;
  app: string;
  files: string[];
}

let installed: Installed | null = null;
let installError: Error | null = null;
/** The temporary folder, removed by the last test even when the install failed. */
let workDir: string | null = null;

/** Pack and install once; every test below shares the install (or its error). */
function install(): Installed {
  if (installed) return installed;
  if (installError) throw installError;
  try {
    installed = packAndInstall();
  } catch (e) {
    installError = e as Error;
    throw e;
  }
  return installed;
}

/**
 * Run a test's checks on the install; an error (a failed install, unreadable output) fails the
 * test instead of throwing out of tape, which would stop the whole suite.
 */
function onInstall(t: test.Test, checks: (i: Installed) => void): void {
  try {
    checks(install());
  } catch (e) {
    t.fail((e as Error).message);
  }
  t.end();
}

function packAndInstall(): Installed {
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-installed-'));
  workDir = dir;
  // --ignore-scripts: prepack would rebuild the dist/ this test runs from; the test uses that build.
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  if (pack.status !== 0) throw new Error(`npm pack failed: ${said(pack)}`);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hbnn-consumer', private: true, type: 'module' }));
  const inst = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, info.filename)], app);
  if (inst.status !== 0) throw new Error(`npm install of the tarball failed: ${said(inst)}`);
  return { dir, app, files: info.files.map((f) => f.path) };
}

/** Strip the types of a TypeScript module with the repository's TypeScript, write it as .mjs in the app and run it. */
function runTs(app: string, name: string, source: string): SpawnSyncReturns<string> {
  const ts = requireFromRoot(TS_PATH) as typeof import('typescript');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(app, `${name}.mjs`), js);
  return run(process.execPath, [`${name}.mjs`], app);
}

test('installed package: the tarball holds the library and the CLI, not tests, benchmarks or source maps', { skip }, (t) => onInstall(t, ({ files }) => {
  t.ok(files.length > 50, `${files.length} files packed`);
  const unwanted = files.filter((f) => /^dist\/(test|bench|docs)\//.test(f) || f.endsWith('.map'));
  t.deepEqual(unwanted, [], 'no dist/test, dist/bench, dist/docs or .map files');
  for (const target of Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))) {
    t.ok(files.includes(target.replace(/^\.\//, '')), `export target ${target} is packed`);
  }
  t.ok(files.includes(Object.values(pkg.bin)[0].replace(/^\.\//, '')), 'the hbnn command is packed');
  t.match(pkg.scripts.prepack ?? '', /clean.*build|build/, `prepack builds dist/ afresh: "${pkg.scripts.prepack}"`);
}));

test('installed package: the hbnn command runs; `hbnn bench` says benchmarks need the repository', { skip }, (t) => onInstall(t, ({ app }) => {
  const help = run(process.execPath, [join(app, 'node_modules', 'hbnn', 'dist', 'bin', 'hbnn.js'), '--help'], app);
  t.equal(help.status, 0, `hbnn --help: ${help.status === 0 ? 'ok' : said(help)}`);
  t.match(help.stdout, /reproduce/, 'lists reproduce');
  const bench = run(process.execPath, [join(app, 'node_modules', 'hbnn', 'dist', 'bin', 'hbnn.js'), 'bench'], app);
  t.equal(bench.status, 1, 'hbnn bench exits 1');
  t.match(bench.stderr, /benchmarks are not part of the installed package/, `says why: ${bench.stderr.trim().split('\n')[0]}`);
}));

test("installed package: the post's data, the default of `hbnn reproduce`, is packed and loads", { skip }, (t) => onInstall(t, ({ app, files }) => {
  t.ok(files.includes('models/data/wiecki2018_seed31.json'), 'models/data/wiecki2018_seed31.json is packed');
  // Imported by file path (the exports map keeps deep imports out): the loader finds the file from dist/.
  const loader = pathToFileURL(join(app, 'node_modules', 'hbnn', 'dist', 'models', 'data', 'wiecki2018.js')).href;
  const r = run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(loader)}); const d = m.loadWiecki2018(); console.log(JSON.stringify({ path: m.WIECKI2018_PATH, groups: d.Xs_train.length, train: d.Ys_train.flat().length, test: d.Ys_test.flat().length }));`], app);
  t.equal(r.status, 0, `loadWiecki2018() in the installed package: ${r.status === 0 ? 'ok' : said(r)}`);
  const info = JSON.parse(r.stdout || '{}') as { path?: string; groups?: number; train?: number; test?: number };
  t.deepEqual([info.groups, info.train, info.test], [18, 900, 900], '18 groups of 50 training and 50 test points');
  t.ok(info.path?.startsWith(join(app, 'node_modules', 'hbnn')), `read from the installed package: ${info.path}`);
}));

const CUSTOM_OP = `
import { T, gradcheck, tensor, Tensor, asTensor, record } from 'hbnn';
import * as autodiff from 'hbnn/autodiff';
function cube(input) {
  const x = asTensor(input, 'cube');
  const out = x.data.map((v) => v * v * v);
  return record(new Tensor(out, x.shape), [x], (g) => [x.data.map((v, i) => 3 * v * v * g[i])], 'cube');
}
// The subpath's API and the root's share one tape: an op from one, gradcheck from the other.
function softsign(input) {
  const x = autodiff.asTensor(input, 'softsign');
  return autodiff.record(new autodiff.Tensor(x.data.map((v) => v / (1 + Math.abs(v))), x.shape), [x], (g) => {
    if (!autodiff.tracks(x)) return;
    autodiff.accumulate(x, x.data.map((v, i) => g[i] / ((1 + Math.abs(v)) * (1 + Math.abs(v)))), x.shape, 'softsign', true);
  });
}
const x = tensor([0.3, -1.2, 2]);
const broadcast = gradcheck((a, b) => T.sum(T.mul(cube(a), softsign(b))), [tensor([0.5, -1, 2], [3, 1]), tensor([0.7, -0.2], [1, 2])]);
console.log(JSON.stringify({ cube: gradcheck((a) => T.sum(cube(a)), [x]), softsign: gradcheck((a) => T.sum(softsign(a)), [x]), broadcast }));
`;

test('installed package: a custom op written with the exported op API passes gradcheck', { skip }, (t) => onInstall(t, ({ app }) => {
  writeFileSync(join(app, 'custom_op.mjs'), CUSTOM_OP);
  const r = run(process.execPath, ['custom_op.mjs'], app);
  t.equal(r.status, 0, `node custom_op.mjs: ${r.status === 0 ? 'ok' : said(r)}`);
  const results = JSON.parse(r.stdout || '{}') as Record<string, { ok: boolean; maxRelError: number; checked: number }>;
  for (const name of ['cube', 'softsign', 'broadcast']) {
    t.ok(results[name]?.ok, `${name}: ok, ${results[name]?.checked} coordinates, max relative error ${results[name]?.maxRelError?.toExponential(1)}`);
  }
}));

const TYPED_PROGRAM = `
import { T, Tensor, asTensor, record, gradcheck, tensor, defineModel, dist, sample, summary, formatSummary, nuts,
  models, data, Rng, libm, type LogDensity, type Sampler, type Trace, type SampleOptions, type TensorLike } from 'hbnn';
import { Tape, type OpBackward } from 'hbnn/autodiff';
import { flatBnn, type BnnModel } from 'hbnn/models';
import { euclideanMetric, windowAdaptation, leapfrog, type NutsInfo } from 'hbnn/samplers';
import { cholesky, broadcastShapes, type BackendName } from 'hbnn/core';

const back: OpBackward = (g) => [g];
export function identity(x: TensorLike): Tensor {
  const t = asTensor(x, 'identity');
  return record(new Tensor(Float64Array.from(t.data), t.shape), [t], back, 'identity');
}
const target: LogDensity = { dim: 1, logDensityAndGrad: (x, g) => { g[0] = -x[0]; return -0.5 * x[0] * x[0]; } };
const options: SampleOptions = { chains: 1, draws: 5, tune: 5, seed: 1, parallel: false, sampler: nuts() };
const trace: Trace = await sample(target, options);
const s: Sampler | undefined = undefined;
const study = data.rotatedMoons({ groups: 1, nSamples: 20, seed: 1 });
const bnn: BnnModel = flatBnn({ X: study.Xs_train[0], y: study.Ys_train[0] });
const tape = new Tape();
const info: NutsInfo | null = null;
const backend: BackendName = 'js';
console.log(formatSummary(summary(trace)), gradcheck((x) => T.sum(identity(x)), [tensor([1, 2])]).ok, tape.size, s, info, backend,
  bnn.dim, models.DEFAULT_HIDDEN, Rng.fromSeed(1).normal(), libm.exp(0), cholesky(Float64Array.of(4), 1), broadcastShapes([2, 1], [3], 'x'),
  typeof euclideanMetric, typeof windowAdaptation, typeof leapfrog, defineModel, dist);
`;

test('installed package: tsc --strict with skipLibCheck false type-checks a program and the docs examples', { skip }, (t) => onInstall(t, ({ app }) => {
  const opsDoc = tsBlocks(readFileSync(join(ROOT, 'docs', 'ops.md'), 'utf8'));
  const readme = tsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Use it as a library');
  writeFileSync(join(app, 'program.ts'), TYPED_PROGRAM);
  writeFileSync(join(app, 'ops_doc.ts'), opsDoc);
  writeFileSync(join(app, 'readme.ts'), `${readme}\nexport {};\n`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [] },
    files: ['program.ts', 'ops_doc.ts', 'readme.ts'],
  }));
  const r = run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
  t.equal(r.status, 0, `tsc --strict, skipLibCheck false, no @types/node: ${r.status === 0 ? 'no errors' : said(r)}`);
}));

test('installed package: the examples of docs/ops.md and the README run as written', { skip }, (t) => onInstall(t, ({ app }) => {
  const ops = runTs(app, 'ops_doc', tsBlocks(readFileSync(join(ROOT, 'docs', 'ops.md'), 'utf8')));
  t.equal(ops.status, 0, `docs/ops.md: ${ops.status === 0 ? 'runs, both ops pass gradcheck' : said(ops)}`);
  const readme = runTs(app, 'readme', tsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Use it as a library'));
  t.equal(readme.status, 0, `README library example: ${readme.status === 0 ? 'runs' : said(readme)}`);
  t.match(readme.stdout, /mu[\s\S]*sigma/, 'prints a summary with mu and sigma');
}));

/**
 * The ```ts blocks of a page that carry a doc-test marker, in order: `<!-- doc-test: file NAME -->`
 * (a module the later blocks import) or `<!-- doc-test: run -->` (a program to run). `unmarked`
 * counts the blocks without one, so a new example cannot slip past the test.
 */
function docTests(markdown: string): { blocks: { kind: 'file' | 'run'; name: string; source: string }[]; unmarked: number } {
  const blocks: { kind: 'file' | 'run'; name: string; source: string }[] = [];
  let unmarked = 0;
  for (const m of markdown.matchAll(/(?:<!-- doc-test: (file (\S+)|run) -->\n)?```ts\n([\s\S]*?)```/g)) {
    if (m[1] === undefined) unmarked++;
    else blocks.push(m[2] ? { kind: 'file', name: m[2], source: m[3] } : { kind: 'run', name: `samplers_doc_${blocks.length}`, source: m[3] });
  }
  return { blocks, unmarked };
}

test('installed package: the examples of docs/samplers.md run as written', { skip }, (t) => onInstall(t, ({ app }) => {
  const { blocks, unmarked } = docTests(readFileSync(join(ROOT, 'docs', 'samplers.md'), 'utf8'));
  t.equal(unmarked, 0, 'every ts block of docs/samplers.md is a doc-test (a module or a program)');
  const ts = requireFromRoot(TS_PATH) as typeof import('typescript');
  for (const b of blocks.filter((x) => x.kind === 'file')) {
    const js = ts.transpileModule(b.source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(app, b.name), js);
  }
  const programs = blocks.filter((x) => x.kind === 'run');
  t.ok(programs.length >= 5, `${programs.length} programs`);
  for (const b of programs) {
    const r = runTs(app, b.name, b.source);
    const first = b.source.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
    t.equal(r.status, 0, `docs/samplers.md, the example at "${first.slice(0, 60)}": ${r.status === 0 ? 'runs' : said(r)}`);
    if (/inWorkers/.test(b.source)) t.match(r.stdout, /^true$/m, 'the registered sampler gives the same draws in workers as in this thread');
  }
}));

test('installed package: the examples of docs/advi.md (ADVI, Pathfinder, the NUTS inits) run as written', { skip }, (t) => onInstall(t, ({ app }) => {
  const { blocks, unmarked } = docTests(readFileSync(join(ROOT, 'docs', 'advi.md'), 'utf8'));
  t.equal(unmarked, 0, 'every ts block of docs/advi.md is a doc-test');
  for (const b of blocks.filter((x) => x.kind === 'run')) {
    const r = runTs(app, `advi_doc_${b.name}`, b.source);
    t.equal(r.status, 0, `docs/advi.md, an example: ${r.status === 0 ? 'runs' : said(r)}`);
  }
}));

test('installed package: clean up', { skip }, (t) => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  installed = null;
  workDir = null;
  t.end();
});
