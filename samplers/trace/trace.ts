/**
 * Trace: the draws of every chain, in constrained space, with per-draw sampler statistics.
 * Storage is one row-major Float64Array per chain (draws × width, where width is the total size
 * of all parameters); `get(name)` gathers one parameter across chains. Beside the sampled
 * parameters a trace may hold derived quantities, the pointwise log-likelihood `log_lik` and
 * simulated quantities, each told apart by its ParamInfo `kind` (absent: 'parameter').
 */
import { shapeSize } from '../../core/shape.js';
import type { ParamInfo, ParamKind } from '../types.js';
import type { DrawStats, StatName } from './draw_stats.js';
import type { TraceMeta } from './trace_meta.js';

export { DRAW_STATS, STAT_NAMES, type DrawStats, type StatName, type StatRow } from './draw_stats.js';
export type { TraceMeta } from './trace_meta.js';

export interface ChainDraws {
  /** draws × width, row-major. */
  values: Float64Array;
  stats: DrawStats;
  /** Warmup draws, kept when asked for (same layout). */
  warmup?: { values: Float64Array; stats: DrawStats };
  /** Final adapted step size and inverse mass matrix, when the sampler has them. */
  adaptation?: { stepSize?: number; inverseMassMatrix?: Float64Array };
  /** Seconds this chain spent in warmup and in sampling (CmdStan's elapsed-time footer). */
  elapsed?: { warmupSeconds: number; samplingSeconds: number };
}

export interface TraceInit {
  params: readonly ParamInfo[];
  chains: ChainDraws[];
  /** How the trace was made (sampler, settings, seed, timing); see TraceMeta. */
  meta?: TraceMeta;
}

/** The multi-index (row-major) of flat position `i` in an array of `shape`. */
export function unravelIndex(i: number, shape: readonly number[]): number[] {
  const idx: number[] = new Array(shape.length);
  let r = i;
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = r % shape[a];
    r = Math.floor(r / shape[a]);
  }
  return idx;
}

/** One name per scalar of `params` in storage order: `name` for a scalar, else `name` + format(index). */
export function scalarNames(params: readonly ParamInfo[], format: (name: string, index: number[]) => string): string[] {
  const names: string[] = [];
  for (const p of params) {
    if (p.shape.length === 0) {
      names.push(p.name);
      continue;
    }
    const size = shapeSize(p.shape);
    for (let i = 0; i < size; i++) names.push(format(p.name, unravelIndex(i, p.shape)));
  }
  return names;
}

export class Trace {
  readonly params: readonly ParamInfo[];
  readonly chainDraws: ChainDraws[];
  readonly meta: TraceMeta;
  /** Total scalars per draw. */
  readonly width: number;
  private readonly offsets: Map<string, number>;

  constructor(init: TraceInit) {
    this.params = init.params.map((p) => ({ name: p.name, shape: [...p.shape], ...(p.kind && p.kind !== 'parameter' ? { kind: p.kind } : {}) }));
    this.chainDraws = init.chains;
    this.meta = init.meta ?? {};
    this.offsets = new Map();
    let off = 0;
    for (const p of this.params) {
      if (this.offsets.has(p.name)) throw new Error(`Trace: duplicate parameter name '${p.name}'`);
      this.offsets.set(p.name, off);
      off += shapeSize(p.shape);
    }
    this.width = off;
    if (init.chains.length === 0) throw new Error('Trace: needs at least one chain');
    const draws = init.chains[0].values.length / Math.max(1, off);
    init.chains.forEach((c, i) => {
      if (c.values.length !== draws * off) {
        throw new Error(`Trace: chain ${i} has ${c.values.length} values, expected ${draws}×${off}`);
      }
    });
  }

  get chains(): number {
    return this.chainDraws.length;
  }

  get draws(): number {
    return this.width === 0 ? this.chainDraws[0].stats.lp.length : this.chainDraws[0].values.length / this.width;
  }

  get paramNames(): string[] {
    return this.params.map((p) => p.name);
  }

