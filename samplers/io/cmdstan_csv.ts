/**
 * CmdStan's CSV output format, so that tools built for Stan read our draws: ArviZ
 * (`from_cmdstan`), cmdstanr / posterior (`read_cmdstan_csv`), rstan (`read_stan_csv`), bayesplot.
 * One file per chain: the preamble (cmdstan_preamble.ts), a header row of the sampler columns
 * (`lp__`, `accept_stat__`, …, then a sampler's extra statistics as `<name>__`) and the
 * parameters in Stan's naming (`w.1.2`), the warmup draws when kept, the adaptation block, the
 * draws, and the elapsed-time footer. `readCmdStanCsv` reads such files (ours or CmdStan's) back.
 */
import { joinPath, makeDir, readText, writeText } from '../../core/platform/files.js';
import { Trace, type ChainDraws } from '../trace/trace.js';
import { sharedStats } from '../trace/draw_stats.js';
import { metricKindOf, type MetricKindName } from '../trace/trace_meta.js';
import { CmdStanCsvWriter } from './cmdstan_writer.js';
import { preambleLines, metaFromSettings } from './cmdstan_preamble.js';
import { chainFromParsed, parseCmdStanCsv, statColumnsOf } from './cmdstan_reader.js';
import { paramsFromColumns } from './stan_columns.js';

export interface CmdStanCsvOptions {
  /** File name prefix: files are `${prefix}_${chain}.csv` (chain 1-based); 'output' as in CmdStan. */
  prefix?: string;
  /** Model name for `# model = …`; defaults to trace.meta.model, else 'hbnn_model'. */
  model?: string;
  /** How to write `adaptation.inverseMassMatrix`; defaults to trace.meta.metric ('dense' -> 'dense_e'), else 'diag_e'. */
  metric?: 'diag_e' | 'dense_e';
}

/** The metric kind to write: the option, else what the trace says it used, else diagonal. */
function metricOf(trace: Trace, option: CmdStanCsvOptions['metric']): MetricKindName {
  if (option) return option === 'dense_e' ? 'dense' : 'diag';
  if (trace.meta.metric) return trace.meta.metric;
  const m = trace.chainDraws.find((c) => c.adaptation?.inverseMassMatrix)?.adaptation?.inverseMassMatrix;
  return m && trace.meta.dim !== undefined ? metricKindOf(m.length, trace.meta.dim) : 'diag';
}

/** A chain's elapsed seconds: its own, else the trace's, else 0 (the footer is always written). */
function elapsedOf(chain: ChainDraws, trace: Trace): { warmupSeconds: number; samplingSeconds: number } {
  if (chain.elapsed) return chain.elapsed;
  return { warmupSeconds: trace.meta.warmupSeconds ?? 0, samplingSeconds: trace.meta.samplingSeconds ?? 0 };
}

/**
 * The CmdStan-format CSV text of each chain (what `writeCmdStanCsv` writes, one string per
 * chain); works without a file system, e.g. to offer draws for download in a browser.
 */
export function cmdStanCsvTexts(trace: Trace, options: Omit<CmdStanCsvOptions, 'prefix'> = {}): string[] {
  const model = options.model ?? trace.meta.model ?? 'hbnn_model';
  const metric = metricOf(trace, options.metric);
  const hasMetric = trace.chainDraws.some((c) => c.adaptation?.inverseMassMatrix);
  const stats = sharedStats(trace.chainDraws.map((c) => c.stats));
  const saveWarmup = trace.chainDraws.every((c) => c.warmup !== undefined);
  return trace.chainDraws.map((chain, c) => {
    const numWarmup = chain.warmup ? chain.warmup.stats.lp.length : (trace.meta.tune ?? trace.meta.numWarmup ?? 0);
    const preamble = preambleLines(trace.meta, model, { id: c + 1, numSamples: trace.draws, numWarmup, saveWarmup, ...(hasMetric ? { metric } : {}) });
    let text = '';
    const writer = new CmdStanCsvWriter((t) => (text += t), trace.params, preamble);
    writer.writeHeader(stats);
    if (saveWarmup && chain.warmup) writer.writeDraws(chain.warmup.values, chain.warmup.stats, trace.width);
    const a = chain.adaptation;
    if (a && (a.stepSize !== undefined || a.inverseMassMatrix !== undefined)) writer.writeAdaptation(a, metric, trace.meta.dim);
    writer.writeDraws(chain.values, chain.stats, trace.width);
    writer.writeElapsed(elapsedOf(chain, trace));
    return text;
  });
}

/** Writes one CmdStan-format CSV per chain into `dir` (created if missing) and returns their paths. */
export function writeCmdStanCsv(trace: Trace, dir: string, options: CmdStanCsvOptions = {}): string[] {
  const prefix = options.prefix ?? 'output';
  const texts = cmdStanCsvTexts(trace, options);
  makeDir(dir);
  return texts.map((text, c) => {
    const path = joinPath(dir, `${prefix}_${c + 1}.csv`);
    writeText(path, text);
    return path;
  });
}

/** Reads CmdStan-format CSV files, one chain each, into a Trace (warmup kept when the file saved it). */
export function readCmdStanCsv(paths: string | readonly string[]): Trace {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new Error('readCmdStanCsv: no files given');
  const parsed = list.map((p) => parseCmdStanCsv(readText(p), p));
  const first = parsed[0];
  parsed.forEach((p, i) => {
    if (p.columns.join(',') !== first.columns.join(',')) throw new Error(`readCmdStanCsv: ${list[i]} has different columns from ${list[0]}`);
  });
  const { params, placement } = paramsFromColumns(first.columns, list[0]);
  const statColumns = statColumnsOf(first.columns, list[0]);
  const chains = parsed.map((p) => chainFromParsed(p, placement, statColumns));
  const draws = chains[0].stats.lp.length;
  chains.forEach((c, i) => {
    if (c.stats.lp.length !== draws) throw new Error(`readCmdStanCsv: ${list[i]} has ${c.stats.lp.length} draws, ${list[0]} has ${draws}`);
  });
  return new Trace({ params, chains, meta: { ...metaFromSettings(first.settings), source: 'cmdstan_csv', files: list } });
}
