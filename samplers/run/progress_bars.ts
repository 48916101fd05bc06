/**
 * Progress of running chains in a terminal: one bar per chain with iterations, draws per second
 * and divergences so far, drawn by core/platform's terminal bars (only when asked for and stderr
 * is a terminal; never in a page, where progress comes from `sample()`'s `onProgress`).
 */
import { openBarGroup, terminalFor, type TerminalStream } from '../../core/platform/terminal_progress.js';
import { silentProgress, type ProgressReporter } from './progress_events.js';

export type { ProgressReporter } from './progress_events.js';

const FORMAT = 'chain {chain} |{bar}| {value}/{total} {phase} | {speed} it/s | {divergences} divergent{note}';

function warmupLabel(adapt: string | undefined, phase: string | undefined): string {
  const inside = [adapt, phase].filter((s) => s).join(': ');
  return inside ? `warmup (${inside})` : 'warmup';
}

/**
 * A reporter for `chains` chains of `tune + draws` iterations; silent unless `enabled` and the
 * stream (default stderr) is a TTY. With `adapt`, warmup reads `warmup (fisher-low-rank: early)`,
 * so a run shows which warmup scheme the defaults chose.
 */
export function createProgress(enabled: boolean | undefined, chains: readonly number[], tune: number, draws: number, stream?: TerminalStream, adapt?: string): ProgressReporter {
  const group = openBarGroup(FORMAT, { enabled, stream });
  if (group === null) return silentProgress;
  const total = tune + draws;
  const start = Date.now();
  // Chains are numbered from 1 on screen, as CmdStan's chain ids; the map keeps the 0-based index.
  const bars = new Map(chains.map((c) => [c, group.add(total, { chain: c + 1, phase: 'warmup', speed: '0', divergences: 0, note: '' })]));
  return {
    update({ chain, iteration, divergences, phase }) {
      const seconds = (Date.now() - start) / 1000;
      bars.get(chain)?.update(iteration, {
        phase: iteration < tune ? warmupLabel(adapt, phase) : 'sampling',
        speed: seconds > 0 ? (iteration / seconds).toFixed(0) : '0',
        divergences,
      });
    },
    fail(chain, reason) {
      bars.get(chain)?.updateFields({ note: ` | FAILED: ${reason.slice(0, 60)}` });
    },
    stop() {
      group.stop();
    },
  };
}

/**
 * After the bars, the run's warnings (as PyMC prints them): where the bars were drawn, a run
 * that a person watches ends with what to distrust in it; logs and pages stay as they were.
 */
export function printRunWarnings(enabled: boolean | undefined, warningsOf: () => readonly string[], stream?: TerminalStream): void {
  const terminal = terminalFor({ enabled, stream });
  if (terminal === null) return; // before computing them: summaries of a large trace cost time
  let warnings: readonly string[];
  try {
    warnings = warningsOf();
  } catch (e) {
    warnings = [`the diagnostics could not be computed (${(e as Error).message}); the draws are in the trace`];
  }
  if (warnings.length === 0) return;
  terminal.write(`\n${warnings.length} warning${warnings.length === 1 ? '' : 's'} (samplerWarnings(trace) lists them again):\n`);
  for (const w of warnings) terminal.write(`- ${w}\n`);
}
