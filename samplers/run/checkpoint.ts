/**
 * Checkpoints: each chain appends its draws to `<dir>/chain-<c>.csv` as it makes them, one
 * `writeSync` per draw, so a run that is killed keeps every draw already written. The layout
 * follows CmdStan's CSV: `#` comment lines, a header of sampler columns (`lp__`, …) then
 * parameter columns with 1-based dotted indices (`w.1.2`), and the adaptation result as
 * comments after warmup. `readCheckpoint(dir)` turns the files back into a Trace.
 */
import { joinPath, listDir, makeDir, openAppendFile, pathExists, readText, type AppendFile } from '../../core/platform/files.js';
import { shapeSize } from '../../core/shape.js';
import { Trace, scalarNames, type ChainDraws, type DrawStats } from '../trace/trace.js';
import type { ParamInfo } from '../types.js';

/** Trace statistic names and their CmdStan column names, in CmdStan's order. */
export const STAT_COLUMNS = [
  ['lp', 'lp__'],
  ['acceptStat', 'accept_stat__'],
  ['stepSize', 'stepsize__'],
  ['treeDepth', 'treedepth__'],
  ['nSteps', 'n_leapfrog__'],
  ['diverging', 'divergent__'],
  ['energy', 'energy__'],
] as const;

export type StatRow = Partial<Record<(typeof STAT_COLUMNS)[number][0], number>>;

const MAGIC = '# hbnn checkpoint v1';

/** Stan-style column names: `mu`, `w.1.2` (1-based, row-major). */
export function csvColumnNames(params: readonly ParamInfo[]): string[] {
  return scalarNames(params, (name, idx) => `${name}.${idx.map((i) => i + 1).join('.')}`);
}

export class CheckpointWriter {
  private file: AppendFile | null;
  readonly path: string;

  constructor(dir: string, chain: number, params: readonly ParamInfo[], meta: Record<string, unknown> = {}) {
    makeDir(dir);
    this.path = joinPath(dir, `chain-${chain}.csv`);
    this.file = openAppendFile(this.path);
    const header = [
      MAGIC,
      `# chain = ${chain}`,
      `# params = ${JSON.stringify(params.map((p) => ({ name: p.name, shape: [...p.shape] })))}`,
      ...Object.entries(meta).map(([k, v]) => `# ${k} = ${JSON.stringify(v)}`),
      [...STAT_COLUMNS.map((c) => c[1]), 'warmup__', ...csvColumnNames(params)].join(','),
    ];
    this.write(header.join('\n') + '\n');
  }

  private write(text: string): void {
    if (this.file === null) throw new Error(`checkpoint ${this.path}: already closed`);
    this.file.append(text);
  }

  /** One draw: its statistics (missing ones as NaN), whether it is a warmup draw, and its values. */
  writeDraw(stats: StatRow, warmup: boolean, values: Float64Array): void {
    const cells: string[] = STAT_COLUMNS.map(([k]) => String(stats[k] ?? NaN));
    cells.push(warmup ? '1' : '0');
    for (let i = 0; i < values.length; i++) cells.push(String(values[i]));
    this.write(cells.join(',') + '\n');
  }

  /** The adapted step size and inverse metric, as CmdStan writes them after warmup. */
  writeAdaptation(stepSize: number | undefined, inverseMassMatrix: Float64Array | undefined, dim: number): void {
    const lines = ['# Adaptation terminated'];
    if (stepSize !== undefined) lines.push(`# Step size = ${stepSize}`);
    if (inverseMassMatrix) {
      if (inverseMassMatrix.length === dim) {
        lines.push('# Diagonal elements of inverse mass matrix:', `# ${Array.from(inverseMassMatrix).join(', ')}`);
      } else {
        lines.push('# Elements of inverse mass matrix:');
        for (let i = 0; i < dim; i++) lines.push(`# ${Array.from(inverseMassMatrix.subarray(i * dim, (i + 1) * dim)).join(', ')}`);
      }
    }
    this.write(lines.join('\n') + '\n');
  }

  close(): void {
    this.file?.close();
    this.file = null;
  }
}

interface ParsedChain {
  chain: number;
  params: ParamInfo[];
  draws: ChainDraws;
  numDraws: number;
}

