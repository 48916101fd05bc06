/**
 * Driving the playground page in headless Chromium with playwright-core, for its end-to-end test
 * (test/playground.e2e.test.ts) and its benchmark (bench/playground.bench.ts): build the bundle,
 * serve docs/playground with esbuild's static server, launch Debian's chromium, and read the
 * page's state from the JSON summary it keeps in `#result`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import * as esbuild from 'esbuild';
import { ROOT, bundlePlayground, type BundleReport } from '../bin/bundle.js';

export const CHROMIUM = process.env.HBNN_CHROMIUM ?? '/usr/bin/chromium';

/** Whether a Chromium binary is where we will look for it. */
export const haveChromium = (): boolean => existsSync(CHROMIUM);

/**
 * No sandbox (CI runs as root), no GPU process, no background traffic: the machine's closed
 * network refuses Chromium's background connections, noisily.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** What the page reports in `#result`. */
export interface PageResult {
  state: 'running' | 'paused' | 'done' | 'stopped' | 'error';
  accuracy: string[][] | null;
  checksum: { lp: number; values: number; draws: number } | null;
  draws: number;
  /** Iterations (warmup and sampling) of the running stage's chains. */
  iterations: number;
  firstDrawMs: number | null;
  seconds: number;
  surfaceBackend: string;
  error: string | null;
}

export interface Playground {
  browser: Browser;
  /** URL of the page. */
  url: string;
  bundle: BundleReport;
  close(): Promise<void>;
}

export async function openPlayground(): Promise<Playground> {
  const bundle = await bundlePlayground();
  const server = await esbuild.context({ logLevel: 'silent' });
  const { port } = await server.serve({ servedir: join(ROOT, 'docs', 'playground'), host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    browser,
    url: `http://127.0.0.1:${port}/index.html`,
    bundle,
    async close() {
      await browser.close();
      await server.dispose();
    },
  };
}

/** Opens the page and waits until it is ready for input. */
export async function newPlaygroundPage(p: Playground, query = '', viewport = { width: 1280, height: 860 }): Promise<Page> {
  const page = await p.browser.newPage({ viewport });
  await page.goto(p.url + query);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

export async function pageResult(page: Page): Promise<PageResult | null> {
  const text = await page.textContent('#result');
  return text ? (JSON.parse(text) as PageResult) : null;
}

/** Polls `#result` until `ok`; a run that fails first ends the wait with its error. */
export async function waitForResult(page: Page, what: string, ok: (r: PageResult) => boolean, timeoutMs: number): Promise<PageResult> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await pageResult(page);
    if (r && ok(r)) return r;
    if (r && (r.state === 'error' || r.state === 'stopped')) throw new Error(`page ${r.state} while waiting for ${what}: ${r.error}`);
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Types settings into the page's controls. */
export async function fillSettings(page: Page, settings: Record<string, string | number>): Promise<void> {
  for (const [k, v] of Object.entries(settings)) {
    if (k === 'model') await page.selectOption('#model', String(v));
    else await page.fill(`#${k}`, String(v));
  }
}

/** Clicks Download and saves the `expected` files it produces under `dir`. */
export async function downloadAll(page: Page, dir: string, expected: number): Promise<string[]> {
  const downloads: Download[] = [];
  const done = new Promise<void>((resolve) => {
    page.on('download', (d) => {
      downloads.push(d);
      if (downloads.length === expected) resolve();
    });
  });
  await page.click('#download');
  await done;
  return Promise.all(
    downloads.map(async (d) => {
      const path = join(dir, d.suggestedFilename());
      await d.saveAs(path);
      return path;
    }),
  );
}
