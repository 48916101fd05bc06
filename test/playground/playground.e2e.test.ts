/**
 * The playground page end to end, in headless Chromium (Debian's `chromium`, driven by
 * playwright-core; `.ci/run` installs it). It builds the page's bundle, serves docs/playground,
 * refuses bad input, runs a small hierarchical fit with a stop and a continue in the middle, and
 * checks that the page's accuracy table and draws equal what Node computes for the same seed and
 * settings, that every surface is drawn, and that the draws download as CmdStan CSV; it saves a
 * screenshot to dist/playground-screenshot.png (with HBNN_UPDATE_SCREENSHOT=1, to the tracked
 * docs/playground/screenshot.png instead: a test run leaves the work tree as it found it). A second run has its workers fail on purpose
 * (`?failAfter=`) and checks that the error is shown and the draws made so far still download.
 *
 * Without a Chromium at HBNN_CHROMIUM or /usr/bin/chromium the tests are skipped, and say so.
 */
import test from 'tape';
import { join } from 'node:path';
import { withTempDir } from '../helpers/temp_dir.js';
import { ROOT } from '../../bin/bundle.js';
import { CHROMIUM, downloadAll, fillSettings, haveChromium, newPlaygroundPage, openPlayground, pageResult, waitForResult, type Playground } from '../../bench/playground_driver.js';
import { accuracyRows, checkSettings, runPlayground } from '../../docs/playground/src/fit.js';
import { readCmdStanCsv } from '../../samplers/io/cmdstan_csv.js';

const skip = !haveChromium();
if (skip) console.log(`# SKIP playground e2e: no Chromium at ${CHROMIUM} (apt-get install chromium, or set HBNN_CHROMIUM)`);

const SETTINGS = { groups: 3, points: 20, noise: 0.3, seed: 1, model: 'hierarchical', chains: 2, tune: 100, draws: 80, maxTreeDepth: 6 } as const;

let playground: Playground;

test('playground e2e: build, serve and open the page', { skip }, async (t) => {
  playground = await openPlayground();
  const b = playground.bundle;
  t.comment(`playground bundle: ${(b.totalBytes / 1024).toFixed(1)} kB (${(b.bytesBeforeGpu / 1024).toFixed(1)} kB before the gpu.js chunk)`);
  t.pass(`serving ${playground.url}; Chromium ${playground.browser.version()}`);
  t.end();
});

test('playground e2e: out-of-range controls are refused with a message', { skip }, async (t) => {
  const page = await newPlaygroundPage(playground);
  const cases: [Record<string, string | number>, RegExp][] = [
    [{ groups: 99 }, /groups must be between 1 and 18, got 99/],
    [{ groups: 3, noise: -1 }, /noise must be between 0 and 1, got -1/],
    [{ noise: 0.3, seed: 1.5 }, /seed must be a whole number, got 1.5/],
    [{ seed: 1, draws: '' }, /draws must be a number, got ""/],
  ];
  for (const [settings, message] of cases) {
    await fillSettings(page, settings);
    await page.click('#run');
    const box = page.locator('#settings-error');
    await box.waitFor({ state: 'visible', timeout: 5000 });
    t.match((await box.textContent()) ?? '', message, `refused: ${JSON.stringify(settings)}`);
    const field = Object.keys(settings).at(-1)!;
    t.equal(await page.getAttribute(`#${field}`, 'aria-invalid'), 'true', `#${field} is marked invalid`);
  }
  t.equal(await pageResult(page), null, 'no run was started');
  await page.close();
  t.end();
});

test('playground e2e: a hierarchical fit, stopped and continued, equals Node bit for bit', { skip, timeout: 240_000 }, async (t) => {
  const reference = await runPlayground(checkSettings(SETTINGS));
  const page = await newPlaygroundPage(playground);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await fillSettings(page, SETTINGS);
  await page.click('#run');

  // Stop once the chains report progress (during warmup), check nothing moves, continue.
  await waitForResult(page, 'the first progress', (r) => r.iterations > 0, 120_000);
  await page.click('#pause');
  await waitForResult(page, 'the pause', (r) => r.state === 'paused', 10_000);
  await new Promise((res) => setTimeout(res, 500));
  const held = (await pageResult(page))!.iterations;
  await new Promise((res) => setTimeout(res, 1000));
  const after = (await pageResult(page))!.iterations;
  t.ok(held < 2 * (SETTINGS.tune + SETTINGS.draws), `stopped mid-run, at ${held} iterations over both chains`);
  t.equal(after, held, 'no iterations while stopped');
  t.ok((await page.isDisabled('#pause')) && (await page.isEnabled('#resume')), 'Stop is off and Continue on');
  await page.click('#resume');
  const r = await waitForResult(page, 'the end of the run', (x) => x.state === 'done', 180_000);

  t.deepEqual(r.accuracy, accuracyRows(reference.accuracy), `accuracy shown equals Node's: ${JSON.stringify(r.accuracy)}`);
  t.deepEqual(r.checksum, reference.checksum, 'the draws equal Node\'s bit for bit (sums of lp__ and of every value, in order)');
  t.comment(`time to first draw ${r.firstDrawMs} ms; surfaces on '${r.surfaceBackend}'`);

  // Every surface canvas is drawn: most pixels carry colour, not the empty grey.
  const coloured = await page.$$eval('canvas', (canvases) =>
    canvases.map((c) => {
      const { data } = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 230) + Math.abs(data[i + 1] - 230) + Math.abs(data[i + 2] - 230) > 24) n++;
      return n / (data.length / 4);
    }),
  );
  t.equal(coloured.length, 2 * SETTINGS.groups, `${coloured.length} canvases (mean and sd per group)`);
  t.ok(coloured.every((f) => f > 0.5), `every canvas is drawn (coloured fractions ${coloured.map((f) => f.toFixed(2)).join(', ')})`);
  const rows = await page.$$eval('#accuracy tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent)));
  t.deepEqual(rows, accuracyRows(reference.accuracy), 'the table on the page shows the same numbers');

  const shot = process.env.HBNN_UPDATE_SCREENSHOT === '1' ? join(ROOT, 'docs', 'playground', 'screenshot.png') : join(ROOT, 'dist', 'playground-screenshot.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.pass(`screenshot saved to ${shot}`);

  await withTempDir('hbnn-e2e-', async (dir) => {
    const files = await downloadAll(page, dir, SETTINGS.chains);
    const trace = readCmdStanCsv(files.sort());
    t.equal(trace.draws, SETTINGS.draws, `${files.length} CmdStan CSV files with ${trace.draws} draws each`);
    const lpOk = trace.chainDraws.every((c, i) => c.stats.lp.every((v, k) => v === reference.traces[0].chainDraws[i].stats.lp[k]));
    t.ok(lpOk, 'their lp__ columns equal Node\'s draws');
  });
  t.deepEqual(errors, [], 'no uncaught errors in the page');
  await page.close();
  t.end();
});

