/**
 * Chains that stopped at different points (an interrupted run, a killed run's checkpoints, a
 * page's streamed draws) are cut to the shortest so that their draws line up; chains without
 * any post-warmup draw are left out. Written once, for `sample()` and `readCheckpoint`.
 */
import { sliceStats } from './draw_stats.js';
import type { ChainDraws } from './trace.js';

export interface NumberedChain {
  id: number;
  draws: ChainDraws;
  numDraws: number;
}

export interface CutChains {
  chains: ChainDraws[];
  chainIds: number[];
  chainsWithoutDraws: number[];
  /** Draws per chain after the cut (0 when no chain has any). */
  drawsKept: number;
}

/** The first `n` post-warmup draws of a chain (the same object when it has exactly `n`). */
export function firstDraws(chain: ChainDraws, n: number, width: number): ChainDraws {
  if (chain.stats.lp.length === n) return chain;
  return { ...chain, values: chain.values.slice(0, n * width), stats: sliceStats(chain.stats, 0, n) };
}

export function cutToShortest(chains: readonly NumberedChain[], width: number): CutChains {
  const withDraws = chains.filter((c) => c.numDraws > 0);
  const drawsKept = withDraws.length === 0 ? 0 : Math.min(...withDraws.map((c) => c.numDraws));
  return {
    chains: withDraws.map((c) => firstDraws(c.draws, drawsKept, width)),
    chainIds: withDraws.map((c) => c.id),
    chainsWithoutDraws: chains.filter((c) => c.numDraws === 0).map((c) => c.id),
    drawsKept,
  };
}
