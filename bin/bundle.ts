/**
 * Browser bundles, built with esbuild from the compiled library in dist/ (run `npm run build`
 * first; the npm scripts do). Node-only modules are swapped for their browser twins by
 * package.json's "browser" field (core/platform/files.ts → files.browser.ts, worker_host.ts →
 * worker_host.browser.ts, …), so the bundles contain no `node:` import; esbuild fails the build if
 * one slips in.
 *
 * - `library`: dist/browser/hbnn.js, the package root as one ES module, with chain_worker.js
 *   (the Web Worker that runs chains) beside it and gpu.js as a chunk loaded by prepareGpu().
 * - `playground`: docs/playground/build/, the playground page's script (main.js), the module its
 *   workers import to rebuild models (targets.js), the chain worker, and shared chunks.
 *
 *     node dist/bin/bundle.js library|playground
 */
import { build, type Metafile } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The repository root (this file is dist/bin/bundle.js). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BundleReport {
  outdir: string;
  /** Output files (relative to outdir), their sizes in bytes, and gzipped (as a server would send them). */
  files: { file: string; bytes: number; gzipBytes: number }[];
  /** Bytes a page downloads before its first draw: every output but the gpu.js chunk. */
  bytesBeforeGpu: number;
  gzipBytesBeforeGpu: number;
  totalBytes: number;
  gzipTotalBytes: number;
}

async function bundle(entryPoints: Record<string, string>, outdir: string): Promise<BundleReport> {
  rmSync(outdir, { recursive: true, force: true }); // no stale chunks from an earlier build
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(entryPoints).map(([name, file]) => [name, join(ROOT, file)])),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Chunks sit beside the entries, so `new URL('./chain_worker.js', import.meta.url)` in any
    // of them finds the worker.
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    legalComments: 'linked',
  });
  return report(result.metafile, outdir);
}

function report(meta: Metafile, outdir: string): BundleReport {
  const files = Object.entries(meta.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, out]) => {
      const path = join(process.cwd(), file);
      return { file: relative(outdir, path), bytes: out.bytes, gzipBytes: gzipSync(readFileSync(path), { level: 9 }).length, gpu: Object.keys(out.inputs).some((i) => i.includes('gpu.js/dist')) };
    })
    .sort((a, b) => b.bytes - a.bytes);
  const sum = (list: typeof files, key: 'bytes' | 'gzipBytes') => list.reduce((s, f) => s + f[key], 0);
  const withoutGpu = files.filter((f) => !f.gpu);
  return {
    outdir,
    files: files.map(({ file, bytes, gzipBytes }) => ({ file, bytes, gzipBytes })),
    bytesBeforeGpu: sum(withoutGpu, 'bytes'),
    gzipBytesBeforeGpu: sum(withoutGpu, 'gzipBytes'),
    totalBytes: sum(files, 'bytes'),
    gzipTotalBytes: sum(files, 'gzipBytes'),
  };
}

/** The chain worker, named as in dist/ so that the URL that finds it there finds it beside the chunks. */
const CHAIN_WORKER = { chain_worker: 'dist/samplers/run/parallel/chain_worker.js' };

export function bundleLibrary(outdir = join(ROOT, 'dist', 'browser')): Promise<BundleReport> {
  return bundle({ hbnn: 'dist/index.js', ...CHAIN_WORKER }, outdir);
}

export function bundlePlayground(outdir = join(ROOT, 'docs', 'playground', 'build')): Promise<BundleReport> {
  return bundle(
    {
      main: 'dist/docs/playground/src/main.js',
      targets: 'dist/docs/playground/src/targets.js',
      ...CHAIN_WORKER,
    },
    outdir,
  );
}

function describe(r: BundleReport): string {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
  return [
    `${r.outdir}: ${kb(r.totalBytes)} of JavaScript in all (${kb(r.gzipTotalBytes)} gzipped), ${kb(r.bytesBeforeGpu)} without the gpu.js chunk (${kb(r.gzipBytesBeforeGpu)} gzipped); minified`,
    ...r.files.map((f) => `  ${f.file.padEnd(28)} ${kb(f.bytes).padStart(10)} ${kb(f.gzipBytes).padStart(10)} gzipped`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const what = process.argv[2];
  if (what !== 'library' && what !== 'playground') {
    console.error('usage: node dist/bin/bundle.js library|playground');
    process.exitCode = 2;
  } else {
    const r = what === 'library' ? await bundleLibrary() : await bundlePlayground();
    console.log(describe(r));
  }
}
