/**
 * The one CmdStan CSV reader: one file's text into its settings, columns, draw rows, adaptation
 * block and elapsed times; then into a chain of a Trace (warmup split off when the file saved
 * it). Reads CmdStan's own files, our exports, and our checkpoints (which may end mid-run).
 */
import type { ChainDraws, DrawStats } from '../trace/trace.js';
import { statOfColumn } from '../trace/draw_stats.js';
import { preambleSettings } from './cmdstan_preamble.js';
import { parseValue } from './stan_values.js';

export interface ParsedCmdStanCsv {
  /** The preamble's `key = value` settings. */
  settings: Map<string, string>;
  /** Header row; empty when the file has none yet (a checkpoint before its first draw). */
  columns: string[];
  rows: number[][];
  adaptation: { stepSize?: number; inverseMassMatrix?: Float64Array };
  elapsed?: { warmupSeconds: number; samplingSeconds: number };
  /** With `partial`: the last line, left out because it has no newline (cut short by a kill or a full disk). */
  tornLine?: { line: number; text: string };
}

export interface ParseOptions {
  /**
   * A checkpoint of a run that may have been killed: allow a missing header, and leave out a
   * last line without its newline. Every line is written whole with its newline, so only
   * complete lines are read: a cut line is never read as a shorter number or a missing cell.
   */
  partial?: boolean;
}

type MetricMode = 'none' | 'diag' | 'dense';

/** One comment line after the header: the adaptation block or the elapsed-time footer. */
function readBodyComment(body: string, where: string, out: ParsedCmdStanCsv, mode: MetricMode, dense: number[][]): MetricMode {
  if (mode !== 'none' && body !== '' && /^[-+0-9.eEinfa, ]+$/i.test(body)) {
    const values = body.split(',').map((s) => parseValue(s, where));
    if (mode === 'dense') {
      dense.push(values);
      return 'dense';
    }
    out.adaptation.inverseMassMatrix = Float64Array.from(values);
    return 'none';
  }
  const step = body.match(/^Step size = (.+)$/);
  if (step) out.adaptation.stepSize = parseValue(step[1], where);
  const warm = body.match(/^Elapsed Time: (\S+) seconds \(Warm-up\)/);
  if (warm) out.elapsed = { warmupSeconds: Number(warm[1]), samplingSeconds: 0 };
  const sampling = body.match(/^(\S+) seconds \(Sampling\)/);
  if (sampling && out.elapsed) out.elapsed.samplingSeconds = Number(sampling[1]);
  if (/^Diagonal elements of inverse mass matrix:/.test(body)) return 'diag';
  if (/^Elements of inverse mass matrix:/.test(body)) return 'dense';
  return 'none';
}

export function parseCmdStanCsv(text: string, path: string, options: ParseOptions = {}): ParsedCmdStanCsv {
  const out: ParsedCmdStanCsv = { settings: new Map(), columns: [], rows: [], adaptation: {} };
  const preamble: string[] = [];
  const dense: number[][] = [];
  let mode: MetricMode = 'none';
  const lines = text.split(/\r?\n/);
  const last = lines[lines.length - 1];
  if (options.partial && last !== '') {
    out.tornLine = { line: lines.length, text: last };
    lines.pop();
  }
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${path}:${i + 1}`;
    if (line.startsWith('#')) {
      if (out.columns.length === 0) preamble.push(line);
      mode = readBodyComment(line.slice(1).trim(), where, out, mode, dense);
      return;
    }
    mode = 'none';
    if (out.columns.length === 0) {
      out.columns = line.split(',').map((s) => s.trim());
      return;
    }
    const cells = line.split(',');
    if (cells.length !== out.columns.length) {
      throw new Error(`readCmdStanCsv: ${where} has ${cells.length} values, the header has ${out.columns.length} columns`);
    }
    out.rows.push(cells.map((s) => parseValue(s, where)));
  });
  if (out.columns.length === 0 && !options.partial) throw new Error(`readCmdStanCsv: ${path} has no header row`);
  if (dense.length > 0) out.adaptation.inverseMassMatrix = Float64Array.from(dense.flat());
  out.settings = preambleSettings(preamble);
  return out;
}

/** How many leading rows are warmup draws: those the file saved, as far as it got. */
export function warmupRows(p: ParsedCmdStanCsv): number {
  const save = p.settings.get('save_warmup');
  if (save !== '1' && save !== 'true') return 0;
  const thin = Number(p.settings.get('thin') ?? 1) || 1;
  return Math.min(p.rows.length, Math.ceil(Number(p.settings.get('num_warmup') ?? 0) / thin));
}

/** Which columns hold statistics, by statistic name; lp__ must be one of them. */
export function statColumnsOf(columns: readonly string[], path: string): [number, string][] {
  const found = columns.map((c, j) => [j, statOfColumn(c)] as [number, string | undefined]).filter((e): e is [number, string] => e[1] !== undefined);
  if (!found.some(([, s]) => s === 'lp')) throw new Error(`readCmdStanCsv: ${path} has no lp__ column`);
  return found;
}

/** One chain of a Trace from a parsed file, `placement[k]` being the column of the k-th scalar (row-major). */
export function chainFromParsed(p: ParsedCmdStanCsv, placement: readonly number[], statColumns: readonly [number, string][]): ChainDraws {
  const block = (rows: number[][]) => {
    const values = new Float64Array(rows.length * placement.length);
    rows.forEach((r, d) => placement.forEach((col, k) => (values[d * placement.length + k] = r[col])));
    const stats: DrawStats = { lp: new Float64Array(0) };
    for (const [j, name] of statColumns) stats[name] = Float64Array.from(rows, (r) => r[j]);
    return { values, stats };
  };
  const nWarm = warmupRows(p);
  const chain: ChainDraws = block(p.rows.slice(nWarm));
  if (nWarm > 0) chain.warmup = block(p.rows.slice(0, nWarm));
  if (p.adaptation.stepSize !== undefined || p.adaptation.inverseMassMatrix !== undefined) chain.adaptation = p.adaptation;
  if (p.elapsed) chain.elapsed = p.elapsed;
  return chain;
}
