/**
 * Potential scale reduction R̂ (Gelman & Rubin 1992; Vehtari et al. 2021), as the R package
 * `posterior` computes it. `rhat` is the rank-normalised split-R̂: the larger of the bulk R̂ (of
 * the rank-normalised draws) and the tail R̂ (of the rank-normalised draws folded about the
 * median, |x - median|), so chains that differ in location or in scale are both caught.
 * Values above 1.01 suggest the chains have not mixed (Vehtari et al. 2021, §4.3).
 */
import { anyNonFinite, checkChains, foldDraws, isConstant, rankNormalize, splitChains } from './rank_normalize.js';
import { sampleVariance } from './ess.js';

/**
 * posterior's `.rhat`: the classic R̂ = sqrt((B/W + n - 1)/n) of chains taken as they are,
 * with B/n the sample variance of the chain means and W the mean within-chain variance.
 * NaN on non-finite or constant draws.
 */
export function rhatOfChains(chains: readonly Float64Array[]): number {
  if (anyNonFinite(chains) || isConstant(chains)) return NaN;
  const m = chains.length;
  const n = chains[0].length;
  const means = new Float64Array(m);
  let within = 0;
  chains.forEach((c, j) => {
    const v = sampleVariance(c);
    let s = 0;
    for (const x of c) s += x;
    means[j] = s / n;
    within += v / m;
  });
  const between = n * sampleVariance(means);
  return Math.sqrt((between / within + n - 1) / n);
}

/** The classic split-R̂ without rank normalisation (posterior::rhat_basic); `split: false` skips splitting. */
export function rhatBasic(chains: readonly Float64Array[], { split = true }: { split?: boolean } = {}): number {
  checkChains('rhatBasic', chains);
  return rhatOfChains(split ? splitChains(chains) : chains);
}

/** Bulk R̂: split-R̂ of the rank-normalised draws. */
export function rhatBulk(chains: readonly Float64Array[]): number {
  checkChains('rhatBulk', chains);
  return rhatOfChains(rankNormalize(splitChains(chains)));
}

/** Tail R̂: split-R̂ of the rank-normalised folded draws |x - median(x)|. */
export function rhatTail(chains: readonly Float64Array[]): number {
  checkChains('rhatTail', chains);
  return rhatOfChains(rankNormalize(splitChains(foldDraws(chains))));
}

/** Rank-normalised split-R̂: max(bulk R̂, tail R̂) (posterior::rhat). NaN if either is NaN. */
export function rhat(chains: readonly Float64Array[]): number {
  checkChains('rhat', chains);
  const bulk = rhatOfChains(rankNormalize(splitChains(chains)));
  const tail = rhatOfChains(rankNormalize(splitChains(foldDraws(chains))));
  return Math.max(bulk, tail);
}
