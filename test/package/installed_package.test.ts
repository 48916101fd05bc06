/**
 * hbnn as a user installs it: `npm pack` the built package, install the tarball into a temporary
 * project, and there (a) run a custom op written with the exported op API through gradcheck,
 * (b) type-check a program with `tsc --strict` and `skipLibCheck: false` (no @types/node), and
 * (c) run every code block of README.md and docs/*.md as written, by its doc-test marker (see
 * `DocMarker` below; a test that needs no npm checks that every block has one). Skipped,
 * and says so, only where `npm` cannot run.
 */
import test from 'tape';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
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

test('installed package: tsc --strict with skipLibCheck false type-checks a program and every docs example', { skip }, (t) => onInstall(t, ({ app }) => {
  writeFileSync(join(app, 'program.ts'), TYPED_PROGRAM);
  // Every program of the pages (a `run` block and its `continue`s) that imports only the package.
  const docs = DOCS.flatMap((doc) => docPrograms(docBlocks(doc)).programs
    .filter((p) => p.kind === 'run' && !/from '\.\//.test(p.source))
    .map((p, i) => ({ name: `typed_${doc.replace(/\W+/g, '_')}_${i}.ts`, source: `${p.source}\nexport {};\n` })));
  for (const d of docs) writeFileSync(join(app, d.name), d.source);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [] },
    files: ['program.ts', ...docs.map((d) => d.name)],
  }));
  t.ok(docs.length >= 10, `${docs.length} docs programs`);
  const r = run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
  t.equal(r.status, 0, `tsc --strict, skipLibCheck false, no @types/node: ${r.status === 0 ? 'no errors' : said(r)}`);
}));

/** What a doc-test marker asks for; the comment must be on the line just above the block's opening fence. */
type DocMarker =
  | { kind: 'run' } // a program, run in the installed app
  | { kind: 'continue' } // appended to the program before it on the page (its imports and names stay in scope)
  | { kind: 'file'; name: string } // a module the later programs import, written as NAME into the app
  | { kind: 'repo' } // a program that needs the repository (benchmarks are not packed), run from dist/
  | { kind: 'quote'; path: string } // source quoted from a repository file: every line must be in it
  | { kind: 'skip'; reason: string }; // not code to run (shell, a format, a page); never for TS/JS

interface DocBlock {
  doc: string;
  line: number;
  lang: string;
  source: string;
  /** The line above the opening fence. */
  above: string;
}

/** The pages whose code blocks must run: README.md and docs/*.md (not docs/api, which typedoc writes). */
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const TS_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'tsx', 'jsx']);

function parseMarker(comment: string): DocMarker | undefined {
  const m = /^<!-- doc-test: (.*?) -->$/.exec(comment.trim());
  if (!m) return undefined;
  const body = m[1];
  if (body === 'run' || body === 'continue' || body === 'repo') return { kind: body };
  let p = /^file (\S+)$/.exec(body);
  if (p) return { kind: 'file', name: p[1] };
  p = /^quote (\S+)$/.exec(body);
  if (p) return { kind: 'quote', path: p[1] };
  p = /^skip \((.*\S.*)\)$/.exec(body);
  return p ? { kind: 'skip', reason: p[1] } : undefined;
}

/** Every fenced block of a markdown text, with the line above its opening fence. */
function fencedBlocks(doc: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith('```')) j++;
    blocks.push({ doc, line: i + 1, lang: open[1], source: lines.slice(i + 1, j).join('\n') + '\n', above: i > 0 ? lines[i - 1] : '' });
    i = j;
  }
  return blocks;
}

const docBlocks = (doc: string) => fencedBlocks(doc, readFileSync(join(ROOT, doc), 'utf8'));

/** What is wrong with a page's markers: unmarked blocks, skipped TS/JS, a `continue` with nothing before it, a quote that drifted. */
function markerProblems(blocks: DocBlock[]): string[] {
  const problems: string[] = [];
  let program = false;
  for (const b of blocks) {
    const at = `${b.doc}:${b.line} (\`\`\`${b.lang})`;
    const m = parseMarker(b.above);
    if (!m) {
      const what = b.above.includes('doc-test') ? `unreadable marker '${b.above.trim()}'` : 'no doc-test marker';
      problems.push(`${at}: ${what} (run, continue, file NAME, repo, quote PATH or, for what is not TS/JS, skip (REASON))`);
      continue;
    }
    if (m.kind === 'skip' && TS_LANGS.has(b.lang)) problems.push(`${at}: a ${b.lang} block cannot be skipped (${m.reason}); make it run`);
    if (m.kind !== 'skip' && m.kind !== 'quote' && !TS_LANGS.has(b.lang)) problems.push(`${at}: '${m.kind}' runs TypeScript, but the block is \`\`\`${b.lang || ' (no language)'}`);
    if (m.kind === 'continue' && !program) problems.push(`${at}: 'continue' needs a 'run' or 'repo' block before it on the page`);
    if (m.kind === 'quote') {
      const file = join(ROOT, m.path);
      if (!existsSync(file)) problems.push(`${at}: quotes ${m.path}, which does not exist`);
      else {
        const text = readFileSync(file, 'utf8');
        const missing = b.source.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !text.includes(l));
        if (missing.length > 0) problems.push(`${at}: not in ${m.path}: ${missing.join(' | ')}`);
      }
    }
    if (m.kind === 'run' || m.kind === 'repo') program = true;
  }
  return problems;
}

