/**
 * Test entry point: runs every compiled `*.test.js` in this folder and below it (or those whose name
 * contains one of the command-line filters), lets tape print TAP, and ends with the summary line
 * `N passed, N failed` that CI reads, taken from tape's own count of assertions. Models run in the
 * compiler's checking mode (HBNN_COMPILE=check, unless set otherwise).
 *
 * The files are split into jobs (each slow file alone, the others by folder) that run in
 * HBNN_TEST_JOBS child processes at once (default: 2, or 1 on a one-core machine), each child a
 * tape harness of its own (test/helpers/run_jobs.ts); the summary line adds up every child's counts, and
 * a child that ends without its summary (a crash, a kill) is a failure. With one job, or
 * HBNN_TEST_JOBS=1, the files run in this process. HBNN_TEST_TIMES=1 runs every file as its own
 * job and ends with a table of each file's CPU and wall time.
 */
import { availableParallelism } from 'node:os';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInProcess, WORKER_ENV } from './helpers/run_harness.js';
import { planJobs, runSuite } from './helpers/run_jobs.js';

// Every model in the suite compares its compiled gradient with the eager tape on every call.
process.env.HBNN_COMPILE ??= 'check';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (process.env[WORKER_ENV] === '1') {
  // A child of the runner below: the arguments are exact file paths, relative to this folder.
  await runInProcess(here, args, args);
} else {
  // Tests mirror the source tree, so they are found in every folder under this one.
  const files = (readdirSync(here, { recursive: true }) as string[])
    .map((f) => relative(here, join(here, f)))
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => args.length === 0 || args.some((p) => f.includes(p)))
    .sort();
  const times = process.env.HBNN_TEST_TIMES === '1';
  const width = Number(process.env.HBNN_TEST_JOBS ?? Math.min(2, availableParallelism()));
  if (!Number.isInteger(width) || width < 1) throw new Error(`HBNN_TEST_JOBS must be a positive integer, got '${process.env.HBNN_TEST_JOBS}'`);
  const jobs = planJobs(files, { eachFileAlone: times });
  if (jobs.length > 1 && (width > 1 || times)) await runSuite(here, jobs, { width, table: times });
  else await runInProcess(here, files, args);
}
