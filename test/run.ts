/**
 * Test entry point: loads every compiled `*.test.js` in this folder and below it (or those whose name
 * contains one of the command-line filters), lets tape print TAP, and ends with the summary line
 * `N passed, N failed` that CI reads, taken from tape's own count of assertions. Models run in the
 * compiler's checking mode (HBNN_COMPILE=check, unless set otherwise).
 */
import test from 'tape';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Every model in the suite compares its compiled gradient with the eager tape on every call.
process.env.HBNN_COMPILE ??= 'check';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
// Tests mirror the source tree, so they are found in every folder under this one.
const files = (readdirSync(here, { recursive: true }) as string[])
  .map((f) => relative(here, join(here, f)))
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

// Hold tape until every file has registered its tests (the imports below are asynchronous).
test.wait();
const harness = test.getHarness() as unknown as {
  close: () => void;
  _results: { pass: number; fail: number };
  _exitCode: number;
};
let loadFailures = 0;

// tape closes its harness inside its own 'exit' handler (and then removes every other exit
// listener), so the summary is printed from a wrapper around that close.
const closeHarness = harness.close.bind(harness);
harness.close = () => {
  closeHarness();
  const { pass, fail } = harness._results;
  const failed = fail + loadFailures + (files.length === 0 ? 1 : 0);
  if (files.length === 0) console.log(`# no test file matched ${JSON.stringify(filters)}`);
  console.log(`\n${pass} passed, ${failed} failed`);
  // tape exits with this code right after closing.
  if (failed > 0) harness._exitCode = 1;
};

for (const f of files) {
  try {
    await import(pathToFileURL(join(here, f)).href);
  } catch (e) {
    loadFailures++;
    console.log(`not ok - could not load ${f}: ${(e as Error).stack ?? e}`);
  }
}
test.run();
