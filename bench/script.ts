/** What every benchmark file needs to run as a script (`node dist/bench/<topic>.bench.js [--out FILE]`). */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** True when the module at `moduleUrl` is the script node was started with, not an import of it. */
export function isMainModule(moduleUrl: string): boolean {
  return !!process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** With `--out FILE` among `args`, write `result` there as indented JSON and say so. */
export function writeResultIfAsked(args: readonly string[], result: unknown): void {
  const outIndex = args.indexOf('--out');
  const path = outIndex >= 0 ? args[outIndex + 1] : undefined;
  if (!path) return;
  writeFileSync(path, JSON.stringify(result, null, 2));
  console.log(`wrote ${path}`);
}
