/**
 * The one CmdStan CSV writer, for one chain's file, written piece by piece into a sink: the
 * preamble, the header row (sampler statistic columns, then parameters in Stan's naming), draw
 * rows, the adaptation block and the elapsed-time footer. The exports write a whole chain through
 * it into a string; the checkpoints append each draw to a file as the chain makes it.
 */
import type { ChainDraws, DrawStats, StatRow } from '../trace/trace.js';
import { columnOfStat, orderStats } from '../trace/draw_stats.js';
import type { MetricKindName } from '../trace/trace_meta.js';
import { unpackLowRank } from '../mcmc/metric.js';
import type { ParamInfo } from '../types.js';
import { stanColumns } from './stan_columns.js';
import { formatSeconds, formatValue } from './stan_values.js';

export class CmdStanCsvWriter {
  private readonly columns: { names: string[]; source: number[] };
  private stats: string[] | undefined;
  /** Adaptation lines that came before the header row; CmdStan puts them after it. */
  private pending = '';

  /** Writes `preamble` at once; the header row waits for `writeHeader` or the first draw. */
  constructor(private readonly sink: (text: string) => void, params: readonly ParamInfo[], preamble: readonly string[]) {
    this.columns = stanColumns(params);
    sink(preamble.map((l) => l + '\n').join(''));
  }

  /** The header row: `stats` (table statistics in CmdStan's order, then extras), then the parameters. */
  writeHeader(stats: Iterable<string>): void {
    if (this.stats) throw new Error('CmdStanCsvWriter: header already written');
    this.stats = orderStats(stats);
    if (!this.stats.includes('lp')) this.stats.unshift('lp');
    this.sink([...this.stats.map(columnOfStat), ...this.columns.names].join(',') + '\n' + this.pending);
    this.pending = '';
  }

  /**
   * One draw: its statistics (those not in the header are dropped, missing ones written as nan)
   * and its constrained values at `values[offset …]`. The first draw fixes the header's columns.
   */
  writeDraw(stats: StatRow, values: Float64Array, offset = 0): void {
    if (!this.stats) this.writeHeader(Object.keys(stats));
    const cells = this.stats!.map((k) => formatValue(stats[k] ?? NaN));
    for (const j of this.columns.source) cells.push(formatValue(values[offset + j]));
    this.sink(cells.join(',') + '\n');
  }

  /** Rows of a block of draws (`width` values each), the statistics from `stats`. */
  writeDraws(values: Float64Array, stats: DrawStats, width: number): void {
    const names = this.stats ?? orderStats(Object.keys(stats).filter((k) => stats[k] !== undefined));
    for (let d = 0; d < stats.lp.length; d++) {
      const row: StatRow = {};
      for (const k of names) row[k] = stats[k]?.[d] ?? NaN;
      this.writeDraw(row, values, d * width);
    }
  }

  /**
   * CmdStan's adaptation block: the step size and the inverse metric (a vector, or the full
   * matrix row by row when dense; a low-rank metric needs `dim`, its packing depends on it).
   */
  writeAdaptation(adaptation: ChainDraws['adaptation'], metric: MetricKindName, dim?: number): void {
    const text = adaptationLines(adaptation, metric, dim).map((l) => l + '\n').join('');
    if (this.stats) this.sink(text);
    else this.pending += text;
  }

  /** CmdStan's elapsed-time footer (rstan warns on a file without it). */
  writeElapsed(elapsed: { warmupSeconds: number; samplingSeconds: number }): void {
    const { warmupSeconds: w, samplingSeconds: s } = elapsed;
    const lines = ['# ', `#  Elapsed Time: ${formatSeconds(w)} seconds (Warm-up)`, `#                ${formatSeconds(s)} seconds (Sampling)`, `#                ${formatSeconds(w + s)} seconds (Total)`, '# '];
    this.sink(lines.map((l) => l + '\n').join(''));
  }
}

export function adaptationLines(a: ChainDraws['adaptation'], metric: MetricKindName, dim?: number): string[] {
  const lines = ['# Adaptation terminated'];
  if (a?.stepSize !== undefined) lines.push(`# Step size = ${formatValue(a.stepSize)}`);
  const m = a?.inverseMassMatrix;
  if (!m) return lines;
  if (metric === 'diag') {
    lines.push('# Diagonal elements of inverse mass matrix:', `# ${Array.from(m, formatValue).join(', ')}`);
    return lines;
  }
  if (metric === 'lowrank') {
    if (dim === undefined) throw new Error('writeCmdStanCsv: a low-rank inverse mass matrix needs the dimension (meta.dim) to be written');
    return [...lines, ...lowRankLines(m, dim)];
  }
  const side = Math.round(Math.sqrt(m.length));
  if (side * side !== m.length) throw new Error(`writeCmdStanCsv: dense inverse mass matrix of length ${m.length} is not square`);
  lines.push('# Elements of inverse mass matrix:');
  for (let i = 0; i < side; i++) lines.push(`# ${Array.from(m.subarray(i * side, (i + 1) * side), formatValue).join(', ')}`);
  return lines;
}

/**
 * A low-rank metric, M⁻¹ = S (I + U(Λ − I)Uᵀ) S: first the diagonal of M⁻¹ under Stan's heading
 * (what CmdStan readers, ours included, take as a diag_e metric), then the factors under
 * headings no CmdStan reader knows, so the full metric is in the file without confusing them.
 */
function lowRankLines(m: Float64Array, dim: number): string[] {
  const f = unpackLowRank(m, dim);
  const k = f.eigenvalues.length;
  const diag = Array.from(f.variance, (v, i) => {
    let s = 1;
    for (let r = 0; r < k; r++) {
      const u = f.eigenvectors[r * dim + i];
      s += (f.eigenvalues[r] - 1) * u * u;
    }
    return v * s;
  });
  const row = (a: ArrayLike<number>) => `# ${Array.from(a, formatValue).join(', ')}`;
  const lines = ['# Diagonal elements of inverse mass matrix:', row(diag), `# Low-rank inverse mass matrix (hbnn): S (I + U (L - I) U^T) S, rank ${k}`, '# Diagonal S^2:', row(f.variance), '# Eigenvalues L:', row(f.eigenvalues), '# Eigenvectors U (one per line):'];
  for (let r = 0; r < k; r++) lines.push(row(f.eigenvectors.subarray(r * dim, (r + 1) * dim)));
  return lines;
}

