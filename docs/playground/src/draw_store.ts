/**
 * The draws a page has received so far, per stage and chain, from `sample()`'s `onProgress`
 * reports. Kept outside the sampler so that a paused, stopped or failed run still has them: the
 * live plots, the accuracy table and the CSV download all read from here.
 */
import { Trace } from '../../../samplers/trace/trace.js';
import type { ParamInfo } from '../../../samplers/types.js';
import type { ChainProgress } from '../../../samplers/run/progress_events.js';
import { STAT_NAMES, type DrawStats, type StatName } from '../../../samplers/trace/trace.js';

class ChainBuffer {
  values: Float64Array;
  stats = new Map<StatName, Float64Array>();
  n = 0;
  constructor(readonly width: number) {
    this.values = new Float64Array(64 * width);
  }
  append(draws: ChainProgress['newDraws']): void {
    const rows = draws.stats.lp.length;
    if (rows === 0) return;
    const need = this.n + rows;
    if (need * this.width > this.values.length) {
      const grown = new Float64Array(Math.max(need, 2 * this.values.length / this.width) * this.width);
      grown.set(this.values);
      this.values = grown;
    }
    this.values.set(draws.values, this.n * this.width);
    for (const name of STAT_NAMES) {
      const col = draws.stats[name];
      if (!col) continue;
      let buf = this.stats.get(name) ?? new Float64Array(0);
      if (buf.length < need) {
        const grown = new Float64Array(Math.max(need, 2 * buf.length));
        grown.set(buf);
        buf = grown;
      }
      buf.set(col, this.n);
      this.stats.set(name, buf);
    }
    this.n = need;
  }
  /** The first `n` draws as a Trace chain. */
  slice(n: number): { values: Float64Array; stats: DrawStats } {
    const stats = {} as DrawStats;
    for (const [name, col] of this.stats) stats[name] = col.slice(0, n);
    return { values: this.values.slice(0, n * this.width), stats };
  }
}

export class StageDraws {
  private readonly chains = new Map<number, ChainBuffer>();
  divergences = 0;
  private readonly divergencesByChain = new Map<number, number>();
  constructor(
    readonly label: string,
    readonly params: readonly ParamInfo[],
    readonly width: number,
  ) {}

  add(p: ChainProgress): void {
    let c = this.chains.get(p.chain);
    if (!c) this.chains.set(p.chain, (c = new ChainBuffer(this.width)));
    c.append(p.newDraws);
    this.divergencesByChain.set(p.chain, p.divergences);
    this.divergences = [...this.divergencesByChain.values()].reduce((a, b) => a + b, 0);
  }

  /** Draws received, summed over chains. */
  get count(): number {
    return [...this.chains.values()].reduce((s, c) => s + c.n, 0);
  }

  /**
   * The draws so far as a Trace: chains that have draws, cut to the shortest so they line up
   * (as sample() does with an interrupted run); null before the first post-warmup draw.
   */
  trace(meta: Record<string, unknown> = {}): Trace | null {
    const withDraws = [...this.chains.entries()].filter(([, c]) => c.n > 0).sort((a, b) => a[0] - b[0]);
    if (withDraws.length === 0) return null;
    const n = Math.min(...withDraws.map(([, c]) => c.n));
    return new Trace({ params: this.params, chains: withDraws.map(([, c]) => c.slice(n)), meta: { ...meta, chainIds: withDraws.map(([id]) => id) } });
  }
}
