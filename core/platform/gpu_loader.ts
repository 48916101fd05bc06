/**
 * Loading gpu.js, Node's twin of the adapter in gpu_loader.contract.ts. Node loads the CommonJS
 * package synchronously on first use, so a machine without it (or without its optional native
 * `gl`) pays nothing until a kernel is asked for.
 */
import { createRequire } from 'node:module';

/** gpu.js's module object; throws when it cannot be loaded. */
export function requireGpuJs(): unknown {
  return createRequire(import.meta.url)('gpu.js');
}

/** Makes gpu.js available to `requireGpuJs` (a no-op in Node, where loading is synchronous). */
export async function preloadGpuJs(): Promise<void> {}
