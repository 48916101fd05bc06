/**
 * The package's entry points: the curated root, the subpaths of package.json "exports", and
 * docs/moving_from_0.1.md, which must say where every name that left the root went.
 */
import test from 'tape';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
const SUBPATHS = ['autodiff', 'models', 'samplers', 'core'] as const;

type Module = Record<string, unknown>;
const load = async (file: string): Promise<Module> => (await import(pathToFileURL(join(ROOT, file)).href)) as Module;

/** Rows of the markdown table that follows `heading`: the backticked names of the first column, and the second column. */
function tableAfter(markdown: string, heading: string): { names: string[]; now: string }[] {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`docs/moving_from_0.1.md: no '${heading}'`);
  const lines = markdown.slice(start).split('\n').slice(1);
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: { names: string[]; now: string }[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const [, names, now] = line.split('|');
    rows.push({ names: [...names.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]), now });
  }
  return rows;
}

test('entry points: package.json exports the root and one index per layer, each with its types', (t) => {
  for (const sub of ['.', ...SUBPATHS.map((s) => `./${s}`)]) {
    const entry = pkg.exports[sub] as Record<string, string>;
    const base = sub === '.' ? './dist/index' : `./dist/${sub.slice(2)}/index`;
    t.deepEqual(entry, { types: `${base}.d.ts`, import: `${base}.js` }, `"${sub}": types and import`);
    t.ok(existsSync(join(ROOT, `${base}.d.ts`)) && existsSync(join(ROOT, `${base}.js`)), `${base}.js and .d.ts are built`);
  }
  t.end();
});

test('entry points: the root is curated (no internals) and shares its modules with the subpaths', async (t) => {
  const root = await load('dist/index.js');
  const [autodiff, models, samplers, core] = await Promise.all(SUBPATHS.map((s) => load(`dist/${s}/index.js`)));
  for (const name of ['buildTree', 'samplerFromSpec', 'CountingTarget', 'WorkerPool', 'ChainRunner', 'logSumExp', 'sharedWorkerPool', 'runParallel']) {
    t.notOk(name in root, `the root does not export ${name}`);
  }
  const userApi = ['tensor', 'T', 'valueAndGrad', 'grad', 'gradcheck', 'record', 'accumulate', 'tracks', 'asTensor', 'dist', 'defineModel',
    'makeTransform', 'models', 'data', 'predict', 'sample', 'nuts', 'hmc', 'mala', 'advi', 'Trace', 'summary', 'rhat', 'essBulk',
    'samplerWarnings', 'writeCmdStanCsv', 'readCmdStanCsv', 'writeTraceJson', 'Rng', 'libm', 'setBackend', 'backendInfo', 'prepareGpu'];
  t.deepEqual(userApi.filter((n) => !(n in root)), [], `the root exports the user API (${userApi.length} names checked)`);
  t.ok(Object.keys(root).length < 90, `${Object.keys(root).length} names in the root`);
  t.equal(root.record, autodiff.record, 'hbnn and hbnn/autodiff: one tape API');
  t.equal(root.Tensor, autodiff.Tensor, 'one Tensor class');
  t.equal(root.Trace, samplers.Trace, 'one Trace class');
  t.equal(root.Rng, core.Rng, 'one Rng');
  t.equal((root.models as Module).flatBnn, models.flatBnn, 'models.flatBnn is hbnn/models flatBnn');
  t.end();
});

test('entry points: docs/moving_from_0.1.md says where every name that left the root went', async (t) => {
  const doc = readFileSync(join(ROOT, 'docs', 'moving_from_0.1.md'), 'utf8');
  const root = await load('dist/index.js');
  const subs = Object.fromEntries(await Promise.all(SUBPATHS.map(async (s) => [s, await load(`dist/${s}/index.js`)] as const)));
  const moved = tableAfter(doc, '## Names that left the root');
  t.ok(moved.length >= 8, `${moved.length} rows of moved names`);
  for (const { names, now } of moved) {
    const places = SUBPATHS.filter((s) => now.includes(`hbnn/${s}`));
    t.ok(places.length > 0, `row ${names[0]}…: names an entry point`);
    const missing = names.filter((n) => n in root || !places.every((s) => n in subs[s])
      || (now.includes('`models.') && !(n in (root.models as Module))) || (now.includes('`data.') && !(n in (root.data as Module))));
    t.deepEqual(missing, [], `${names.length} names, now in ${places.map((s) => `hbnn/${s}`).join(', ')}`);
  }
  const internal = tableAfter(doc, 'Internal now');
  const exported = internal.flatMap((r) => r.names).filter((n) => n in root || SUBPATHS.some((s) => n in subs[s]));
  t.deepEqual(exported, [], `${internal.flatMap((r) => r.names).length} names listed as internal are exported nowhere`);
  // Nothing public disappears without a note: each name of 0.1's root is still there or in a table.
  const old = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'root_exports_0.1.json'), 'utf8')) as string[];
  const noted = new Set([...moved, ...internal].flatMap((r) => r.names));
  const silent = old.filter((n) => !(n in root) && !noted.has(n));
  t.deepEqual(silent, [], `each of 0.1's ${old.length} root names is in the root (${old.filter((n) => n in root).length}) or in the doc`);
  t.end();
});
