/**
 * Checkpoints: each chain appends its draws to `<dir>/chain-<c>.csv` as it makes them, one
 * `writeSync` per draw, so a run that is killed keeps every draw already written. Each file is a
 * CmdStan CSV file, written by the same writer as the exports (samplers/io/cmdstan_writer.ts):
 * a finished one reads in rstan or ArviZ as it is. `readCheckpoint(dir)` turns the files back
 * into a Trace, also those of a run killed half-way.
 */
import { joinPath, listDir, makeDir, openAppendFile, pathExists, readText, type AppendFile } from '../../core/platform/files.js';
import { shapeSize } from '../../core/shape.js';
import { Trace, type ChainDraws, type StatRow } from '../trace/trace.js';
import { cutToShortest } from '../trace/cut_to_shortest.js';
import type { MetricKindName, TraceMeta } from '../trace/trace_meta.js';
import type { ParamInfo } from '../types.js';
import { CmdStanCsvWriter } from '../io/cmdstan_writer.js';
import { preambleLines, metaFromSettings } from '../io/cmdstan_preamble.js';
import { chainFromParsed, parseCmdStanCsv, statColumnsOf, type ParsedCmdStanCsv } from '../io/cmdstan_reader.js';
import { paramsFromColumns } from '../io/stan_columns.js';

export type { StatRow } from '../trace/trace.js';

/** What a chain's checkpoint file says about its run (its preamble). */
export interface CheckpointRun {
  meta: TraceMeta;
  /** Warmup iterations, and whether their draws are written too. */
  tune: number;
  keepWarmup: boolean;
  draws: number;
  metric: MetricKindName;
}

export class CheckpointWriter {
  private file: AppendFile | null;
  private readonly writer: CmdStanCsvWriter;
  readonly path: string;

  constructor(dir: string, chain: number, params: readonly ParamInfo[], private readonly run: CheckpointRun) {
    makeDir(dir);
    this.path = joinPath(dir, `chain-${chain}.csv`);
    const preamble = preambleLines(run.meta, run.meta.model ?? 'hbnn_model', {
      id: chain + 1,
      numSamples: run.draws,
      numWarmup: run.tune,
      saveWarmup: run.keepWarmup,
      metric: run.metric,
    });
    const file = openAppendFile(this.path);
    this.file = file;
    this.writer = new CmdStanCsvWriter((text) => this.append(text), params, preamble);
  }

  private append(text: string): void {
    if (this.file === null) throw new Error(`checkpoint ${this.path}: already closed`);
    this.file.append(text);
  }

  /** One draw, warmup draws only when the run keeps them (the file's save_warmup says so); the first fixes the columns. */
  writeDraw(stats: StatRow, warmup: boolean, values: Float64Array): void {
    if (warmup && !this.run.keepWarmup) return;
    this.writer.writeDraw(stats, values);
  }

  /** The adapted step size and inverse metric, as CmdStan writes them after warmup. */
  writeAdaptation(stepSize: number | undefined, inverseMassMatrix: Float64Array | undefined): void {
    this.writer.writeAdaptation({ stepSize, inverseMassMatrix }, this.run.metric);
  }

  /** Ends the file with the chain's elapsed times (a finished chain's file is then a complete CmdStan CSV). */
  close(elapsed?: { warmupSeconds: number; samplingSeconds: number }): void {
    if (this.file === null) return;
    if (elapsed) this.writer.writeElapsed(elapsed);
    this.file.close();
    this.file = null;
  }
}

interface ChainFile {
  chain: number;
  path: string;
  parsed: ParsedCmdStanCsv;
}

function chainFilesIn(dir: string): ChainFile[] {
  const files = listDir(dir)
    .map((f) => /^chain-(\d+)\.csv$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[0], chain: Number(m[1]) }))
    .sort((a, b) => a.chain - b.chain);
  if (files.length === 0) throw new Error(`readCheckpoint: no chain-<c>.csv files in '${dir}'`);
  return files.map((f) => {
    const path = joinPath(dir, f.file);
    const text = readText(path);
    if (text.startsWith('# hbnn checkpoint v1\n')) throw new Error(`readCheckpoint: ${path} has the layout of older hbnn versions (a warmup__ column); read it with the version that wrote it`);
    return { chain: f.chain, path, parsed: parseCmdStanCsv(text, path, { partial: true }) };
  });
}

/**
 * The Trace in a checkpoint directory. Chains that stopped at different points are cut to the
 * shortest one that has post-warmup draws (`meta.truncatedTo`); chains without any are left out
 * (`meta.chainsWithoutDraws`).
 */
export function readCheckpoint(dir: string): Trace {
  if (!pathExists(dir)) throw new Error(`readCheckpoint: directory '${dir}' does not exist`);
  const files = chainFilesIn(dir);
  const started = files.filter((f) => f.parsed.columns.length > 0);
  const first = started[0];
  if (!first) throw new Error(`readCheckpoint: no chain in '${dir}' has post-warmup draws yet`);
  const { params, placement } = paramsFromColumns(first.parsed.columns, first.path);
  const statColumns = statColumnsOf(first.parsed.columns, first.path);
  for (const f of started) {
    if (f.parsed.columns.join(',') !== first.parsed.columns.join(',')) throw new Error(`readCheckpoint: chain ${f.chain} has different params than chain ${first.chain}`);
  }
  const width = params.reduce((s, p) => s + shapeSize(p.shape), 0);
  const chains = files.map((f) => {
    const draws: ChainDraws = f.parsed.columns.length > 0 ? chainFromParsed(f.parsed, placement, statColumns) : { values: new Float64Array(0), stats: { lp: new Float64Array(0) } };
    return { id: f.chain, draws, numDraws: draws.stats.lp.length };
  });
  const cut = cutToShortest(chains, width);
  if (cut.chains.length === 0) throw new Error(`readCheckpoint: no chain in '${dir}' has post-warmup draws yet`);
  return new Trace({
    params,
    chains: cut.chains,
    meta: { ...metaFromSettings(first.parsed.settings), source: 'checkpoint', dir, chainIds: cut.chainIds, truncatedTo: cut.drawsKept, chainsWithoutDraws: cut.chainsWithoutDraws },
  });
}

