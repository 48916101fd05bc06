/**
 * A worker thread's end of its channel (the browser twin is worker_port.browser.ts). The port is
 * looked up on first use, so the module can also be imported outside a worker.
 */
import { parentPort } from 'node:worker_threads';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

function port() {
  if (!parentPort) throw new Error('worker_port: not running in a worker thread');
  return parentPort;
}

export function postToHost(message: unknown, transfer: ArrayBuffer[] = []): void {
  port().postMessage(message, transfer);
}

export function onHostMessage(handler: (message: unknown) => void): void {
  port().on('message', handler);
}

export function importModule(specifier: string): Promise<Record<string, unknown>> {
  return import(isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier) as Promise<Record<string, unknown>>;
}