function parseChainFile(path: string, chain: number): ParsedChain {
  const lines = readText(path).split('\n');
  if (lines[0] !== MAGIC) throw new Error(`readCheckpoint: ${path} is not an hbnn checkpoint (first line '${lines[0]}')`);
  let params: ParamInfo[] | undefined;
  let header: string[] | undefined;
  const rows: number[][] = [];
  let stepSize: number | undefined;
  const metricRows: number[][] = [];
  let inMetric = false;
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const body = line.slice(1).trim();
      if (body.startsWith('params = ')) params = JSON.parse(body.slice('params = '.length)) as ParamInfo[];
      else if (body.startsWith('Step size = ')) stepSize = Number(body.slice('Step size = '.length));
      else if (body.endsWith('inverse mass matrix:')) inMetric = true;
      else if (inMetric) metricRows.push(body.split(',').map(Number));
      continue;
    }
    inMetric = false;
    if (!header) {
      header = line.split(',');
      continue;
    }
    const cells = line.split(',');
    // A line cut short by a kill mid-write is dropped; complete lines are kept.
    if (cells.length !== header.length) continue;
    rows.push(cells.map(Number));
  }
  if (!params || !header) throw new Error(`readCheckpoint: ${path} has no params line or column header`);
  const width = params.reduce((n, p) => n + shapeSize(p.shape), 0);
  const nStats = STAT_COLUMNS.length;
  const split = (warm: boolean) => {
    const sel = rows.filter((r) => (r[nStats] === 1) === warm);
    const values = new Float64Array(sel.length * width);
    sel.forEach((r, d) => values.set(r.slice(nStats + 1), d * width));
    const stats: DrawStats = { lp: Float64Array.from(sel, (r) => r[0]) };
    STAT_COLUMNS.forEach(([k], j) => {
      if (k === 'lp') return;
      const col = Float64Array.from(sel, (r) => r[j]);
      if (col.some((v) => !Number.isNaN(v))) stats[k] = col;
    });
    return { values, stats, n: sel.length };
  };
  const post = split(false);
  const warm = split(true);
  const draws: ChainDraws = { values: post.values, stats: post.stats };
  if (warm.n > 0) draws.warmup = { values: warm.values, stats: warm.stats };
  if (stepSize !== undefined || metricRows.length > 0) {
    draws.adaptation = { stepSize, inverseMassMatrix: metricRows.length > 0 ? Float64Array.from(metricRows.flat()) : undefined };
  }
  return { chain, params, draws, numDraws: post.n };
}

/**
 * The Trace in a checkpoint directory. Chains that stopped at different points are cut to the
 * shortest one that has post-warmup draws (`meta.truncatedTo`); chains without any are left out
 * (`meta.chainsWithoutDraws`).
 */
export function readCheckpoint(dir: string): Trace {
  if (!pathExists(dir)) throw new Error(`readCheckpoint: directory '${dir}' does not exist`);
  const files = listDir(dir)
    .map((f) => /^chain-(\d+)\.csv$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[0], chain: Number(m[1]) }))
    .sort((a, b) => a.chain - b.chain);
  if (files.length === 0) throw new Error(`readCheckpoint: no chain-<c>.csv files in '${dir}'`);
  const parsed = files.map((f) => parseChainFile(joinPath(dir, f.file), f.chain));
  const withDraws = parsed.filter((p) => p.numDraws > 0);
  if (withDraws.length === 0) throw new Error(`readCheckpoint: no chain in '${dir}' has post-warmup draws yet`);
  const n = Math.min(...withDraws.map((p) => p.numDraws));
  const params = withDraws[0].params;
  const width = params.reduce((s, p) => s + shapeSize(p.shape), 0);
  for (const p of withDraws) {
    if (JSON.stringify(p.params) !== JSON.stringify(params)) throw new Error(`readCheckpoint: chain ${p.chain} has different params than chain ${withDraws[0].chain}`);
  }
  const chains = withDraws.map((p) => {
    const d = p.draws;
    if (p.numDraws === n) return d;
    const stats = Object.fromEntries(Object.entries(d.stats).map(([k, v]) => [k, (v as Float64Array).slice(0, n)])) as unknown as DrawStats;
    return { ...d, values: d.values.slice(0, n * width), stats };
  });
  return new Trace({
    params,
    chains,
    meta: {
      source: 'checkpoint',
      dir,
      chainIds: withDraws.map((p) => p.chain),
      truncatedTo: n,
      chainsWithoutDraws: parsed.filter((p) => p.numDraws === 0).map((p) => p.chain),
    },
  });
}
