/**
 * The warnings Stan prints after sampling (rstan's check_hmc_diagnostics and its R-hat/ESS
 * checks), from a Trace: divergences, tree-depth saturation, low E-BFMI per chain, R-hat above
 * 1.01 and bulk/tail-ESS below 100 per chain (Vehtari et al. 2021, §4.3); and, before those,
 * the chains that failed and what the run or the reader noted (`meta.failedChains`, `meta.warnings`).
 */
import type { Trace } from '../trace/trace.js';
import { summary, type SummaryRow } from './summary.js';

/** Maximum NUTS tree depth; 10 as in Stan. */
export const DEFAULT_MAX_TREE_DEPTH = 10;
/** E-BFMI below this suggests the momentum resampling explores the energy poorly; 0.3 as in Stan. */
export const EBFMI_THRESHOLD = 0.3;
/** R-hat above this suggests chains have not mixed; 1.01 as recommended by Vehtari et al. (2021). */
export const RHAT_THRESHOLD = 1.01;
/** Bulk- and tail-ESS below this many per chain are too low; 100 as in rstan (400 for 4 chains). */
export const ESS_PER_CHAIN_THRESHOLD = 100;

export interface WarningOptions {
  /** The tree depth limit the sampler ran with; default: the run's (`trace.meta.samplerOptions.maxTreeDepth`), else 10 as in Stan. */
  maxTreeDepth?: number;
  /** Summary rows if already computed (saves recomputing the diagnostics of a large trace). */
  summaryRows?: readonly SummaryRow[];
}

/**
 * Energy Bayesian fraction of missing information of one chain (Betancourt 2016, eq. 19):
 * Σ_n (E_n - E_{n-1})² / Σ_n (E_n - Ē)². NaN for fewer than 2 draws or constant energy.
 */
export function ebfmi(energy: Float64Array): number {
  const n = energy.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (const e of energy) mean += e;
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) num += (energy[i] - energy[i - 1]) * (energy[i] - energy[i - 1]);
    den += (energy[i] - mean) * (energy[i] - mean);
  }
  return den === 0 ? NaN : num / den;
}

const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}%`;

/** Human-readable warnings, empty when every check passes. */
export function samplerWarnings(trace: Trace, options: WarningOptions = {}): string[] {
  const maxTreeDepth = options.maxTreeDepth ?? runMaxTreeDepth(trace) ?? DEFAULT_MAX_TREE_DEPTH;
  if (!(Number.isInteger(maxTreeDepth) && maxTreeDepth > 0)) {
    throw new Error(`samplerWarnings: maxTreeDepth must be a positive integer, got ${maxTreeDepth}`);
  }
  const warnings: string[] = [...runWarnings(trace)];
  const total = trace.chains * trace.draws;

  const divergences = trace.numDivergences();
  if (divergences > 0) {
    warnings.push(
      `There were ${divergences} divergent transitions after warmup (${pct(divergences, total)} of ${total}). ` +
        `Raising sample()'s targetAccept (${targetAccept(trace)}; Stan calls it adapt_delta) or reparameterising may help.`,
    );
  }

  const depths = trace.stat('treeDepth');
  if (depths) {
    let saturated = 0;
    for (const d of depths) for (const v of d) if (v >= maxTreeDepth) saturated++;
    if (saturated > 0) {
      warnings.push(
        `${saturated} of ${total} transitions (${pct(saturated, total)}) hit the maximum tree depth of ${maxTreeDepth}. ` +
          'This is an efficiency concern: raising nuts({ maxTreeDepth }) may help.',
      );
    }
  }

  const energy = trace.stat('energy');
  if (energy) {
    energy.forEach((e, c) => {
      const value = ebfmi(e);
      if (value < EBFMI_THRESHOLD) {
        warnings.push(
          `Chain ${c + 1}: E-BFMI = ${value.toFixed(3)} is below ${EBFMI_THRESHOLD}, which suggests the posterior ` +
            'has heavy tails or a funnel the sampler explores poorly; reparameterising may help.',
        );
      }
    });
  }

  if (trace.draws >= 4 && trace.width > 0) {
    const rows = options.summaryRows ?? summary(trace);
    warnings.push(...diagnosticWarnings(rows, trace.chains));
  }
  return warnings;
}

