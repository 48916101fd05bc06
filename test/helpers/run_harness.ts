/**
 * One tape harness for a list of test files in this process: import them all, run their tests, and
 * end with `N passed, N failed` (a file that fails to load, or no file at all, is a failure). In a
 * child of the parallel runner (run_jobs.ts) it also prints the CPU line that the runner reads.
 */
import test from 'tape';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Set in a child's environment: its arguments are exact test files, and it reports its CPU time. */
export const WORKER_ENV = 'HBNN_TEST_WORKER';

/** The line a child prints just before its summary: `# cpu <seconds>` (its own and its waited-for children's). */
export const CPU_LINE = /^# cpu (\d+(?:\.\d+)?)$/m;

/** The summary line, the last line of every run. */
export const SUMMARY_LINE = /^(\d+) passed, (\d+) failed$/;

/**
 * CPU seconds of this process and of the children it has waited for (npm, tsc, Rscript, the docs'
 * programs): Linux's /proc/self/stat fields utime, stime, cutime, cstime, in clock ticks of 1/100 s
 * (USER_HZ); elsewhere this process's own CPU time.
 */
export function cpuSeconds(): number {
  try {
    // Fields after the command name (which may hold spaces), from field 3 on: utime is field 14.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (f[11] + f[12] + f[13] + f[14]) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

export async function runInProcess(here: string, files: string[], filters: string[]): Promise<void> {
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
    if (process.env[WORKER_ENV] === '1') console.log(`# cpu ${cpuSeconds().toFixed(2)}`);
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
}
