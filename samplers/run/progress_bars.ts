/**
 * Progress of running chains in a terminal, Node's side of a two-file adapter (the browser build
 * uses progress.browser.ts, where pages draw their own progress from `onProgress`): a cli-progress
 * multibar (one bar per chain with iterations, draws per second and divergences so far), shown
 * only when asked for and stderr is a terminal.
 */
import cliProgress from 'cli-progress';
import { silentProgress, type ProgressReporter } from './progress_events.js';

export type { ProgressReporter } from './progress_events.js';

/** A reporter for `chains` chains of `tune + draws` iterations; silent unless `enabled` and stderr is a TTY. */
export function createProgress(enabled: boolean | undefined, chains: readonly number[], tune: number, draws: number): ProgressReporter {
  if (enabled === false || !process.stderr.isTTY) return silentProgress;
  const total = tune + draws;
  const multibar = new cliProgress.MultiBar(
    {
      format: 'chain {chain} |{bar}| {value}/{total} {phase} | {speed} it/s | {divergences} divergent{note}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  const bars = new Map(chains.map((c) => [c, multibar.create(total, 0, { chain: c, phase: 'warmup', speed: '0', divergences: 0, note: '' })]));
  return {
    update({ chain, iteration, divergences }) {
      const seconds = (Date.now() - start) / 1000;
      bars.get(chain)?.update(iteration, {
        phase: iteration < tune ? 'warmup' : 'sampling',
        speed: seconds > 0 ? (iteration / seconds).toFixed(0) : '0',
        divergences,
      });
    },
    fail(chain, reason) {
      bars.get(chain)?.update({ note: ` | FAILED: ${reason.slice(0, 60)}` });
    },
    stop() {
      multibar.stop();
    },
  };
}
