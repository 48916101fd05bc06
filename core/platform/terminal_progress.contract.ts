/**
 * Progress bars in a terminal, one interface for the two twins: terminal_progress.ts (Node:
 * cli-progress bars, drawn only when the stream is a TTY) and terminal_progress.browser.ts (a page
 * has no terminal: never drawn). Generic bars with `{field}` format strings; what they show is the
 * caller's business. Type-level only: the checks at the end fail the build when a twin drifts.
 */

/** Where bars are drawn: a terminal stream (Node's process.stderr by default, or a test's stand-in). */
export interface TerminalStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Values for a bar's format string: `{name}` shows fields.name. */
export type BarFields = Record<string, string | number>;

export interface TerminalBarOptions {
  /** false: never drawn; true or undefined: drawn when the stream is a terminal. */
  enabled?: boolean;
  /** Default: the process's stderr. */
  stream?: TerminalStream;
  /** Redraws per second (default: cli-progress's). */
  fps?: number;
}

export interface TerminalBar {
  /** Moves the bar to `value`, updating the fields given. */
  update(value: number, fields?: BarFields): void;
  /** Updates fields only. */
  updateFields(fields: BarFields): void;
}

/** Bars drawn together, one line each (e.g. one per chain). */
export interface TerminalBarGroup {
  /** A new bar of `total` steps, at 0. */
  add(total: number, fields: BarFields): TerminalBar;
  /** Draws the final state and releases the terminal. */
  stop(): void;
}

/** A bar on its own line. */
export interface SingleTerminalBar extends TerminalBar {
  stop(): void;
}

export interface TerminalProgressPlatform {
  /** A group of bars drawn with `format`, or null when they would not be drawn. */
  openBarGroup(format: string, options?: TerminalBarOptions): TerminalBarGroup | null;
  /** One bar of `total` steps drawn with `format`, started at 0, or null when it would not be drawn. */
  openBar(format: string, total: number, fields: BarFields, options?: TerminalBarOptions): SingleTerminalBar | null;
  /** The terminal that bars with these options would be drawn on, or null (for lines printed after the bars). */
  terminalFor(options?: TerminalBarOptions): TerminalStream | null;
}

type Conforms<T extends U, U> = T;
export type _NodeChecked = Conforms<typeof import('./terminal_progress.js'), TerminalProgressPlatform>;
export type _BrowserChecked = Conforms<typeof import('./terminal_progress.browser.js'), TerminalProgressPlatform>;
