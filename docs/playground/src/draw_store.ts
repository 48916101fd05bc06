/**
 * The draws a page has received so far, per stage and chain, from `sample()`'s `onProgress`
 * reports. Kept outside the sampler so that a paused, stopped or failed run still has them: the
 * live plots, the accuracy table and the CSV download all read from here.
 */
import { Trace, type DrawStats, type TraceMeta } from '../../../samplers/trace/trace.js';
import { cutToShortest } from '../../../samplers/trace/cut_to_shortest.js';
import type { ParamInfo } from '../../../samplers/types.js';
import type { ChainProgress } from '../../../samplers/run/progress_events.js';

class ChainBuffer {
  values: Float64Array;
  stats = new Map<string, Float64Array>();
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
    for (const [name, col] of Object.entries(draws.stats)) {
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
    const stats: DrawStats = { lp: new Float64Array(0) };
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
  trace(meta: TraceMeta = {}): Trace | null {
    const chains = [...this.chains.entries()].sort((a, b) => a[0] - b[0]).map(([id, c]) => ({ id, draws: c.slice(c.n), numDraws: c.n }));
    const cut = cutToShortest(chains, this.width);
    if (cut.chains.length === 0) return null;
    return new Trace({ params: this.params, chains: cut.chains, meta: { ...meta, chainIds: cut.chainIds } });
  }
}
