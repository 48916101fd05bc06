/**
 * Worker-thread entry for `sample({ parallel: true })` in Node (a browser runs
 * worker.browser.ts): connects worker_loop.ts to `parentPort`, and imports workerTarget modules
 * given as absolute paths or URLs.
 */
import { parentPort } from 'node:worker_threads';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveChains } from './worker_loop.js';
import type { HostMessage } from './run_parallel.js';

const port = parentPort!;
serveChains(
  {
    post: (message, transfer = []) => port.postMessage(message, transfer),
    onMessage: (handler) => port.on('message', (m: HostMessage) => handler(m)),
  },
  (module) => import(isAbsolute(module) ? pathToFileURL(module).href : module) as Promise<Record<string, unknown>>,
);
