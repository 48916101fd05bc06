/**
 * The playground in a browser against the same fit in Node: headless Chromium runs the page's
 * default fit (6 groups × 50 points, hierarchical, 2 chains × (200 + 200), chains in Web
 * Workers), and this process runs the same settings with chains in worker threads. Reported:
 * the bundle's size, time to the first post-warmup draw and to the end, and the ratio of the
 * browser's times to Node's, measured in the same run.
 *
 * Run: `node dist/bench/playground.bench.js [--quick]` (needs Debian's chromium; see
 * docs/playground.md), or `npm run bench -- --only playground`.
 */
import { join } from 'node:path';
import { ROOT } from '../bin/bundle.js';
import { DEFAULT_SETTINGS, checkSettings, runPlayground, type PlaygroundSettings } from '../docs/playground/src/fit.js';
import { CHROMIUM, fillSettings, haveChromium, newPlaygroundPage, openPlayground, waitForResult } from './playground_driver.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { isMainModule } from './script.js';

export interface PlaygroundBenchResult {
  settings: PlaygroundSettings;
  bundle: { totalBytes: number; bytesBeforeGpu: number; gzipTotalBytes: number; gzipBytesBeforeGpu: number; files: { file: string; bytes: number; gzipBytes: number }[] };
  browser: { chromium: string; firstDrawMs: number; totalMs: number; surfaceBackend: string };
  node: { firstDrawMs: number; totalMs: number };
  /** Browser time / Node time. */
  ratio: { firstDraw: number; total: number };
  sameDraws: boolean;
  machine: MachineInfo;
}

export async function benchPlayground(options: { quick?: boolean; print?: boolean } = {}): Promise<PlaygroundBenchResult> {
  if (!haveChromium()) throw new Error(`playground bench: no Chromium at ${CHROMIUM} (apt-get install chromium, or set HBNN_CHROMIUM)`);
  const settings = checkSettings(options.quick ? { ...DEFAULT_SETTINGS, groups: 3, points: 20, tune: 100, draws: 80, maxTreeDepth: 6 } : DEFAULT_SETTINGS);

  // Node first, chains in worker threads like the page's Web Workers.
  const t0 = performance.now();
  let nodeFirst = NaN;
  const node = await runPlayground(settings, {
    targetsModule: join(ROOT, 'dist', 'docs', 'playground', 'src', 'targets.js'),
    onProgress: (_stage, p) => {
      if (Number.isNaN(nodeFirst) && p.newDraws.stats.lp.length > 0) nodeFirst = performance.now() - t0;
    },
  });
  const nodeTotal = performance.now() - t0;

  const playground = await openPlayground();
  try {
    const page = await newPlaygroundPage(playground);
    await fillSettings(page, { ...settings });
    await page.click('#run');
    const r = await waitForResult(page, 'the end of the run', (x) => x.state === 'done', 600_000);
    const result: PlaygroundBenchResult = {
      settings,
      bundle: { totalBytes: playground.bundle.totalBytes, bytesBeforeGpu: playground.bundle.bytesBeforeGpu, gzipTotalBytes: playground.bundle.gzipTotalBytes, gzipBytesBeforeGpu: playground.bundle.gzipBytesBeforeGpu, files: playground.bundle.files },
      browser: { chromium: playground.browser.version(), firstDrawMs: r.firstDrawMs ?? NaN, totalMs: r.seconds * 1000, surfaceBackend: r.surfaceBackend },
      node: { firstDrawMs: nodeFirst, totalMs: nodeTotal },
      ratio: { firstDraw: (r.firstDrawMs ?? NaN) / nodeFirst, total: (r.seconds * 1000) / nodeTotal },
      sameDraws: JSON.stringify(r.checksum) === JSON.stringify(node.checksum),
      machine: machineInfo(),
    };
    if (options.print !== false) print(result);
    return result;
  } finally {
    await playground.close();
  }
}

function print(r: PlaygroundBenchResult): void {
  const s = r.settings;
  const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
  console.log(`\nPlayground: ${s.model}, ${s.groups} groups × ${s.points} points, ${s.chains} chains × (${s.tune} + ${s.draws}), max tree depth ${s.maxTreeDepth}`);
  console.log(`${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, Chromium ${r.browser.chromium} (headless, --disable-gpu)`);
  console.log(`bundle: ${kb(r.bundle.totalBytes)} of JavaScript (${kb(r.bundle.gzipTotalBytes)} gzipped), ${kb(r.bundle.bytesBeforeGpu)} before the gpu.js chunk (${kb(r.bundle.gzipBytesBeforeGpu)} gzipped); minified`);
  console.log('                      first draw       whole run');
  console.log(`Chromium (Web Workers) ${(r.browser.firstDrawMs / 1000).toFixed(2).padStart(8)} s ${(r.browser.totalMs / 1000).toFixed(2).padStart(12)} s`);
  console.log(`Node (worker threads)  ${(r.node.firstDrawMs / 1000).toFixed(2).padStart(8)} s ${(r.node.totalMs / 1000).toFixed(2).padStart(12)} s`);
  console.log(`Chromium / Node        ${r.ratio.firstDraw.toFixed(2).padStart(8)}× ${r.ratio.total.toFixed(2).padStart(12)}×`);
  console.log(`surfaces on '${r.browser.surfaceBackend}'; draws identical to Node's: ${r.sameDraws ? 'yes' : 'NO'}`);
}

if (isMainModule(import.meta.url)) {
  await benchPlayground({ quick: process.argv.includes('--quick') });
  process.exit(0);
}
