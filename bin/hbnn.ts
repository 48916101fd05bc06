#!/usr/bin/env node
/**
 * The `hbnn` command: `reproduce` runs the study and writes its report; `bench` runs the
 * benchmarks; `summary` and `plot` read CmdStan CSV (from hbnn or Stan); `--version`.
 * `npm start` is `hbnn reproduce` with its defaults.
 */
import { Command, InvalidArgumentError } from 'commander';
import { nonNegativeInt, oneOf, pathArg, positiveInt } from './cli_args.js';
import { FULL_SETTINGS, QUICK_SETTINGS, STUDY_METHODS, reproduce, type StudyMethod } from './reproduce.js';
import { ADAPT_NAMES, type AdaptName } from '../samplers/adaptation/warmup_adapter.js';
import { DEFAULT_ADAPT, DEFAULT_TUNE, STAN_DEFAULT_TUNE } from '../samplers/run/sample_options.js';
import { MODEL_NAMES, POST_ACCURACY, STAN_ACCURACY } from './report/report.js';
import { packageVersion } from './version.js';
import { parseVars } from './cmdstan_files.js';
import { runSummary } from './summary_command.js';
import { PLOT_KINDS, runPlot } from './plot_command.js';

/**
 * The benchmark registry (light: each benchmark loads its code when it runs). bench/ ships with
 * the repository, not with the npm package (nor do its baselines' dependencies).
 */
const bench = await import('../bench/index.js').catch((e: { code?: string }) => {
  if (e.code === 'ERR_MODULE_NOT_FOUND') return undefined;
  throw e;
});

const program = new Command();
program.name('hbnn').description('Hierarchical Bayesian neural networks with informative priors, reproduced with hbnn.');
// A stray word (`hbnn reproduce quick` for `--quick`) is an error, not a full run with defaults.
program.allowExcessArguments(false);
program.version(packageVersion(), '-V, --version', 'print the version of hbnn (from its package.json)');