/** The tree depth limit the run's sampler recorded in the trace's meta, if any. */
function runMaxTreeDepth(trace: Trace): number | undefined {
  const depth = trace.meta.samplerOptions?.maxTreeDepth;
  return typeof depth === 'number' ? depth : undefined;
}

/** "this run used 0.9" or the default, for the divergence advice. */
function targetAccept(trace: Trace): string {
  const used = trace.meta.targetAccept;
  return typeof used === 'number' ? `this run used ${used}` : '0.8 by default';
}

/** Failed chains (each numbered from 1, as CmdStan's chain ids, with phase, iteration and error) and the run's own notes. */
function runWarnings(trace: Trace): string[] {
  const failed = trace.meta.failedChains ?? [];
  const out: string[] = [];
  if (failed.length > 0) {
    const of = trace.meta.chains !== undefined ? ` of ${trace.meta.chains}` : '';
    const each = failed.map((f) => `chain ${f.chain + 1} in ${f.phase} at iteration ${f.iteration}: ${f.error}`).join('; ');
    out.push(`${failed.length}${of} chains failed and are left out of the trace (${each}). The remaining chains alone may not show whether the sampler mixes.`);
  }
  return [...out, ...(trace.meta.warnings ?? [])];
}

/** The R-hat and ESS warnings from summary rows of `chains` chains. */
export function diagnosticWarnings(rows: readonly SummaryRow[], chains: number): string[] {
  const out: string[] = [];
  const worst = (key: 'rhat' | 'essBulk' | 'essTail', bad: (v: number) => boolean, largest: boolean) => {
    const hits = rows.filter((r) => bad(r[key]));
    const pick = hits.reduce<SummaryRow | undefined>((w, r) => (!w || (largest ? r[key] > w[key] : r[key] < w[key]) ? r : w), undefined);
    return { count: hits.length, pick };
  };
  const rh = worst('rhat', (v) => v > RHAT_THRESHOLD, true);
  if (rh.pick) {
    out.push(
      `R-hat is above ${RHAT_THRESHOLD} for ${rh.count} of ${rows.length} parameters (largest ${rh.pick.rhat.toFixed(3)} ` +
        `for ${rh.pick.name}), indicating the chains have not mixed. Running the chains for more iterations may help.`,
    );
  }
  const minEss = ESS_PER_CHAIN_THRESHOLD * chains;
  const bulk = worst('essBulk', (v) => v < minEss, false);
  if (bulk.pick) {
    out.push(
      `Bulk effective sample size is below ${minEss} (${ESS_PER_CHAIN_THRESHOLD} per chain) for ${bulk.count} of ` +
        `${rows.length} parameters (smallest ${Math.round(bulk.pick.essBulk)} for ${bulk.pick.name}), indicating ` +
        'posterior means and medians may be unreliable. Running the chains for more iterations may help.',
    );
  }
  const tail = worst('essTail', (v) => v < minEss, false);
  if (tail.pick) {
    out.push(
      `Tail effective sample size is below ${minEss} (${ESS_PER_CHAIN_THRESHOLD} per chain) for ${tail.count} of ` +
        `${rows.length} parameters (smallest ${Math.round(tail.pick.essTail)} for ${tail.pick.name}), indicating ` +
        'posterior variances and tail quantiles may be unreliable. Running the chains for more iterations may help.',
    );
  }
  const undefinedRows = rows.filter((r) => Number.isNaN(r.rhat));
  if (undefinedRows.length > 0) {
    out.push(
      `R-hat is undefined (NaN) for ${undefinedRows.length} of ${rows.length} parameters (e.g. ${undefinedRows[0].name}): ` +
        'their draws are constant or not finite, so convergence cannot be judged from them.',
    );
  }
  return out;
}
