/**
 * How gpu.js is loaded, one interface for the two twins: gpu_loader.ts (Node: a synchronous
 * require on first use) and gpu_loader.browser.ts (a page: a separate chunk fetched by
 * `preloadGpuJs`). Type-level only: the checks at the end fail the build when a twin drifts.
 */

export interface GpuLoaderPlatform {
  /** gpu.js's module object; throws when it cannot be loaded (in a page: until preloaded). */
  requireGpuJs(): unknown;
  /** Makes gpu.js available to `requireGpuJs` (a no-op where loading is synchronous). */
  preloadGpuJs(): Promise<void>;
}

type Conforms<T extends U, U> = T;
export type _NodeChecked = Conforms<typeof import('./gpu_loader.js'), GpuLoaderPlatform>;
export type _BrowserChecked = Conforms<typeof import('./gpu_loader.browser.js'), GpuLoaderPlatform>;
