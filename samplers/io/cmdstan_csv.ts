/**
 * CmdStan's CSV output format, so that tools built for Stan read our draws: ArviZ
 * (`from_cmdstan`), cmdstanr / posterior (`read_cmdstan_csv`), rstan (`read_stan_csv`), bayesplot.
 * One file per chain: `#` comment lines with the run's configuration, a header row of the sampler
 * columns (`lp__`, `accept_stat__`, …) then the parameters in Stan's naming (`w.1.2`: 1-based
 * indices joined by dots), the warmup draws when kept, the adaptation block (step size and inverse
 * metric), and the draws. `readCmdStanCsv` reads such files (ours or CmdStan's) back into a Trace.
 */
import { joinPath, makeDir, readText, writeText } from '../../core/platform/files.js';
import { shapeSize } from '../../core/shape.js';
import { Trace, type ChainDraws, type DrawStats, type StatName } from '../trace/trace.js';
import type { ParamInfo } from '../types.js';

/** Stan's sampler columns, in CmdStan's order, and the DrawStats field each comes from. */
export const CMDSTAN_STAT_COLUMNS: readonly (readonly [string, StatName])[] = [
  ['lp__', 'lp'],
  ['accept_stat__', 'acceptStat'],
  ['stepsize__', 'stepSize'],
  ['treedepth__', 'treeDepth'],
  ['n_leapfrog__', 'nSteps'],
  ['divergent__', 'diverging'],
  ['energy__', 'energy'],
];

export interface CmdStanCsvOptions {
  /** File name prefix: files are `${prefix}_${chain}.csv` (chain 1-based); 'output' as in CmdStan. */
  prefix?: string;
  /** Model name for `# model = …`; defaults to trace.meta.model, else 'hbnn_model'. */
  model?: string;
  /** How to write `adaptation.inverseMassMatrix`: 'diag_e' (a vector) or 'dense_e' (a square row-major matrix). */
  metric?: 'diag_e' | 'dense_e';
}

/** Stan's way of printing a number: shortest round-trip decimal; nan, inf, -inf for the rest. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

function parseValue(s: string, where: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const v = Number(t);
  if (t === '' || Number.isNaN(v)) throw new Error(`readCmdStanCsv: cannot parse '${s}' as a number (${where})`);
  return v;
}

/**
 * Stan's columns for the trace's scalars: names (`w[0,1]` -> `w.1.2`) and, for each CSV column,
 * the trace column it holds. Stan writes arrays and matrices in column-major order (first index
 * fastest), while a Trace stores them row-major, so the columns are permuted on the way out.
 */
function stanColumns(params: readonly ParamInfo[]): { names: string[]; source: number[] } {
  const names: string[] = [];
  const source: number[] = [];
  let offset = 0;
  for (const p of params) {
    if (/[.,[\]\s]/.test(p.name) || p.name.endsWith('__')) {
      throw new Error(`writeCmdStanCsv: parameter name '${p.name}' cannot be written to CmdStan CSV (no dots, commas, brackets, spaces or trailing '__')`);
    }
    const size = shapeSize(p.shape);
    if (p.shape.length === 0) {
      names.push(p.name);
      source.push(offset++);
      continue;
    }
    for (let k = 0; k < size; k++) {
      // k counts in column-major order: peel indices off from the first axis.
      const idx: number[] = [];
      let r = k;
      for (const extent of p.shape) {
        idx.push(r % extent);
        r = Math.floor(r / extent);
      }
      let flat = 0;
      idx.forEach((v, a) => (flat = flat * p.shape[a] + v));
      names.push([p.name, ...idx.map((v) => v + 1)].join('.'));
      source.push(offset + flat);
    }
    offset += size;
  }
  return { names, source };
}

/**
 * The CmdStan-format CSV text of each chain (what `writeCmdStanCsv` writes, one string per
 * chain); works without a file system, e.g. to offer draws for download in a browser.
 */
