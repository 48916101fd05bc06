/**
 * The report as a reader first sees it, in headless Chromium (Debian's `chromium`, driven by
 * playwright-core as in the playground's e2e test): a tiny `--quick` study (2 groups, one short
 * chain per model) writes report.html, which is opened at 1400 × 900; the first screen must show
 * the smoke-test line, the accuracy table and a figure, with the diagnostics below the figures
 * and the per-fit warnings collapsed. The screenshot goes to dist/report-screenshot.png (build
 * output, never a tracked file). Without a Chromium the test is skipped, and says so.
 */
import test from 'tape';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT } from '../../bin/bundle.js';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../../bench/playground_driver.js';
import { rotatedMoons } from '../../models/data/moons.js';
import { reproduce } from '../../bin/reproduce.js';

const skip = !haveChromium();
if (skip) console.log(`# SKIP report e2e: no Chromium at ${CHROMIUM} (apt-get install chromium, or set HBNN_CHROMIUM)`);

const VIEWPORT = { width: 1400, height: 900 };

/** A tiny quick run's output directory (removed by the caller). */
async function tinyReport(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-report-e2e-'));
  const data = join(dir, 'study.json');
  writeFileSync(data, JSON.stringify(rotatedMoons({ groups: 2, nSamples: 40, seed: 5 })));
  const out = join(dir, 'out');
  await reproduce({ data, out, seed: 1, chains: 1, draws: 20, tune: 20, maxTreeDepth: 5, quick: true, parallel: false, progress: false, log: () => {} });
  return dir;
}

test('report e2e: the first screen of report.html shows the accuracy table and a figure', { skip, timeout: 180_000 }, async (t) => {
  const dir = await tinyReport();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(pathToFileURL(join(dir, 'out', 'report.html')).href);
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const inView = (b: { x: number; y: number; width: number; height: number }) => b.y >= 0 && b.y + b.height <= VIEWPORT.height && b.x >= 0 && b.x + b.width <= VIEWPORT.width;
    const table = await box('table.accuracy');
    const figure = await box('img');
    const smoke = await box('p.smoke');
    t.ok(inView(table), `the accuracy table lies on the first screen (y ${table.y.toFixed(0)} to ${(table.y + table.height).toFixed(0)} of ${VIEWPORT.height})`);
    t.ok(inView(figure), `so does the first figure (y ${figure.y.toFixed(0)} to ${(figure.y + figure.height).toFixed(0)}, ${figure.width.toFixed(0)} px wide)`);
    t.ok(smoke.y < table.y && smoke.y < 60, `the smoke-test line comes first (y ${smoke.y.toFixed(0)})`);
    const diagnostics = await box('h2:has-text("Diagnostics")');
    const figures = await page.locator('img').count();
    const lastFigure = await page.locator('img').nth(figures - 1).boundingBox();
    t.ok(lastFigure && diagnostics.y > lastFigure.y, `the diagnostics table follows the ${figures} figures`);
    const open = await page.$$eval('details', (ds) => ds.map((d) => (d as HTMLDetailsElement).open));
    t.ok(open.length >= 1 && open.every((o) => !o), `the per-fit warnings and summaries are collapsed (${open.length} <details>)`);
    const shot = join(ROOT, 'dist', 'report-screenshot.png');
    await page.screenshot({ path: shot });
    t.pass(`screenshot of the first screen saved to ${shot}`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});
