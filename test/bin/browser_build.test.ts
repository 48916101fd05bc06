import test from 'tape';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withTempDir } from '../helpers/temp_dir.js';
import { ROOT, bundleLibrary } from '../../bin/bundle.js';
import * as filesBrowser from '../../core/platform/files.browser.js';
import { cmdStanCsvTexts, writeCmdStanCsv } from '../../samplers/io/cmdstan_csv.js';
import { sample } from '../../samplers/run/sample.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { browser: Record<string, string> };
const distFile = (p: string) => join(ROOT, p);

test('browser build: each Node adapter has a browser twin with the same exports', async (t) => {
  const pairs = Object.entries(pkg.browser);
  t.ok(pairs.length === 6, `${pairs.length} adapters in package.json "browser"`);
  for (const twin of ['files', 'gpu_loader', 'png_raster', 'terminal_progress', 'worker_host', 'worker_port']) {
    t.equal(pkg.browser[`./dist/core/platform/${twin}.js`], `./dist/core/platform/${twin}.browser.js`, `core/platform/${twin} is a mapped pair`);
  }
  for (const [node, browser] of pairs) {
    t.ok(existsSync(distFile(node)) && existsSync(distFile(browser)), `${node} → ${browser} both built`);
    const a = Object.keys(await import(pathToFileURL(distFile(node)).href)).sort();
    const b = Object.keys(await import(pathToFileURL(distFile(browser)).href)).sort();
    t.deepEqual(b, a, `${browser} exports what ${node} does`);
  }
  // Every *.browser.js is mapped (the chain worker is one file for both platforms).
  const mapped = new Set(Object.values(pkg.browser));
  for (const dir of ['core', 'autodiff', 'models', 'samplers']) {
    for (const f of (readdirSync(distFile(`dist/${dir}`), { recursive: true }) as string[]).filter((f) => f.endsWith('.browser.js'))) {
      const rel = `./dist/${dir}/${f}`;
      t.ok(mapped.has(rel), `${rel} is wired into package.json "browser"`);
    }
  }
  t.end();
});

test('browser build: the file adapter refuses with the path and what to do instead', (t) => {
  t.equal(filesBrowser.HAS_FILE_SYSTEM, false);
  t.throws(() => filesBrowser.readText('data/study.json'), /cannot read 'data\/study.json': this is hbnn's browser build, which has no file system.*cmdStanCsvTexts/);
  t.throws(() => filesBrowser.openAppendFile('ck/chain-0.csv'), /cannot open for writing 'ck\/chain-0.csv'/);
  t.equal(filesBrowser.joinPath('a/', '/b', 'c.csv'), 'a/b/c.csv');
  t.equal(filesBrowser.pathExists('anything'), false);
  t.end();
});

test('browser build: the library bundles with no Node-only import, and exports what the package root does', async (t) => {
  await withTempDir('hbnn-bundle-', async (out) => {
    const report = await bundleLibrary(out);
    const files = report.files.map((f) => f.file);
    t.ok(files.includes('hbnn.js') && files.includes('chain_worker.js'), `entries built: ${files.join(', ')}`);
    // The pool finds the worker by a URL relative to its own chunk, which sits beside the entry.
    const pool = files.filter((f) => readFileSync(join(out, f), 'utf8').includes('"./chain_worker.js"'));
    t.ok(pool.length > 0 && pool.every((f) => !f.includes('/')), `new URL('./chain_worker.js', import.meta.url) in ${pool.join(', ')}, beside chain_worker.js`);
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8');
      t.notOk(/(from|import\()\s*["']node:/.test(text), `${f} imports no node: module`);
    }
    t.ok(report.bytesBeforeGpu < report.totalBytes, `gpu.js is a separate chunk (${(report.bytesBeforeGpu / 1024).toFixed(0)} kB without it, ${(report.totalBytes / 1024).toFixed(0)} kB with)`);
    // The bundle is plain ES2022, so Node can load it too; its exports must match the root's.
    const bundled = Object.keys(await import(pathToFileURL(join(out, 'hbnn.js')).href)).sort();
    const root = Object.keys(await import(pathToFileURL(distFile('dist/index.js')).href)).sort();
    t.deepEqual(bundled, root, `the bundle exports the package root's ${root.length} names`);
  });
  t.end();
});

test('cmdStanCsvTexts: the text writeCmdStanCsv writes, without a file system', async (t) => {
  const target = { dim: 2, logDensityAndGrad: (x: Float64Array, g: Float64Array) => ((g[0] = -x[0]), (g[1] = -x[1]), -0.5 * (x[0] * x[0] + x[1] * x[1])) };
  const trace = await sample(target, { chains: 2, tune: 20, draws: 15, seed: 4 });
  withTempDir('hbnn-csv-', (dir) => {
    const paths = writeCmdStanCsv(trace, dir);
    const texts = cmdStanCsvTexts(trace);
    t.equal(texts.length, 2);
    texts.forEach((text, c) => t.equal(text, readFileSync(paths[c], 'utf8'), `chain ${c + 1}: same text`));
  });
  t.end();
});
