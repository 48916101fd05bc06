/**
 * Loading gpu.js, the browser's twin of the adapter in gpu_loader.contract.ts. A bundle cannot
 * `require` on demand, and gpu.js's browser build is 640 kB, so it is fetched as a separate chunk
 * by `preloadGpuJs()`; pages (and workers) that never call it never download it.
 */
let loaded: unknown;
let loadError: Error | undefined;

/** gpu.js's module object; throws until `await preloadGpuJs()` has succeeded. */
export function requireGpuJs(): unknown {
  if (loaded !== undefined) return loaded;
  throw loadError ?? new Error('gpu.js is not loaded in this page yet: await preloadGpuJs() before choosing the gpu backend');
}

/** Fetches gpu.js's browser build; afterwards the 'gpu' backend can initialise WebGL2/WebGL. */
export async function preloadGpuJs(): Promise<void> {
  if (loaded !== undefined) return;
  try {
    const mod = (await import('gpu.js')) as { default?: unknown; GPU?: unknown };
    loaded = mod.GPU ? mod : mod.default;
  } catch (e) {
    loadError = new Error(`gpu.js failed to load: ${(e as Error).message}`);
    throw loadError;
  }
}
