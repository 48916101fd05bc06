/**
 * The suite's parallel runner (run_jobs.ts): how files become jobs, and that a job's counts reach
 * the summary: passes, failures, a file that cannot load, a child killed before its summary line.
 * The children run the fixtures in test/fixtures/runner/ (not `*.test.js`, so the suite itself never loads them).
 */
import test from 'tape';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planJobs, runJob, runJobs } from './run_jobs.js';

/** dist/test, where run.js is. */
const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string) => ({ name, files: [`fixtures/runner/${name}.js`] });

test('planJobs: slow files alone and first, in the order given; the others one job per folder; every file once', (t) => {
  const files = ['a/x.test.js', 'a/y.test.js', 'b/slow.test.js', 'b/z.test.js', 'c/slower.test.js', 'top.test.js'];
  const jobs = planJobs(files, { slow: ['c/slower.test.js', 'b/slow.test.js', 'not/here.test.js'] });
  t.deepEqual(jobs.map((j) => j.files), [['c/slower.test.js'], ['b/slow.test.js'], ['a/x.test.js', 'a/y.test.js'], ['b/z.test.js'], ['top.test.js']]);
  t.deepEqual(jobs.flatMap((j) => j.files).sort(), files, 'every file in exactly one job');
  t.deepEqual(planJobs(files, { eachFileAlone: true, slow: [] }).map((j) => j.files), files.map((f) => [f]), 'eachFileAlone: a job per file');
  t.end();
});

test('runJob: the counts of a child, and a failure for a file that cannot load or a child that dies', async (t) => {
  const passing = await runJob(here, fixture('passing'));
  t.deepEqual([passing.pass, passing.fail], [2, 0], `passing: 2 passed, 0 failed (${passing.output.split('\n').length} lines of TAP)`);
  t.ok(passing.cpuS > 0 && Number.isFinite(passing.cpuS), `its CPU time is read: ${passing.cpuS} s`);
  t.doesNotMatch(passing.output, /passed, \d+ failed/, "the child's summary line is taken out of its output");
  const failing = await runJob(here, fixture('failing'));
  t.deepEqual([failing.pass, failing.fail], [1, 1], 'failing: 1 passed, 1 failed');
  const unloadable = await runJob(here, fixture('unloadable'));
  t.ok(unloadable.fail >= 1 && /could not load fixtures\/runner\/unloadable\.js/.test(unloadable.output), `a file that throws while loading is a failure (${unloadable.fail})`);
  const missing = await runJob(here, { name: 'missing', files: ['fixtures/runner/no_such_file.js'] });
  t.ok(missing.fail >= 1, 'a file that does not exist is a failure');
  const killed = await runJob(here, fixture('killed'));
  t.ok(killed.fail >= 1 && /the job killed was killed by SIGKILL before its summary line/.test(killed.output), `a child killed before its summary is a failure: ${killed.output.split('\n').pop()}`);
});

test('runJobs: two at a time, every job run once, the counts summed', async (t) => {
  const results = await runJobs(here, [fixture('passing'), fixture('failing'), fixture('passing')], 2);
  t.deepEqual(results.map((r) => r.job.name).sort(), ['failing', 'passing', 'passing'], 'each job once');
  t.deepEqual([results.reduce((a, r) => a + r.pass, 0), results.reduce((a, r) => a + r.fail, 0)], [5, 1], '5 passed, 1 failed in all');
});
