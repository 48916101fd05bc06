/**
 * `hbnn summary FILES…`: CmdStan's stansummary for CmdStan CSV from hbnn or Stan. One row for
 * lp__ and one per scalar (Stan's names, elements from 1): mean, MCSE, sd, quantiles 5/50/95,
 * bulk and tail ESS, R-hat (hbnn's rank-normalised diagnostics); then the sampler's warnings.
 */
import { summary, type SummaryRow } from '../samplers/diagnostics/summary.js';
import { samplerWarnings } from '../samplers/diagnostics/warnings.js';
import { selectScalars } from '../samplers/plots/select.js';
import type { Trace } from '../samplers/trace/trace.js';
import { readCsvTrace } from './cmdstan_files.js';

export interface SummaryCommandOptions {
  vars?: string[];
  csv?: boolean;
}

const CSV_HEADER = ['name', 'mean', 'mcse_mean', 'sd', 'q5', 'q50', 'q95', 'ess_bulk', 'ess_tail', 'rhat'];

/** The lp__ row, then one row per scalar named as Stan names them (`theta[1]`), in storage order. */
export function stanSummaryRows(trace: Trace): SummaryRow[] {
  const labels = selectScalars(trace, 'hbnn summary', { indexBase: 1 }).map((s) => s.label);
  return summary(trace, { lp: true }).map((row, k) => (k === 0 ? row : { ...row, name: labels[k - 1] }));
}

/** The lp__ row and the rows of the scalars `vars` selects (all by default). */
export function selectRows(trace: Trace, all: readonly SummaryRow[], vars?: readonly string[]): SummaryRow[] {
  const wanted = selectScalars(trace, 'hbnn summary', { indexBase: 1, vars }).map((s) => s.label);
  return [all[0], ...wanted.map((l) => all.find((r) => r.name === l)!)];
}

/** Rows as CSV, numbers in full precision (NaN as NA, as R writes it). */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const cell = (v: number) => (Number.isNaN(v) ? 'NA' : String(v));
  const quote = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = rows.map((r) => [quote(r.name), ...[r.mean, r.mcseMean, r.sd, r.q5, r.q50, r.q95, r.essBulk, r.essTail, r.rhat].map(cell)].join(','));
  return [CSV_HEADER.join(','), ...lines].join('\n') + '\n';
}

/** `digits` significant digits; exponent form for very large or small magnitudes. */
function num(v: number, digits = 3): string {
  if (Number.isNaN(v)) return 'NA';
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-4 ? v.toExponential(digits - 1) : Number(v.toPrecision(digits)).toString();
}

/** The table in stansummary's column order: Mean, MCSE, StdDev, 5%, 50%, 95%, N_Eff (bulk, tail), R_hat. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ['', 'Mean', 'MCSE', 'StdDev', '5%', '50%', '95%', 'N_Eff_bulk', 'N_Eff_tail', 'R_hat'];
  const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toString() : num(v));
  const body = rows.map((r) => [r.name, num(r.mean), num(r.mcseMean), num(r.sd), num(r.q5), num(r.q50), num(r.q95), int(r.essBulk), int(r.essTail), Number.isFinite(r.rhat) ? r.rhat.toFixed(3) : num(r.rhat)]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

/** What the files hold: model, sampler, chains and draws, divergences. */
function headline(trace: Trace): string {
  const m = trace.meta;
  const what = [m.model && `model ${m.model}`, m.sampler && `sampler ${m.sampler}`].filter(Boolean).join(', ');
  return `${what ? what + ': ' : ''}${trace.chains} chains × ${trace.draws} draws (warmup ${m.numWarmup ?? m.tune ?? 0} per chain, not summarised); ${trace.numDivergences()} divergent transitions`;
}

/** The text `hbnn summary` prints (stdout), and the warnings (stdout with the table, stderr with --csv). */
export function runSummary(files: readonly string[], options: SummaryCommandOptions): { out: string; warnings: string[] } {
  const trace = readCsvTrace(files, 'hbnn summary');
  const all = stanSummaryRows(trace);
  const rows = selectRows(trace, all, options.vars);
  const depth = trace.meta.samplerOptions?.maxTreeDepth;
  // The warnings check every parameter (not lp__), under the names the table shows.
  const warnings = samplerWarnings(trace, { summaryRows: all.slice(1), ...(typeof depth === 'number' ? { maxTreeDepth: depth } : {}) });
  if (options.csv) return { out: summaryCsv(rows), warnings };
  const notes = warnings.length === 0 ? ['No warnings: no divergences, tree depth, E-BFMI, R-hat or ESS problems found.'] : warnings.map((w) => `Warning: ${w}`);
  const table = summaryTable(rows);
  return { out: [headline(trace), '', table, ...notes, '', 'R-hat: rank-normalised split R-hat (max of bulk and folded); ess_bulk, ess_tail: rank-normalised ESS (Vehtari et al. 2021).', ''].join('\n'), warnings };
}
