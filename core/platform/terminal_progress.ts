/**
 * Progress bars in a terminal, Node's twin of the adapter in terminal_progress.contract.ts:
 * cli-progress bars on stderr (or the stream given), drawn only when it is a TTY, so logs, CI
 * and piped output stay clean.
 */
import cliProgress from 'cli-progress';
import type { BarFields, SingleTerminalBar, TerminalBar, TerminalBarGroup, TerminalBarOptions, TerminalStream } from './terminal_progress.contract.js';

export type { BarFields, SingleTerminalBar, TerminalBar, TerminalBarGroup, TerminalBarOptions, TerminalStream } from './terminal_progress.contract.js';

/** The stream to draw on, or null when bars are off or it is not a terminal. */
export function terminalFor(options: TerminalBarOptions = {}): TerminalStream | null {
  const stream = options.stream ?? process.stderr;
  return options.enabled === false || !stream.isTTY ? null : stream;
}

function barOptions(format: string, stream: TerminalStream, fps: number | undefined): cliProgress.Options {
  return {
    format,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    stream: stream as NodeJS.WritableStream,
    ...(fps === undefined ? {} : { fps }),
  };
}

function wrap(bar: cliProgress.SingleBar): TerminalBar {
  return {
    update: (value, fields) => bar.update(value, fields),
    updateFields: (fields) => bar.update(fields),
  };
}

export function openBarGroup(format: string, options: TerminalBarOptions = {}): TerminalBarGroup | null {
  const stream = terminalFor(options);
  if (stream === null) return null;
  const multibar = new cliProgress.MultiBar(barOptions(format, stream, options.fps), cliProgress.Presets.shades_classic);
  return {
    add: (total: number, fields: BarFields) => wrap(multibar.create(total, 0, fields)),
    stop: () => multibar.stop(),
  };
}

export function openBar(format: string, total: number, fields: BarFields, options: TerminalBarOptions = {}): SingleTerminalBar | null {
  const stream = terminalFor(options);
  if (stream === null) return null;
  const bar = new cliProgress.SingleBar(barOptions(format, stream, options.fps), cliProgress.Presets.shades_classic);
  bar.start(total, 0, fields);
  return { ...wrap(bar), stop: () => bar.stop() };
}
