/**
 * `npm run serve:playground` runs without a terminal: started as the npm script says, with stdin
 * closed (as under CI or a process manager, where `esbuild --serve` exited at once), it keeps
 * serving docs/playground/index.html until SIGTERM, and then exits 0.
 */
import test from 'tape';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../bin/bundle.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('serve:playground: serves index.html with stdin closed, and stays up until SIGTERM', { timeout: 30_000 }, async (t) => {
  const script = pkg.scripts['serve:playground'];
  const words = script.split(/\s+/);
  t.equal(words[0], 'node', `the script runs node: "${script}"`);
  // --port 0 after the script's own --port: the last one wins, and the system picks a free port.
  const child = spawn(process.execPath, [...words.slice(1), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  try {
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /at (http:\/\/\S+\/)/.exec(out);
        if (m) res(m[1]);
      });
      void exited.then((code) => rej(new Error(`exited with ${code} before serving: ${stderr}`)));
      setTimeout(() => rej(new Error(`no 'serving … at URL' line within 15 s: ${out} ${stderr}`)), 15_000);
    });
    await new Promise((res) => setTimeout(res, 1000)); // the old server had exited by now
    t.equal(child.exitCode, null, `still running a second after start, stdin closed (${url})`);
    const r = await fetch(`${url}index.html`);
    const body = await r.text();
    t.equal(r.status, 200, 'GET /index.html: 200');
    t.ok(body.includes('<html') && /playground/i.test(body), 'the playground page');
  } catch (e) {
    t.fail((e as Error).message);
  } finally {
    child.kill('SIGTERM');
  }
  t.equal(await exited, 0, 'exits 0 on SIGTERM');
  t.end();
});
