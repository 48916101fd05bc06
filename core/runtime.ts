/**
 * The few things the library needs from its host that Node and browsers both have, reached in a
 * way that works in either: environment variables (absent in a browser), a random seed, and a
 * way to let queued messages and timers run during a long synchronous loop.
 */

/** An environment variable, or undefined (always undefined in a browser). */
export function envVar(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

/** A random integer in [0, 2^31) from the platform's cryptographic generator, for unseeded runs. */
export function randomSeed(): number {
  const out = new Uint32Array(1);
  globalThis.crypto.getRandomValues(out);
  return out[0] >>> 1;
}

type Resolve = () => void;
let channel: { port1: { onmessage: unknown }; port2: { postMessage(m: unknown): void } } | undefined;
const pending: Resolve[] = [];

/**
 * Resolves after the host has had a chance to deliver pending messages and timers: setImmediate
 * in Node; a MessageChannel round trip in browsers, where setTimeout(0) is clamped to 4 ms.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    channel = new MessageChannel() as unknown as typeof channel;
    channel!.port1.onmessage = () => pending.shift()?.();
  }
  return new Promise((resolve) => {
    pending.push(resolve);
    channel!.port2.postMessage(null);
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