test('playground e2e: the informative-prior sequence (hierarchical, then one fit per group) equals Node too', { skip, timeout: 180_000 }, async (t) => {
  const settings = { groups: 2, points: 15, noise: 0.3, seed: 5, model: 'informative', chains: 2, tune: 60, draws: 40, maxTreeDepth: 5 } as const;
  const reference = await runPlayground(checkSettings(settings));
  const page = await newPlaygroundPage(playground);
  await fillSettings(page, settings);
  await page.click('#run');
  const r = await waitForResult(page, 'the end of the run', (x) => x.state === 'done', 150_000);
  t.deepEqual(r.accuracy, accuracyRows(reference.accuracy), `accuracy equals Node's: ${JSON.stringify(r.accuracy)}`);
  t.deepEqual(r.checksum, reference.checksum, `all three stages' draws equal Node's (${reference.checksum.draws} draws)`);
  const stages = await page.$$eval('#stage-select option', (os) => os.map((o) => o.textContent));
  t.deepEqual(stages, ['hierarchical, all 2 groups', 'informative, group 1 of 2', 'informative, group 2 of 2'], 'each stage offers its draws');
  await page.close();
  t.end();
});

test('playground e2e: a worker error is shown and the draws made so far stay downloadable', { skip, timeout: 120_000 }, async (t) => {
  const page = await newPlaygroundPage(playground, '?failAfter=1500');
  await fillSettings(page, { groups: 1, points: 20, model: 'flat', chains: 2, tune: 30, draws: 1000, maxTreeDepth: 4, seed: 2 });
  await page.click('#run');
  const r = await waitForResult(page, 'the injected failure', (x) => x.state === 'error', 60_000);
  t.match(r.error ?? '', /injected failure after 1500 gradient evaluations/, `the page reports: ${r.error}`);
  t.ok(await page.isVisible('#error'), 'the error box is shown');
  t.ok(r.draws > 0, `${r.draws} draws were kept`);
  await withTempDir('hbnn-e2e-', async (dir) => {
    const files = await downloadAll(page, dir, 2);
    const trace = readCmdStanCsv(files.sort());
    t.ok(trace.draws > 0 && trace.chains * trace.draws <= r.draws, `downloaded ${trace.chains} × ${trace.draws} draws of the failed run`);
  });
  await page.close();
  t.end();
});

test('playground e2e: End run stops for good and keeps the draws', { skip, timeout: 120_000 }, async (t) => {
  const page = await newPlaygroundPage(playground);
  await fillSettings(page, { groups: 1, points: 20, model: 'flat', chains: 2, tune: 30, draws: 5000, maxTreeDepth: 4, seed: 4 });
  await page.click('#run');
  await waitForResult(page, 'some draws', (x) => x.draws > 20, 60_000);
  await page.click('#abort');
  const r = await waitForResult(page, 'the end', (x) => x.state === 'stopped', 30_000);
  t.match(r.error ?? '', /stopped during stage 'flat, group 1 of 1'/, `the page says: ${r.error}`);
  t.ok(r.draws > 20 && r.draws < 2 * 5000, `${r.draws} draws kept`);
  t.ok((await page.isEnabled('#run')) && (await page.isDisabled('#abort')), 'a new run can start');
  await withTempDir('hbnn-e2e-', async (dir) => {
    const files = await downloadAll(page, dir, 2);
    t.ok(readCmdStanCsv(files.sort()).draws > 0, 'the draws download');
  });
  await page.close();
  t.end();
});

test('playground e2e: close the browser and the server', { skip }, async (t) => {
  await playground.close();
  t.pass('closed');
  t.end();
});
