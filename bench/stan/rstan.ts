/**
 * Running Stan through R's rstan from Node: one Rscript process per job, which compiles (or
 * loads from `cacheDir`, rstan's auto_write) a program, then either runs NUTS on a list of data
 * sets or evaluates log_prob and grad_log_prob at given unconstrained points. Input and output
 * go through JSON files; R's console output goes to a log file, never a pipe, so a busy Node
 * event loop (hbnn sampling beside it) cannot stall it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAN_PROGRAMS, type StanModelName } from './programs.js';

/** The R side: reads the job, writes the result; see the module comment. */
export const RSTAN_SCRIPT = `
args <- commandArgs(trailingOnly = TRUE)
job <- jsonlite::fromJSON(args[1], simplifyDataFrame = FALSE)
suppressPackageStartupMessages(library(rstan))
rstan_options(auto_write = TRUE)
# Debian's r-cran-bh is a virtual package without headers; its Boost lives in /usr/include.
if (!file.exists(rstan_options("boost_lib"))) rstan_options(boost_lib = "/usr/include")
t0 <- Sys.time()
sm <- stan_model(file = job$stanFile)
compile <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
out <- list(compileSeconds = compile, stanVersion = as.character(packageVersion("rstan")))
if (job$mode == "logprob") {
  fit <- sampling(sm, data = job$data, algorithm = "Fixed_param", iter = 1, chains = 1, refresh = 0, seed = 1)
  out$logProb <- sapply(seq_len(nrow(job$points)), function(i) log_prob(fit, job$points[i, ], adjust_transform = TRUE))
  out$grad <- t(sapply(seq_len(nrow(job$points)), function(i) grad_log_prob(fit, job$points[i, ], adjust_transform = TRUE)))
  out$dim <- get_num_upars(fit)
} else {
  out$runs <- lapply(seq_along(job$runs$seed), function(r) {
    data <- job$runs$data[[r]]
    t1 <- Sys.time()
    fit <- sampling(sm, data = data, chains = 1, iter = job$warmup + job$draws, warmup = job$warmup,
                    seed = job$runs$seed[r], refresh = 0,
                    control = list(adapt_delta = job$adaptDelta, max_treedepth = job$maxTreeDepth))
    wall <- as.numeric(difftime(Sys.time(), t1, units = "secs"))
    sp <- get_sampler_params(fit, inc_warmup = TRUE)[[1]]
    el <- get_elapsed_time(fit)
    m <- as.matrix(fit)
    list(wallSeconds = wall, warmupSeconds = el[1, "warmup"], samplingSeconds = el[1, "sample"],
         nLeapfrog = sp[, "n_leapfrog__"], treeDepth = sp[, "treedepth__"], stepSize = sp[, "stepsize__"],
         divergent = sp[, "divergent__"], lp = m[, "lp__"],
         draws = lapply(job$pars, function(p) m[, p]))
  })
}
jsonlite::write_json(out, args[2], digits = NA, auto_unbox = TRUE)
`;

/** True when Rscript runs and loads rstan (checked once; takes a few seconds). */
let available: boolean | undefined;
export function rstanAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(rstan)); library(jsonlite); cat("ok")'], { encoding: 'utf8', timeout: 60_000 });
    available = r.status === 0 && r.stdout.includes('ok');
  }
  return available;
}

export interface NutsJob {
  mode: 'nuts';
  runs: { seed: number[]; data: unknown[] };
  warmup: number;
  draws: number;
  adaptDelta: number;
  maxTreeDepth: number;
  /** Stan column names whose draws to return, e.g. 'w0t[1,1]'. */
  pars: string[];
}
export interface LogProbJob {
  mode: 'logprob';
  data: unknown;
  /** Unconstrained points, one per row. */
  points: number[][];
}

export interface StanRun {
  wallSeconds: number;
  warmupSeconds: number;
  samplingSeconds: number;
  nLeapfrog: number[];
  treeDepth: number[];
  stepSize: number[];
  divergent: number[];
  lp: number[];
  draws: number[][];
}

/** Write the program into `cacheDir` (only when changed, so rstan's compiled .rds is reused). */
function stanFileIn(cacheDir: string, model: StanModelName): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${model}_bnn.stan`);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== STAN_PROGRAMS[model]) writeFileSync(file, STAN_PROGRAMS[model]);
  return file;
}

/** True when the compiled model is already in `cacheDir`. */
export function stanModelCached(cacheDir: string, model: StanModelName): boolean {
  const file = join(cacheDir, `${model}_bnn.stan`);
  return existsSync(file) && readFileSync(file, 'utf8') === STAN_PROGRAMS[model] && existsSync(join(cacheDir, `${model}_bnn.rds`));
}

/** Start the job; resolves with R's JSON result, or rejects with the tail of R's log. */
export function runRstan<T>(model: StanModelName, job: NutsJob | LogProbJob, cacheDir: string): Promise<T & { compileSeconds: number; stanVersion: string }> {
  const stanFile = stanFileIn(cacheDir, model);
  const tag = `${model}-${job.mode}-${process.pid}-${Date.now()}`;
  const [jobFile, outFile, scriptFile, logFile] = ['job.json', 'out.json', 'run.R', 'log.txt'].map((s) => join(cacheDir, `${tag}-${s}`));
  writeFileSync(jobFile, JSON.stringify({ ...job, stanFile }));
  writeFileSync(scriptFile, RSTAN_SCRIPT);
  const log = openSync(logFile, 'w');
  const child = spawn('Rscript', [scriptFile, jobFile, outFile], { stdio: ['ignore', log, log] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      closeSync(log);
      if (code === 0 && existsSync(outFile)) {
        const result = JSON.parse(readFileSync(outFile, 'utf8'));
        for (const f of [jobFile, outFile, scriptFile, logFile]) rmSync(f, { force: true });
        resolve(result);
      } else reject(new Error(`Rscript exited with ${code}; ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`));
    });
  });
}
