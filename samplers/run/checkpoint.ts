/**
 * Checkpoints: each chain appends its draws to `<dir>/chain-<c>.csv` as it makes them, one
 * `writeSync` per draw, so a run that is killed keeps every draw already written. Each file is a
 * CmdStan CSV file, written by the same writer as the exports (samplers/io/cmdstan_writer.ts):
 * a finished one reads in rstan or ArviZ as it is. Each write is whole lines with their
 * newlines, and the reader leaves out a last line without one, so a kill or a full disk never
 * turns a cut number into a shorter one. `readCheckpoint(dir)` turns the files back into a
 * Trace, also those of a run killed half-way; the run's manifest (checkpoint_manifest.ts) says
 * which files belong to it.
 */
import { joinPath, listDir, makeDir, openAppendFile, pathExists, readText, type AppendFile } from '../../core/platform/files.js';
import { chainOfFile, MANIFEST_FILE, readManifest, type CheckpointManifest } from './checkpoint_manifest.js';
import { shapeSize } from '../../core/shape.js';
import { Trace, type ChainDraws, type StatRow } from '../trace/trace.js';
import { cutToShortest } from '../trace/cut_to_shortest.js';
import { metricKindOf, type MetricKindName, type TraceMeta } from '../trace/trace_meta.js';
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

/** Called once when a checkpoint file cannot be written; the writer has closed it and writes nothing more. */
export type CheckpointFailure = (path: string, error: unknown) => void;

export class CheckpointWriter {
  private file: AppendFile | null;
  private readonly writer: CmdStanCsvWriter;
  readonly path: string;

  /** The file of chain `chain` in `dir`. */
  static pathOf(dir: string, chain: number): string {
    return joinPath(dir, `chain-${chain}.csv`);
  }

