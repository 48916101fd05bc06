/**
 * A one-line progress bar for ADVI, Node's side of a two-file adapter (the browser's,
 * advi_progress.browser.ts, is silent): iterations done out of the cap, the latest ELBO estimate
 * and its relative change (the quantity that decides convergence). Silent unless asked for and
 * stderr is a terminal, so logs, CI and piped output stay clean.
 */
import cliProgress from 'cli-progress';

export interface AdviProgress {
  /** Called after each iteration; `elbo` / `relChange` are the latest evaluated values (NaN before the first). */
  update(iteration: number, elbo: number, relChange: number): void;
  /** Called once the search for a step size starts/ends, to label the phase. */
  phase(name: 'step-size search' | 'optimising'): void;
  stop(): void;
}

const SILENT: AdviProgress = { update() {}, phase() {}, stop() {} };

/**
 * `enabled` undefined means "when stderr is a TTY"; false is always silent. `total` is the
 * iteration cap (the bar fills to it; convergence usually ends the run earlier).
 */
export function createAdviProgress(
  enabled: boolean | undefined,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): AdviProgress {
  if (enabled === false || !stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: 'ADVI {phase} [{bar}] {value}/{total} | ELBO {elbo} | rel. change {rel}',
      stream,
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toPrecision(digits) : '—');
  let phase = 'optimising';
  bar.start(total, 0, { phase, elbo: '—', rel: '—' });
  return {
    update(iteration, elbo, relChange) {
      bar.update(Math.min(iteration, total), { phase, elbo: fmt(elbo, 6), rel: fmt(relChange, 3) });
    },
    phase(name) {
      phase = name;
      bar.update({ phase });
    },
    stop() {
      bar.stop();
    },
  };
}
