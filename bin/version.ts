/** hbnn's version, as its package.json says (`hbnn --version`). */
import { readFileSync } from 'node:fs';

/** The version in package.json (dist/bin/version.js sits two folders below it). */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: string };
  if (typeof pkg.version !== 'string') throw new Error(`hbnn: no version in ${url.pathname}`);
  return pkg.version;
}