export function cmdStanCsvTexts(trace: Trace, options: Omit<CmdStanCsvOptions, 'prefix'> = {}): string[] {
  const model = options.model ?? (typeof trace.meta.model === 'string' ? trace.meta.model : 'hbnn_model');
  const metric = options.metric ?? (trace.meta.metric === 'dense_e' ? 'dense_e' : 'diag_e');
  const statColumns = CMDSTAN_STAT_COLUMNS.filter(([, key]) => trace.chainDraws.every((c) => c.stats[key] !== undefined));
  const columns = stanColumns(trace.params);
  const header = [...statColumns.map(([col]) => col), ...columns.names].join(',');
  const saveWarmup = trace.chainDraws.every((c) => c.warmup !== undefined);

  return trace.chainDraws.map((chain, c) => {
    const numWarmup = chain.warmup ? chain.warmup.stats.lp.length : Number(trace.meta.tune ?? trace.meta.numWarmup ?? 0);
    const lines = [
      `# model = ${model}`,
      '# method = sample (Default)',
      '#   sample',
      `#     num_samples = ${trace.draws}`,
      `#     num_warmup = ${numWarmup}`,
      `#     save_warmup = ${saveWarmup ? 1 : 0}`,
      '#     thin = 1 (Default)',
      '#     algorithm = hmc (Default)',
      '#       hmc',
      '#         engine = nuts (Default)',
      `#         metric = ${metric}`,
      `# id = ${c + 1}`,
      ...(trace.meta.seed !== undefined ? ['# random', `#   seed = ${String(trace.meta.seed)}`] : []),
      `# generator = hbnn${typeof trace.meta.sampler === 'string' ? ` (${trace.meta.sampler})` : ''}`,
      header,
    ];
    if (saveWarmup && chain.warmup) lines.push(...rows(chain.warmup.values, chain.warmup.stats, trace.width, statColumns, columns.source));
    lines.push(...adaptationBlock(chain, metric));
    lines.push(...rows(chain.values, chain.stats, trace.width, statColumns, columns.source));
    lines.push(...timingFooter(trace.meta));
    return lines.join('\n') + '\n';
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

function rows(values: Float64Array, stats: DrawStats, width: number, statColumns: typeof CMDSTAN_STAT_COLUMNS, source: number[]): string[] {
  const out: string[] = [];
  const n = stats.lp.length;
  for (let d = 0; d < n; d++) {
    const cells = statColumns.map(([, key]) => formatValue(stats[key]![d]));
    for (const j of source) cells.push(formatValue(values[d * width + j]));
    out.push(cells.join(','));
  }
  return out;
}

/** CmdStan's elapsed-time footer (rstan's reader looks for it), when the trace's meta records the times. */
function timingFooter(meta: Record<string, unknown>): string[] {
  const warm = meta.warmupSeconds;
  const sampling = meta.samplingSeconds;
  if (typeof warm !== 'number' || typeof sampling !== 'number') return [];
  return [
    '# ',
    `#  Elapsed Time: ${warm} seconds (Warm-up)`,
    `#                ${sampling} seconds (Sampling)`,
    `#                ${warm + sampling} seconds (Total)`,
    '# ',
  ];
}

function adaptationBlock(chain: ChainDraws, metric: 'diag_e' | 'dense_e'): string[] {
  const a = chain.adaptation;
  if (!a || (a.stepSize === undefined && a.inverseMassMatrix === undefined)) return [];
  const lines = ['# Adaptation terminated'];
  if (a.stepSize !== undefined) lines.push(`# Step size = ${formatValue(a.stepSize)}`);
  const m = a.inverseMassMatrix;
  if (m) {
    if (metric === 'diag_e') {
      lines.push('# Diagonal elements of inverse mass matrix:', `# ${Array.from(m, formatValue).join(', ')}`);
    } else {
      const dim = Math.round(Math.sqrt(m.length));
      if (dim * dim !== m.length) throw new Error(`writeCmdStanCsv: dense inverse mass matrix of length ${m.length} is not square`);
      lines.push('# Elements of inverse mass matrix:');
      for (let i = 0; i < dim; i++) lines.push(`# ${Array.from(m.subarray(i * dim, (i + 1) * dim), formatValue).join(', ')}`);
    }
  }
  return lines;
}

interface ParsedCsv {
  columns: string[];
  rows: number[][];
  numWarmup: number;
  saveWarmup: boolean;
  thin: number;
  model?: string;
  adaptation: { stepSize?: number; inverseMassMatrix?: Float64Array };
}

function parseCmdStanCsv(path: string): ParsedCsv {
  const lines = readText(path).split(/\r?\n/);
  const out: ParsedCsv = { columns: [], rows: [], numWarmup: 0, saveWarmup: false, thin: 1, adaptation: {} };
  const setting = (line: string, key: string) => {
    const m = line.match(new RegExp(`^#\\s*${key} = ([^(]*)`));
    return m ? m[1].trim() : undefined;
  };
  let metricMode: 'none' | 'diag' | 'dense' = 'none';
  const dense: number[][] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${path}:${i + 1}`;
    if (line.startsWith('#')) {
      const body = line.slice(1).trim();
      if (metricMode !== 'none' && /^[-+0-9.eEinfa, ]+$/i.test(body) && body !== '') {
        const values = body.split(',').map((s) => parseValue(s, where));
        if (metricMode === 'diag') {
          out.adaptation.inverseMassMatrix = Float64Array.from(values);
          metricMode = 'none';
        } else dense.push(values);
        return;
      }
      metricMode = 'none';
      const model = setting(line, 'model');
      if (model !== undefined && out.model === undefined) out.model = model;
      const warm = setting(line, 'num_warmup');
      if (warm !== undefined) out.numWarmup = Number(warm);
      const save = setting(line, 'save_warmup');
      if (save !== undefined) out.saveWarmup = save === '1' || save === 'true';
      const thin = setting(line, 'thin');
      if (thin !== undefined) out.thin = Number(thin);
      const step = body.match(/^Step size = (.+)$/);
      if (step) out.adaptation.stepSize = parseValue(step[1], where);
      if (/^Diagonal elements of inverse mass matrix:/.test(body)) metricMode = 'diag';
      if (/^Elements of inverse mass matrix:/.test(body)) metricMode = 'dense';
      return;
    }
    metricMode = 'none';
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
  if (out.columns.length === 0) throw new Error(`readCmdStanCsv: ${path} has no header row`);
  if (dense.length > 0) out.adaptation.inverseMassMatrix = Float64Array.from(dense.flat());
  return out;
}

/** Parameters from Stan column names (`w.1.2`), in order of first appearance, with their shapes. */
function paramsFromColumns(columns: string[], path: string): { params: ParamInfo[]; placement: number[] } {
  const bases: { name: string; indices: number[][]; columns: number[] }[] = [];
  columns.forEach((col, j) => {
    if (col.endsWith('__')) return;
    const [name, ...rest] = col.split('.');
    const idx = rest.map((s) => Number(s));
    if (idx.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`readCmdStanCsv: column '${col}' in ${path} is not name.i.j with 1-based indices`);
    let b = bases.find((x) => x.name === name);
    if (!b) bases.push((b = { name, indices: [], columns: [] }));
    if (b.indices.length > 0 && b.indices[0].length !== idx.length) {
      throw new Error(`readCmdStanCsv: column '${col}' in ${path} has ${idx.length} indices, earlier columns of '${name}' have ${b.indices[0].length}`);
    }
    b.indices.push(idx);
    b.columns.push(j);
  });
  const params: ParamInfo[] = [];
  const placement: number[] = []; // placement[k] = CSV column of the k-th scalar in row-major trace order
  for (const b of bases) {
    const shape = b.indices[0].map((_, a) => Math.max(...b.indices.map((ix) => ix[a])));
    const size = shapeSize(shape);
    if (size !== b.indices.length) {
      throw new Error(`readCmdStanCsv: parameter '${b.name}' in ${path} has ${b.indices.length} columns but its indices span shape [${shape}] (${size} elements)`);
    }
    const offset = placement.length;
    for (let k = 0; k < size; k++) placement.push(-1);
    b.indices.forEach((ix, k) => {
      let flat = 0;
      ix.forEach((v, a) => (flat = flat * shape[a] + (v - 1)));
      if (placement[offset + flat] !== -1) throw new Error(`readCmdStanCsv: duplicate column for '${b.name}' index ${ix.join('.')} in ${path}`);
      placement[offset + flat] = b.columns[k];
    });
    params.push({ name: b.name, shape });
  }
  return { params, placement };
}

/** Reads CmdStan-format CSV files, one chain each, into a Trace (warmup kept when the file saved it). */
export function readCmdStanCsv(paths: string | readonly string[]): Trace {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) throw new Error('readCmdStanCsv: no files given');
  const parsed = list.map(parseCmdStanCsv);
  const first = parsed[0];
  parsed.forEach((p, i) => {
    if (p.columns.join(',') !== first.columns.join(',')) throw new Error(`readCmdStanCsv: ${list[i]} has different columns from ${list[0]}`);
  });
  const { params, placement } = paramsFromColumns(first.columns, list[0]);
  const statIndex = CMDSTAN_STAT_COLUMNS.map(([col, key]) => [first.columns.indexOf(col), key] as const).filter(([j]) => j >= 0);
  if (!statIndex.some(([, key]) => key === 'lp')) throw new Error(`readCmdStanCsv: ${list[0]} has no lp__ column`);

  const build = (rows: number[][]) => {
    const values = new Float64Array(rows.length * placement.length);
    rows.forEach((r, d) => placement.forEach((col, k) => (values[d * placement.length + k] = r[col])));
    const stats = {} as DrawStats;
    for (const [j, key] of statIndex) stats[key] = Float64Array.from(rows, (r) => r[j]);
    return { values, stats };
  };
  const chains: ChainDraws[] = parsed.map((p) => {
    const warmupRows = p.saveWarmup ? Math.ceil(p.numWarmup / p.thin) : 0;
    const chain: ChainDraws = build(p.rows.slice(warmupRows));
    if (warmupRows > 0) chain.warmup = build(p.rows.slice(0, warmupRows));
    if (p.adaptation.stepSize !== undefined || p.adaptation.inverseMassMatrix !== undefined) chain.adaptation = p.adaptation;
    return chain;
  });
  const draws = chains[0].stats.lp.length;
  chains.forEach((c, i) => {
    if (c.stats.lp.length !== draws) throw new Error(`readCmdStanCsv: ${list[i]} has ${c.stats.lp.length} draws, ${list[0]} has ${draws}`);
  });
  return new Trace({ params, chains, meta: { model: first.model, numWarmup: first.numWarmup, source: 'cmdstan_csv', files: list } });
}
