/**
 * A one-line progress bar for ADVI: iterations done out of the cap, the latest ELBO estimate and
 * its relative change (the quantity that decides convergence). Drawn by core/platform's terminal
 * bars, so only when asked for and stderr is a terminal (never in a page).
 */
import { openBar, type TerminalStream } from '../../core/platform/terminal_progress.js';

export interface AdviProgress {
  /** Called after each iteration; `elbo` / `relChange` are the latest evaluated values (NaN before the first). */
  update(iteration: number, elbo: number, relChange: number): void;
  /** Called once the search for a step size starts/ends, to label the phase. */
  phase(name: 'step-size search' | 'optimising' | 'refining'): void;
  stop(): void;
}

const SILENT: AdviProgress = { update() {}, phase() {}, stop() {} };

const FORMAT = 'ADVI {phase} [{bar}] {value}/{total} | ELBO {elbo} | rel. change {rel}';

/**
 * `enabled` undefined means "when the stream (default stderr) is a TTY"; false is always silent.
 * `total` is the iteration cap (the bar fills to it; convergence usually ends the run earlier).
 */
export function createAdviProgress(enabled: boolean | undefined, total: number, stream?: TerminalStream): AdviProgress {
  let phase = 'optimising';
  const bar = openBar(FORMAT, total, { phase, elbo: '—', rel: '—' }, { enabled, stream, fps: 10 });
  if (bar === null) return SILENT;
  const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toPrecision(digits) : '—');
  return {
    update(iteration, elbo, relChange) {
      bar.update(Math.min(iteration, total), { phase, elbo: fmt(elbo, 6), rel: fmt(relChange, 3) });
    },
    phase(name) {
      phase = name;
      bar.updateFields({ phase });
    },
    stop() {
      bar.stop();
    },
  };
}