  /** What `name` holds: 'parameter', 'derived', 'logLik' or 'predictive'. */
  kindOf(name: string): ParamKind {
    this.shapeOf(name);
    return this.params.find((q) => q.name === name)!.kind ?? 'parameter';
  }

  /** The names of the quantities of one kind, in storage order (`namesOf('parameter')`: the sampled ones). */
  namesOf(kind: ParamKind): string[] {
    return this.params.filter((p) => (p.kind ?? 'parameter') === kind).map((p) => p.name);
  }

  /** Shape of one parameter (without the chain and draw axes). */
  shapeOf(name: string): number[] {
    const p = this.params.find((q) => q.name === name);
    if (!p) throw new Error(`Trace.get: no parameter '${name}'; parameters are ${this.paramNames.join(', ')}`);
    return [...p.shape];
  }

  /** One parameter across chains: values laid out [chains, draws, ...shape], row-major. */
  get(name: string): { values: Float64Array; shape: number[] } {
    const shape = this.shapeOf(name);
    const size = shapeSize(shape);
    const off = this.offsets.get(name)!;
    const { chains, draws, width } = this;
    const out = new Float64Array(chains * draws * size);
    for (let c = 0; c < chains; c++) {
      const v = this.chainDraws[c].values;
      for (let d = 0; d < draws; d++) {
        out.set(v.subarray(d * width + off, d * width + off + size), (c * draws + d) * size);
      }
    }
    return { values: out, shape: [chains, draws, ...shape] };
  }

  /** The draws of one scalar (column `index` of parameter `name`, flat row-major), one array per chain. */
  scalarChains(name: string, index = 0): Float64Array[] {
    const size = shapeSize(this.shapeOf(name));
    if (index < 0 || index >= size) throw new Error(`Trace.scalarChains: index ${index} out of range for '${name}' of size ${size}`);
    const col = this.offsets.get(name)! + index;
    return this.chainDraws.map((c) => {
      const n = this.draws;
      const out = new Float64Array(n);
      for (let d = 0; d < n; d++) out[d] = c.values[d * this.width + col];
      return out;
    });
  }

  /** Flat scalar column names in storage order, e.g. `w[0,1]` (Stan uses 1-based `w.1.2` in CSV). */
  columnNames(): string[] {
    return scalarNames(this.params, (name, idx) => `${name}[${idx.join(',')}]`);
  }

  /** A per-draw statistic across chains (a table name or a sampler's extra one), or undefined when not every chain has it. */
  stat(name: StatName | (string & {})): Float64Array[] | undefined {
    const arrays = this.chainDraws.map((c) => c.stats[name]);
    return arrays.every((a) => a !== undefined) ? (arrays as Float64Array[]) : undefined;
  }

  /**
   * Every `step`-th draw of each chain (starting with the first), as a new Trace sharing no
   * memory with this one; warmup draws are dropped. For cheap summaries of long runs, such as
   * drawing a decision surface from a few hundred draws.
   */
  thin(step: number): Trace {
    if (!Number.isInteger(step) || step < 1) throw new Error(`Trace.thin: step must be a positive integer, got ${step}`);
    const keep = Math.ceil(this.draws / step);
    const w = this.width;
    const chains = this.chainDraws.map((c) => {
      const values = new Float64Array(keep * w);
      for (let d = 0; d < keep; d++) values.set(c.values.subarray(d * step * w, (d * step + 1) * w), d * w);
      const stats: DrawStats = { lp: new Float64Array(0) };
      for (const [name, arr] of Object.entries(c.stats)) {
        if (arr) stats[name] = Float64Array.from({ length: keep }, (_, d) => arr[d * step]);
      }
      return { values, stats, ...(c.adaptation ? { adaptation: c.adaptation } : {}), ...(c.elapsed ? { elapsed: c.elapsed } : {}) };
    });
    return new Trace({ params: this.params, chains, meta: { ...this.meta, thinnedBy: step } });
  }

  /** Total divergent transitions over all chains (post-warmup). */
  numDivergences(): number {
    const d = this.stat('diverging');
    if (!d) return 0;
    let n = 0;
    for (const a of d) for (const v of a) n += v;
    return n;
  }
}
