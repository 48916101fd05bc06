/**
 * A module Web Worker's end of its channel (the Node twin is worker_port.ts): its global scope.
 * Modules are imported by absolute URL; bundlers are told to leave that import alone.
 */

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const scope = () => globalThis as unknown as WorkerScope;

export function postToHost(message: unknown, transfer: ArrayBuffer[] = []): void {
  scope().postMessage(message, transfer);
}

export function onHostMessage(handler: (message: unknown) => void): void {
  scope().addEventListener('message', (event) => handler(event.data));
}

export function importModule(specifier: string): Promise<Record<string, unknown>> {
  return import(/* webpackIgnore: true */ specifier) as Promise<Record<string, unknown>>;
}