program
  .command('reproduce')
  .allowExcessArguments(false)
  .description('run the study (flat, hierarchical and informative-prior BNNs) and write metrics.json, figures and report.html')
  .option('--data <file>', "study data as JSON { Xs_train, Ys_train, Xs_test, Ys_test } (default: the post's data, numpy seed 31, shipped with hbnn)", pathArg('--data'))
  .option('--generate', "generated rotated moons (the post's recipe, new draws with --seed) instead of the post's data", false)
  .option('--out <dir>', 'output directory', pathArg('--out'), 'hbnn-report')
  .option('--seed <n>', 'seed of the samplers (and of the data with --generate)', nonNegativeInt('--seed'), 0)
  .option('--chains <n>', `chains per model (default ${FULL_SETTINGS.chains})`, positiveInt('--chains'))
  .option('--draws <n>', `draws per chain, every model (default ${FULL_SETTINGS.draws}, --quick ${QUICK_SETTINGS.draws})`, positiveInt('--draws'))
  .option('--tune <n>', `warmup iterations per chain, every model (default ${FULL_SETTINGS.tune ?? `the library's: ${DEFAULT_TUNE}, ${STAN_DEFAULT_TUNE} with --adapt stan`}; --quick ${QUICK_SETTINGS.tune}, hierarchical ${QUICK_SETTINGS.hierarchicalTune})`, positiveInt('--tune'))
  .option('--adapt <name>', `NUTS's warmup: ${ADAPT_NAMES.join(', ')} (default the library's, ${DEFAULT_ADAPT}; --adapt stan --tune 1000 --draws 1000 is Stan's)`, oneOf('--adapt', ADAPT_NAMES))
  .option('--quick', 'short chains and NUTS tree depth at most 6: about a minute and a half on 2 cores', false)
  .option('--method <name>', `also fit every model with a VI method and add its rows to the report: ${STUDY_METHODS.join(', ')}`, oneOf('--method', STUDY_METHODS), 'nuts')
  .option('--no-parallel', 'run chains one after another instead of in worker threads')
  .option('--no-progress', 'no progress bars')
  .action(async (o: { data?: string; generate: boolean; out: string; seed: number; chains?: number; draws?: number; tune?: number; adapt?: AdaptName; quick: boolean; parallel: boolean; progress: boolean; method: StudyMethod }) => {
    const defaults = o.quick ? QUICK_SETTINGS : FULL_SETTINGS;
    const controller = new AbortController();
    let interrupts = 0;
    process.on('SIGINT', () => {
      if (++interrupts > 1) process.exit(130);
      console.error('\ninterrupted: stopping after the current draws (results of finished models are kept; Ctrl-C again to quit now)');
      controller.abort();
    });
    const t0 = performance.now();
    try {
      const metrics = await reproduce({
        data: o.data, generate: o.generate, out: o.out, seed: o.seed, quick: o.quick, method: o.method, adapt: o.adapt,
        chains: o.chains ?? defaults.chains, draws: o.draws ?? defaults.draws, tune: o.tune ?? defaults.tune,
        hierarchicalDraws: o.draws ?? defaults.hierarchicalDraws, hierarchicalTune: o.tune ?? defaults.hierarchicalTune,
        maxTreeDepth: o.quick ? QUICK_SETTINGS.maxTreeDepth : undefined,
        parallel: o.parallel, progress: o.progress && !!process.stderr.isTTY,
        log: (line) => console.log(line), signal: controller.signal,
      });
      console.log(`\ndata: ${String(metrics.data.name)}`);
      console.log('model          train     test      (post: train / test; Stan 2.21 on the post\'s data: train / test)');
      const percent = (fraction: number) => (100 * fraction).toFixed(2);
      for (const m of MODEL_NAMES) {
        const r = metrics[m];
        console.log(`${m.padEnd(14)} ${percent(r.trainAccuracy).padStart(6)}%  ${percent(r.testAccuracy).padStart(6)}%   (${percent(POST_ACCURACY[m].train)}% / ${percent(POST_ACCURACY[m].test)}%; ${percent(STAN_ACCURACY[m].train)}% / ${percent(STAN_ACCURACY[m].test)}%)`);
      }
      for (const m of metrics.vi ? MODEL_NAMES : []) {
        const r = metrics.vi!.models[m];
        console.log(`${`${m} ${metrics.vi!.method}`.padEnd(14)} ${percent(r.trainAccuracy).padStart(6)}%  ${percent(r.testAccuracy).padStart(6)}%   (${r.seconds.toFixed(1)} s, ${r.numGradEvals} gradients)`);
      }
      console.log(`\nwrote ${o.out}/report.html, report.md, metrics.json and figures in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      console.error(`hbnn reproduce: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  });

program
  .command('bench')
  .allowExcessArguments(false)
  .description('run the benchmarks (each against a baseline measured in the same run)')
  .option('--out <file>', 'also write the results as JSON', pathArg('--out'))
  .option('--only <names...>', `run only these benchmarks (${bench ? bench.BENCHMARKS.map((b) => b.name).join(', ') : 'none installed'})`)
  .option('--quick', 'shorter runs', false)
  .action(async (o: { out?: string; only?: string[]; quick: boolean }) => {
    try {
      if (!bench) throw new Error('the benchmarks are not part of the installed package; run them from a clone of the repository (npm ci && npm run bench)');
      const report = await bench.runBenchmarks({ out: o.out, only: o.only, quick: o.quick });
      if (!report.ok) process.exitCode = 1;
    } catch (e) {
      console.error(`hbnn bench: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  });

/** A --vars value as a list; a bad one is commander's invalid-argument error, naming the option. */
const varsArg = (value: string) => {
  try {
    return parseVars(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

program
  .command('summary')
  .description("summarise CmdStan CSV files (one per chain, from hbnn or Stan) as CmdStan's stansummary: mean, MCSE, sd, quantiles, ESS, R-hat, and the sampler's warnings")
  .argument('<files...>', 'CmdStan CSV files, or folders of them')
  .option('--vars <names>', 'only these parameters or elements, comma-separated (theta, theta[1]; elements from 1 as in Stan)', varsArg)
  .option('--csv', 'print the table as CSV (warnings go to stderr)', false)
  .action((files: string[], o: { vars?: string[]; csv: boolean }) => {
    try {
      const { out, warnings } = runSummary(files, o);
      process.stdout.write(out);
      if (o.csv) for (const w of warnings) console.error(`Warning: ${w}`);
    } catch (e) {
      console.error((e as Error).message);
      process.exitCode = 1;
    }
  });

program
  .command('plot')
  .description('plot CmdStan CSV files (one per chain, from hbnn or Stan): trace, rank, pair, energy or forest plot, as PNG or SVG')
  .argument('<files...>', 'CmdStan CSV files, or folders of them')
  .option('--kind <kind>', `the plot: ${PLOT_KINDS.join(', ')}`, 'trace')
  .option('--vars <names>', 'parameters or elements to plot, comma-separated (theta, theta[1]; elements from 1 as in Stan; default: the first few)', varsArg)
  .option('--out <file>', 'output file, .png or .svg (default: KIND.png)', pathArg('--out'))
  .option('--title <text>', "the figure's title")
  .action(async (files: string[], o: { kind: string; vars?: string[]; out?: string; title?: string }) => {
    try {
      const path = await runPlot(files, o);
      console.log(`wrote ${path}`);
    } catch (e) {
      console.error((e as Error).message);
      process.exitCode = 1;
    }
  });

await program.parseAsync(process.argv);
