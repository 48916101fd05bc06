/**
 * The architecture, checked on the sources: no import cycle among the library's files, and no
 * import that breaks the dependency rule (core ← autodiff ← models; core ← samplers; samplers
 * import neither autodiff nor models; nothing imports bin/, bench/, test/ or docs/; node:
 * modules only in core/platform's Node twins and a worker entry; platform contracts type-level
 * only). The checks are first run on small in-memory graphs, so a pass below means they can fail.
 */
import test from 'tape';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeCycle, findCycles, importEdges, librarySources, parseImports, resolveRelative, ruleViolations, type ImportEdge } from './import_graph.js';

// dist/test/architecture.test.js → the repository root, where the .ts sources are.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIBRARY_DIRS = ['core', 'autodiff', 'models', 'samplers'];

const edge = (from: string, to: string, kind: ImportEdge['kind'] = 'static'): ImportEdge => ({ from, to, kind, specifier: `./${to}` });

test('architecture: parseImports sees every form of import, and how each is imported', (t) => {
  const source = [
    "import { a } from './a.js';",
    "import type { B } from './b.js';",
    "import { type C } from './c.js';",
    "export { d } from './d.js';",
    "export type { E } from './e.js';",
    "export * from './f.js';",
    "import './g.js';",
    "const h = await import('./h.js');",
    "export type _Checked = typeof import('./i.js');",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  t.deepEqual(parseImports('x.ts', source), [
    { specifier: './a.js', kind: 'static' },
    { specifier: './b.js', kind: 'type' },
    { specifier: './c.js', kind: 'type' },
    { specifier: './d.js', kind: 'static' },
    { specifier: './e.js', kind: 'type' },
    { specifier: './f.js', kind: 'static' },
    { specifier: './g.js', kind: 'static' },
    { specifier: './h.js', kind: 'dynamic' },
    { specifier: './i.js', kind: 'typeQuery' },
    { specifier: 'node:fs', kind: 'static' },
  ]);
  const files = new Set(['core/x.ts', 'core/kernels/index.ts']);
  t.equal(resolveRelative('core/kernels/y.ts', '../x.js', (p) => files.has(p)), 'core/x.ts', "'../x.js' is the .ts source");
  t.equal(resolveRelative('core/y.ts', './kernels', (p) => files.has(p)), 'core/kernels/index.ts', 'a folder is its index.ts');
  t.equal(resolveRelative('core/y.ts', './missing.js', (p) => files.has(p)), null, 'nothing there: null');
  t.end();
});

test('architecture: findCycles reports each cycle with its files, and ignores type queries', (t) => {
  const graph = [
    edge('core/a.ts', 'core/b.ts'),
    edge('core/b.ts', 'core/c.ts', 'type'),
    edge('core/c.ts', 'core/a.ts'),
    edge('core/c.ts', 'core/d.ts'),
    edge('core/e.ts', 'core/e.ts', 'dynamic'),
    edge('core/p.contract.ts', 'core/p.ts', 'typeQuery'),
    edge('core/p.ts', 'core/p.contract.ts', 'type'),
  ];
  t.deepEqual(findCycles(graph), [
    { path: ['core/a.ts', 'core/b.ts', 'core/c.ts', 'core/a.ts'], files: ['core/a.ts', 'core/b.ts', 'core/c.ts'] },
    { path: ['core/e.ts', 'core/e.ts'], files: ['core/e.ts'] },
  ]);
  const wide = findCycles([edge('core/a.ts', 'core/b.ts'), edge('core/b.ts', 'core/a.ts'), edge('core/b.ts', 'core/c.ts'), edge('core/c.ts', 'core/a.ts')]);
  t.deepEqual(wide.map(describeCycle), ['core/a.ts → core/b.ts → core/a.ts (its component also holds core/c.ts)'], 'the shortest path, and the rest of the component');
  t.deepEqual(findCycles(graph.filter((e) => e.from !== 'core/c.ts' && e.from !== 'core/e.ts')), [], 'no cycle once broken');
  t.end();
});

test('architecture: ruleViolations names each import against the dependency rule', (t) => {
  const graph: ImportEdge[] = [
    edge('core/a.ts', 'core/b.ts'),
    edge('core/a.ts', 'autodiff/t.ts'),
    edge('autodiff/t.ts', 'core/a.ts'),
    edge('autodiff/t.ts', 'models/m.ts'),
    edge('samplers/s.ts', 'core/a.ts'),
    edge('samplers/s.ts', 'autodiff/t.ts', 'type'),
    edge('samplers/s.ts', 'models/m.ts'),
    edge('models/m.ts', 'samplers/s.ts'),
    edge('models/m.ts', 'bin/cli.ts'),
    edge('index.ts', 'models/m.ts'),
    edge('index.ts', 'test/x.ts'),
    edge('bin/cli.ts', 'test/x.ts'),
    { from: 'samplers/s.ts', to: null, kind: 'static', specifier: 'node:fs' },
    { from: 'core/platform/files.ts', to: null, kind: 'static', specifier: 'node:fs' },
    { from: 'core/platform/files.browser.ts', to: null, kind: 'static', specifier: 'node:fs' },
    { from: 'samplers/run/parallel/worker.ts', to: null, kind: 'static', specifier: 'node:worker_threads' },
    { from: 'models/m.ts', to: null, kind: 'static', specifier: './gone.js' },
    { from: 'models/m.ts', to: null, kind: 'static', specifier: 'ndarray' },
    edge('core/platform/x.contract.ts', 'core/platform/x.ts', 'typeQuery'),
    edge('core/platform/x.contract.ts', 'core/rng.ts'),
  ];
  t.deepEqual(ruleViolations(graph), [
    'core/a.ts (core) imports autodiff/t.ts (autodiff): core may import only core',
    'autodiff/t.ts (autodiff) imports models/m.ts (models): autodiff may import only core, autodiff',
    'samplers/s.ts (samplers) imports autodiff/t.ts (autodiff): samplers may import only core, samplers',
    'samplers/s.ts (samplers) imports models/m.ts (models): samplers may import only core, samplers',
    'models/m.ts (models) imports bin/cli.ts (bin): models may import only core, autodiff, samplers, models',
    'index.ts (index.ts) imports test/x.ts (test): index.ts may import only core, autodiff, samplers, models',
    "samplers/s.ts imports 'node:fs': only core/platform's Node twins and a worker entry may import node: modules",
    "core/platform/files.browser.ts imports 'node:fs': only core/platform's Node twins and a worker entry may import node: modules",
    "models/m.ts imports './gone.js', which resolves to no .ts file",
    "core/platform/x.contract.ts imports './core/rng.ts' at run time: a platform contract is type-level only",
  ]);
  t.end();
});

const edges = importEdges(ROOT, librarySources(ROOT, LIBRARY_DIRS, ['index.ts']));

test('architecture: the library has no import cycle', (t) => {
  t.ok(edges.length > 100, `${edges.length} imports read from ${new Set(edges.map((e) => e.from)).size} files`);
  const cycles = findCycles(edges);
  t.deepEqual(cycles.map(describeCycle), [], cycles.length === 0 ? 'no cycle' : `${cycles.length} import cycle(s)`);
  t.end();
});

test('architecture: every import keeps the dependency rule', (t) => {
  t.deepEqual(ruleViolations(edges), [], 'core ← autodiff ← models; core ← samplers; node: only in core/platform Node twins and worker entries');
  t.end();
});