test('docs: every code block of README.md and docs/*.md carries a doc-test marker (TS/JS blocks run; only other blocks may be skipped, with a reason)', (t) => {
  const all = DOCS.flatMap(docBlocks);
  t.ok(all.length >= 30, `${all.length} code blocks in ${DOCS.length} pages`);
  t.deepEqual(DOCS.flatMap((d) => markerProblems(docBlocks(d))), [], 'no block without a marker, no skipped TS/JS, no orphaned continue, no drifted quote');
  const counts = new Map<string, number>();
  for (const b of all) {
    const kind = parseMarker(b.above)?.kind ?? 'none';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  t.comment(`markers: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  // The rule itself: each kind of mistake is caught, and a shell block skipped with a reason passes.
  const probe = (md: string) => markerProblems(fencedBlocks('probe.md', md));
  t.equal(probe('text\n```ts\nx\n```').length, 1, 'an unmarked ts block is a problem');
  t.equal(probe('text\n```\nls\n```').length, 1, 'an unmarked block without a language is a problem');
  t.equal(probe('<!-- doc-test: skip (too slow) -->\n```ts\nx\n```').length, 1, 'a skipped ts block is a problem');
  t.equal(probe('<!-- doc-test: skip () -->\n```sh\nx\n```').length, 1, 'a skip without a reason is a problem');
  t.equal(probe('<!-- doc-test: continue -->\n```ts\nx\n```').length, 1, 'a continue with no program before it is a problem');
  t.equal(probe('<!-- doc-test: quote core/libm.ts -->\n```ts\nno such line in libm\n```').length, 1, 'a quote that is not in its file is a problem');
  t.equal(probe('<!-- doc-test: skip (shell) -->\n```sh\nx\n```\n<!-- doc-test: run -->\n```ts\nx\n```\n<!-- doc-test: continue -->\n```ts\ny\n```').length, 0,
    'a shell block skipped with a reason, a program and its continuation are fine');
  t.end();
});

/** The programs of a page: each `run` or `repo` block with the `continue` blocks after it; the `file` modules. */
function docPrograms(blocks: DocBlock[]): { files: { name: string; source: string }[]; programs: { kind: 'run' | 'repo'; line: number; source: string }[] } {
  const files: { name: string; source: string }[] = [];
  const programs: { kind: 'run' | 'repo'; line: number; source: string }[] = [];
  for (const b of blocks) {
    const m = parseMarker(b.above);
    if (m?.kind === 'file') files.push({ name: m.name, source: b.source });
    else if (m?.kind === 'run' || m?.kind === 'repo') programs.push({ kind: m.kind, line: b.line, source: b.source });
    else if (m?.kind === 'continue' && programs.length > 0) programs[programs.length - 1].source += b.source;
  }
  return { files, programs };
}

const transpile = (source: string) => {
  const ts = requireFromRoot(TS_PATH) as typeof import('typescript');
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
};

/** A program of a page, named for its files: doc_<page>_<i>. */
interface DocProgram {
  doc: string;
  name: string;
  kind: 'run' | 'repo';
  line: number;
  source: string;
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
  wallS: number;
}

const saidRan = (r: Ran) => `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`.trim();

/** Run a command to its end without blocking this process (so several programs can run at once). */
function runAsync(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', error: Error | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => (error = e));
    child.on('close', (code, signal) => {
      if (signal && !error) error = new Error(`killed by ${signal}${Date.now() - start >= timeoutMs ? ` after the ${timeoutMs / 1000} s timeout` : ''}`);
      resolve({ status: code, stdout, stderr, error, wallS: (Date.now() - start) / 1000 });
    });
  });
}

/**
 * Run one program: a `run` program as a module of the app (so `hbnn` resolves to the install), in
 * its page's own working folder (the files it writes stay apart from another page's); a `repo`
 * program from the repository's dist/ (so `./bench/index.js` resolves), in a scratch folder.
 * 5 minutes each: the machines that run the suite may be shared; the slowest example takes ~20 s alone.
 */
async function runDocProgram({ app, dir }: Installed, p: DocProgram): Promise<Ran> {
  const file = p.kind === 'repo' ? join(ROOT, 'dist', `${p.name}.mjs`) : join(app, `${p.name}.mjs`);
  const cwd = p.kind === 'repo' ? join(dir, p.name) : join(dir, 'pages', p.doc.replace(/\W+/g, '_'));
  mkdirSync(cwd, { recursive: true });
  writeFileSync(file, transpile(p.source));
  try {
    return await runAsync(process.execPath, [file], cwd, 300_000);
  } finally {
    if (p.kind === 'repo') rmSync(file, { force: true });
  }
}

/** Checks a program's output must pass besides exiting 0, by page. */
const EXPECT: Record<string, { when: RegExp; stdout: RegExp; what: string }[]> = {
  'README.md': [{ when: /summary/, stdout: /mu[\s\S]*sigma/, what: 'prints a summary with mu and sigma' }],
  'docs/samplers.md': [{ when: /inWorkers/, stdout: /^true$/m, what: 'the registered sampler gives the same draws in workers as in this thread' }],
  'docs/diagnostics.md': [{ when: /formatCompare/, stdout: /^studentT\s+0\.0\s+0\.0\s+NA[\s\S]*^normal\s+-/m, what: 'compare() puts the Student-t model first' }],
};

const PAGES = DOCS.map((doc) => ({ doc, ...docPrograms(docBlocks(doc)) }));
/** How many pages run at once: HBNN_TEST_JOBS, as for the suite's own processes (default 2, or 1 on one core). */
const PAGE_JOBS = Math.max(1, Number(process.env.HBNN_TEST_JOBS ?? Math.min(2, availableParallelism())) || 1);

let pageRuns: Promise<Map<string, Ran[]>> | null = null;

/**
 * Every page's programs, run once for all the page tests below: the `file` modules of every page
 * are written into the app first (their names must differ), then PAGE_JOBS pages at a time run
 * their programs, each page's in order (a later program may read what an earlier one wrote).
 */
function runAllPages(i: Installed): Promise<Map<string, Ran[]>> {
  pageRuns ??= (async () => {
    for (const f of PAGES.flatMap((p) => p.files)) writeFileSync(join(i.app, f.name), transpile(f.source));
    const runs = new Map<string, Ran[]>();
    const queue = PAGES.filter((p) => p.programs.length > 0);
    const worker = async () => {
      for (let page = queue.shift(); page; page = queue.shift()) {
        const ran: Ran[] = [];
        for (const [k, p] of page.programs.entries()) ran.push(await runDocProgram(i, { ...p, doc: page.doc, name: `doc_${page.doc.replace(/\W+/g, '_')}_${k}` }));
        runs.set(page.doc, ran);
      }
    };
    await Promise.all(Array.from({ length: PAGE_JOBS }, worker));
    return runs;
  })();
  return pageRuns;
}

test('docs: the `file` modules of all pages have different names (every page\'s modules are written into one app)', (t) => {
  const names = PAGES.flatMap((p) => p.files.map((f) => f.name));
  t.deepEqual(names.filter((n, k) => names.indexOf(n) !== k), [], `${names.length} modules, no name twice`);
  t.end();
});

for (const { doc, programs } of PAGES) {
  if (programs.length === 0) continue;
  test(`installed package: the examples of ${doc} run as written`, { skip }, async (t) => {
    let ran: Ran[];
    try {
      ran = (await runAllPages(install())).get(doc) ?? [];
    } catch (e) {
      t.fail((e as Error).message);
      return;
    }
    programs.forEach((p, k) => {
      const r = ran[k];
      const first = p.source.split('\n').find((l) => !l.startsWith('import') && !l.startsWith('//') && l.trim() !== '') ?? '';
      t.equal(r.status, 0, `${doc}:${p.line}${p.kind === 'repo' ? ' (from the repository)' : ''}, the example at "${first.slice(0, 60)}": ${r.status === 0 ? `runs (${r.wallS.toFixed(1)} s)` : saidRan(r)}`);
      for (const e of EXPECT[doc] ?? []) if (e.when.test(p.source)) t.match(r.stdout, e.stdout, e.what);
    });
  });
}

test('installed package: clean up', { skip }, (t) => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  installed = null;
  workDir = null;
  t.end();
});
