/**
 * The suite in several processes: the test files are split into jobs, `width` jobs run at once,
 * each a child process with a tape harness of its own (run_harness.ts), and their counts are added
 * up into the one summary line `N passed, N failed`. A job's output is printed whole when it ends,
 * so the TAP of two files never interleaves. A child that exits non-zero with no failure counted,
 * or without its summary line, counts one failure more.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { CPU_LINE, SUMMARY_LINE, WORKER_ENV } from './run_harness.js';

/**
 * The slowest files, slowest first (CPU time of each alone, HBNN_TEST_TIMES=1): each is a job of
 * its own and they start first, so that the longest does not start last (longest-processing-time
 * order). A stale list only costs balance: every file runs whatever the list says.
 */
export const SLOW_FILES = [
  'package/installed_package.test.js',
  'models/zoo/hmm.test.js',
  'bin/reproduce_vi.test.js',
  'docs/api_reference.test.js',
  'playground/playground.e2e.test.js',
  'playground/playground_fit.test.js',
  'bin/cmdstan_commands.test.js',
  'bin/reproduce.test.js',
  'models/constraints_model.test.js',
  'bin/report.e2e.test.js',
  'models/zoo/eight_schools.test.js',
  'models/zoo/correlated_effects.test.js',
  'models/derived.test.js',
  'bin/report.test.js',
  'models/zoo/mixture.test.js',
  'models/predictive.test.js',
  'models/zoo/varying_intercept.test.js',
  'bin/cli.test.js',
];

export interface Job {
  name: string;
  files: string[];
}

/** Each slow file alone (every file alone with `eachFileAlone`), the rest one job per folder; slow jobs first. */
export function planJobs(files: string[], { eachFileAlone = false, slow = SLOW_FILES }: { eachFileAlone?: boolean; slow?: string[] } = {}): Job[] {
  const alone = files.filter((f) => eachFileAlone || slow.includes(f));
  alone.sort((a, b) => rank(a, slow) - rank(b, slow));
  const byFolder = new Map<string, string[]>();
  for (const f of files.filter((f) => !alone.includes(f))) {
    const folder = dirname(f);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
  }
  return [...alone.map((f) => ({ name: f, files: [f] })), ...[...byFolder].map(([folder, fs]) => ({ name: `${folder}/`, files: fs }))];
}

const rank = (f: string, slow: string[]) => (slow.includes(f) ? slow.indexOf(f) : slow.length);

export interface JobResult {
  job: Job;
  pass: number;
  fail: number;
  cpuS: number;
  wallS: number;
  output: string;
}

/** Run one job in a child process (`here`/run.js in worker mode) and read its counts from its output. */
export function runJob(here: string, job: Job): Promise<JobResult> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, 'run.js'), ...job.files], {
      env: { ...process.env, [WORKER_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      const wallS = (Date.now() - start) / 1000;
      const lines = out.trimEnd().split('\n');
      const summary = SUMMARY_LINE.exec(lines[lines.length - 1] ?? '');
      const cpu = CPU_LINE.exec(out);
      let [pass, fail] = summary ? [Number(summary[1]), Number(summary[2])] : [0, 0];
      let output = summary ? lines.slice(0, -1).join('\n').trimEnd() : out.trimEnd();
      if (!summary || error || (code !== 0 && fail === 0)) {
        const why = error ? error.message : signal ? `was killed by ${signal}` : `exited with code ${code}`;
        output += `\nnot ok - the job ${job.name} ${why}${summary ? ' with no failure counted' : ' before its summary line'}`;
        fail++;
      }
      resolve({ job, pass, fail, cpuS: cpu ? Number(cpu[1]) : NaN, wallS, output });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Run the jobs `width` at a time, in order, handing each result to `done` as it ends; the results in the order they ended. */
export async function runJobs(here: string, jobs: Job[], width: number, done: (r: JobResult) => void = () => {}): Promise<JobResult[]> {
  const queue = [...jobs];
  const results: JobResult[] = [];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const r = await runJob(here, job);
      results.push(r);
      done(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

/** Print the jobs' outputs as they end, then (with `table`) each job's CPU and wall seconds, most CPU first, and the summary of them all. */
export async function runSuite(here: string, jobs: Job[], { width, table = false }: { width: number; table?: boolean }): Promise<void> {
  const results = await runJobs(here, jobs, width, (r) =>
    console.log(`${r.output}\n# job ${r.job.name}: ${r.pass} passed, ${r.fail} failed, cpu ${r.cpuS.toFixed(1)} s, wall ${r.wallS.toFixed(1)} s`));
  if (table) {
    console.log('# cpu s   wall s  assertions  job');
    for (const r of [...results].sort((a, b) => b.cpuS - a.cpuS)) {
      console.log(`# ${r.cpuS.toFixed(1).padStart(6)} ${r.wallS.toFixed(1).padStart(8)} ${String(r.pass + r.fail).padStart(11)}  ${r.job.name}`);
    }
  }
  const pass = results.reduce((a, r) => a + r.pass, 0);
  const fail = results.reduce((a, r) => a + r.fail, 0);
  console.log(`\n${pass} passed, ${fail} failed`);
  if (fail > 0) process.exitCode = 1;
}
