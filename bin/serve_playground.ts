/**
 * `npm run serve:playground`: docs/playground/ over HTTP with esbuild's static server (its API,
 * not its CLI: `esbuild --serve` exits as soon as stdin closes, so it died under a process
 * manager, in CI or with `< /dev/null`). Runs until SIGINT or SIGTERM. Build the page's bundle
 * first (`npm run build:playground`).
 *
 *     node dist/bin/serve_playground.js [--host 127.0.0.1] [--port 8080]
 */
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './bundle.js';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8080' } } });
const port = Number(values.port);
if (!/^\d+$/.test(values.port!) || port > 65535) {
  console.error(`serve_playground: --port must be an integer from 0 to 65535, got '${values.port}'`);
  process.exit(1);
}
const servedir = join(ROOT, 'docs', 'playground');
if (!existsSync(join(servedir, 'build', 'main.js'))) {
  console.error('serve_playground: docs/playground/build/ has no bundle yet; run `npm run build:playground` first (serving the page anyway)');
}
const context = await esbuild.context({ logLevel: 'silent' });
const server = await context.serve({ servedir, host: values.host, port });
// The line a caller (or a test) waits for; port 0 asks the system for a free one.
console.log(`serving ${servedir} at http://${server.hosts[0] ?? values.host}:${server.port}/`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void context.dispose().then(() => process.exit(0)));
}
