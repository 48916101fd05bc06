/**
 * The one contract for per-draw sampler statistics. Each row of `DRAW_STATS` names a statistic
 * once: its name in a Trace, the `SamplerInfo` field it comes from, and its CmdStan column.
 * A sampler's Info may carry more: every other numeric Info field is kept as an extra statistic
 * under the field's own name and written to CmdStan CSV as the column `<field>__`, so a new
 * sampler's diagnostics survive the Trace, the exports and the checkpoints without a new table.
 */
import type { SamplerInfo, SamplerParams } from '../types.js';

/** Per-draw sampler statistics, one Float64Array (length = draws) per statistic. */
export interface DrawStats {
  lp: Float64Array; // lp__
  acceptStat?: Float64Array; // accept_stat__
  stepSize?: Float64Array; // stepsize__
  treeDepth?: Float64Array; // treedepth__
  nSteps?: Float64Array; // n_leapfrog__
  diverging?: Float64Array; // divergent__ (0/1)
  energy?: Float64Array; // energy__
  /** A sampler's extra numeric Info field, under the field's name (CmdStan column `<name>__`). */
  [extra: string]: Float64Array | undefined;
}

/** Trace statistic, the Info field it comes from (lp comes from the state), CmdStan column; in CmdStan's order. */
export const DRAW_STATS = [
  { stat: 'lp', info: undefined, column: 'lp__' },
  { stat: 'acceptStat', info: 'acceptanceRate', column: 'accept_stat__' },
  { stat: 'stepSize', info: 'stepSize', column: 'stepsize__' },
  { stat: 'treeDepth', info: 'treeDepth', column: 'treedepth__' },
  { stat: 'nSteps', info: 'numIntegrationSteps', column: 'n_leapfrog__' },
  { stat: 'diverging', info: 'isDivergent', column: 'divergent__' },
  { stat: 'energy', info: 'energy', column: 'energy__' },
] as const;

export type StatName = (typeof DRAW_STATS)[number]['stat'];

/** The table's statistic names, in CmdStan's column order. */
export const STAT_NAMES: readonly StatName[] = DRAW_STATS.map((s) => s.stat);

/** One draw's statistics by name (what a sampler step reports, flattened to numbers). */
export type StatRow = Record<string, number>;

const TABLE_INFO_FIELDS = new Set<string>(DRAW_STATS.map((s) => s.info).filter((f) => f !== undefined));
const TABLE_STATS = new Set<string>(STAT_NAMES);

/** A number, or a boolean as 0/1 (divergent__); anything else is not a statistic. */
function asStatValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/**
 * The statistics of one draw: lp from the state, the table's Info fields, then every other
 * numeric Info field as an extra statistic (booleans other than isDivergent, such as
 * isAccepted, are not statistics). An extra field whose name is a table statistic is skipped.
 */
export function statRow(logDensity: number, info: SamplerInfo, params: SamplerParams): StatRow {
  const fields = info as unknown as Record<string, unknown>;
  const row: StatRow = { lp: logDensity };
  for (const s of DRAW_STATS) {
    const v = s.info === undefined ? undefined : asStatValue(fields[s.info]);
    if (v !== undefined) row[s.stat] = v;
  }
  // Stan reports the step size each transition used; a sampler that does not gets the nominal one.
  if (row.stepSize === undefined && typeof params.stepSize === 'number') row.stepSize = params.stepSize;
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value === 'number' && !TABLE_INFO_FIELDS.has(field) && !TABLE_STATS.has(field)) row[field] = value;
  }
  return row;
}

/** The CmdStan column of a statistic: the table's, else `<name>__`. */
export function columnOfStat(stat: string): string {
  return DRAW_STATS.find((s) => s.stat === stat)?.column ?? `${stat}__`;
}

/** The statistic a CmdStan column holds (`accept_stat__` -> acceptStat, `foo__` -> foo), or undefined for a parameter column. */
export function statOfColumn(column: string): string | undefined {
  const known = DRAW_STATS.find((s) => s.column === column);
  if (known) return known.stat;
  return column.endsWith('__') && column.length > 2 ? column.slice(0, -2) : undefined;
}

/** Statistic names in column order: the table's first (CmdStan's order), then extras in the order given. */
export function orderStats(names: Iterable<string>): string[] {
  const set = new Set(names);
  const extras = [...set].filter((n) => !TABLE_STATS.has(n));
  return [...STAT_NAMES.filter((n) => set.has(n)), ...extras];
}

/** The statistics every one of `stats` has (what a multi-chain file or table can show), in column order. */
export function sharedStats(stats: readonly DrawStats[]): string[] {
  if (stats.length === 0) return [];
  const present = (s: DrawStats) => Object.keys(s).filter((k) => s[k] !== undefined);
  return orderStats(present(stats[0]).filter((k) => stats.every((s) => s[k] !== undefined)));
}

/** Rows [from, to) of every statistic (copies). */
export function sliceStats(stats: DrawStats, from: number, to: number): DrawStats {
  const out: DrawStats = { lp: stats.lp.slice(from, to) };
  for (const [k, v] of Object.entries(stats)) if (v !== undefined && k !== 'lp') out[k] = v.slice(from, to);
  return out;
}