  /**
   * Opens `<dir>/chain-<chain>.csv` (opening errors are thrown); later write errors go to
   * `onFailure`, or are thrown when there is none.
   */
  constructor(dir: string, chain: number, params: readonly ParamInfo[], private readonly run: CheckpointRun, private readonly onFailure?: CheckpointFailure) {
    makeDir(dir);
    this.path = CheckpointWriter.pathOf(dir, chain);
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

  /** Each text is whole lines, appended in one write, so a kill or a full disk can tear only the last line. */
  private append(text: string): void {
    if (this.file === null) return; // closed, or stopped by a write error
    try {
      this.file.append(text);
    } catch (e) {
      this.stop();
      if (!this.onFailure) throw new Error(`checkpoint: cannot write '${this.path}' (${e instanceof Error ? e.message : String(e)})`);
      this.onFailure(this.path, e);
    }
  }

  /** Closes the file after a write error; a close that fails too changes nothing more. */
  private stop(): void {
    const file = this.file;
    this.file = null;
    try {
      file?.close();
    } catch {
      // the write error is the one to report
    }
  }

  /** One draw, warmup draws only when the run keeps them (the file's save_warmup says so); the first fixes the columns. */
  writeDraw(stats: StatRow, warmup: boolean, values: Float64Array): void {
    if (warmup && !this.run.keepWarmup) return;
    this.writer.writeDraw(stats, values);
  }

  /** The adapted step size and inverse metric, as CmdStan writes them after warmup (given `dim`, of the kind the array is: warmup may change it). */
  writeAdaptation(stepSize: number | undefined, inverseMassMatrix: Float64Array | undefined, dim?: number): void {
    const metric = inverseMassMatrix && dim !== undefined ? metricKindOf(inverseMassMatrix.length, dim) : this.run.metric;
    this.writer.writeAdaptation({ stepSize, inverseMassMatrix }, metric, dim);
  }

  /** Ends the file with the chain's elapsed times (a finished chain's file is then a complete CmdStan CSV). */
  close(elapsed?: { warmupSeconds: number; samplingSeconds: number }): void {
    if (this.file === null) return;
    if (elapsed) this.writer.writeElapsed(elapsed);
    const file = this.file;
    this.file = null;
    file?.close();
  }
}

interface ChainFile {
  chain: number;
  path: string;
  parsed: ParsedCmdStanCsv;
}

const emptyParse = (): ParsedCmdStanCsv => ({ settings: new Map(), columns: [], rows: [], adaptation: {} });

function readChainFile(dir: string, chain: number, notes: string[]): ChainFile {
  const path = CheckpointWriter.pathOf(dir, chain);
  const text = readText(path);
  if (text.startsWith('# hbnn checkpoint v1\n')) throw new Error(`readCheckpoint: ${path} has the layout of older hbnn versions (a warmup__ column); read it with the version that wrote it`);
  const parsed = parseCmdStanCsv(text, path, { partial: true });
  if (parsed.tornLine) {
    const cut = parsed.tornLine.text.length > 40 ? parsed.tornLine.text.slice(0, 40) + '…' : parsed.tornLine.text;
    notes.push(`readCheckpoint: the last line of ${path} (line ${parsed.tornLine.line}, '${cut}') was cut short and is left out`);
  }
  return { chain, path, parsed };
}

/** Without a manifest: every chain file in the folder, which must all come from one run (one seed). */
function filesWithoutManifest(dir: string, notes: string[]): ChainFile[] {
  const ids = listDir(dir).map(chainOfFile).filter((c): c is number => c !== undefined).sort((a, b) => a - b);
  if (ids.length === 0) throw new Error(`readCheckpoint: no chain-<c>.csv files in '${dir}'`);
  const files = ids.map((c) => readChainFile(dir, c, notes));
  const seeded = files.filter((f) => f.parsed.settings.has('seed'));
  const other = seeded.find((f) => f.parsed.settings.get('seed') !== seeded[0].parsed.settings.get('seed'));
  if (other) {
    throw new Error(`readCheckpoint: the files in '${dir}' come from different runs (${seeded[0].path} has seed ${seeded[0].parsed.settings.get('seed')}, ${other.path} has seed ${other.parsed.settings.get('seed')}) and there is no ${MANIFEST_FILE} to say which belong together`);
  }
  return files;
}

/** With a manifest: the files of its chains (a missing one has no draws), each checked against it. */
function filesOfManifest(dir: string, m: CheckpointManifest, notes: string[]): ChainFile[] {
  const files = m.chains.map((c) => {
    if (pathExists(CheckpointWriter.pathOf(dir, c))) return readChainFile(dir, c, notes);
    notes.push(`readCheckpoint: chain ${c} of run ${m.runId} wrote no file (it failed before starting, or has not started yet)`);
    return { chain: c, path: CheckpointWriter.pathOf(dir, c), parsed: emptyParse() };
  });
  for (const f of files) {
    const expected: [string, number][] = [['seed', m.seed], ['num_samples', m.settings.draws], ['num_warmup', m.settings.tune]];
    for (const [key, value] of expected) {
      const got = f.parsed.settings.get(key);
      if (got !== undefined && got !== String(value)) throw new Error(`readCheckpoint: ${f.path} does not belong to run ${m.runId}: its ${key} is ${got}, ${MANIFEST_FILE} says ${value}`);
    }
  }
  const listed = new Set(m.chains);
  for (const name of listDir(dir)) {
    const c = chainOfFile(name);
    if (c !== undefined && !listed.has(c)) notes.push(`readCheckpoint: ${joinPath(dir, name)} is left out: run ${m.runId} has no chain ${c}`);
  }
  return files;
}

/**
 * The Trace in a checkpoint directory: the chains its manifest (run.json) lists, or without one
 * every chain-<c>.csv, which must then share a seed. Chains that stopped at different points
 * are cut to the shortest one that has post-warmup draws (`meta.truncatedTo`); chains without
 * any are left out (`meta.chainsWithoutDraws`). A last line cut short is left out, and
 * `meta.warnings` says so.
 */
export function readCheckpoint(dir: string): Trace {
  if (!pathExists(dir)) throw new Error(`readCheckpoint: directory '${dir}' does not exist`);
  const notes: string[] = [];
  const manifest = readManifest(dir);
  const files = manifest ? filesOfManifest(dir, manifest, notes) : filesWithoutManifest(dir, notes);
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
  const meta: TraceMeta = { ...metaFromSettings(first.parsed.settings), source: 'checkpoint', dir, chainIds: cut.chainIds, truncatedTo: cut.drawsKept, chainsWithoutDraws: cut.chainsWithoutDraws };
  if (manifest) Object.assign(meta, { runId: manifest.runId, chains: manifest.chains.length });
  if (notes.length > 0) meta.warnings = notes;
  return new Trace({ params, chains: cut.chains, meta });
}
