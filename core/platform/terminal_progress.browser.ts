/**
 * Progress bars, the browser's twin of the adapter in terminal_progress.contract.ts: a page has
 * no terminal, so no bar is ever drawn; pages draw progress from the library's callbacks instead.
 */
import type { BarFields, SingleTerminalBar, TerminalBarGroup, TerminalBarOptions, TerminalStream } from './terminal_progress.contract.js';

export type { BarFields, SingleTerminalBar, TerminalBar, TerminalBarGroup, TerminalBarOptions, TerminalStream } from './terminal_progress.contract.js';

export function openBarGroup(_format: string, _options?: TerminalBarOptions): TerminalBarGroup | null {
  return null;
}

export function openBar(_format: string, _total: number, _fields: BarFields, _options?: TerminalBarOptions): SingleTerminalBar | null {
  return null;
}

export function terminalFor(_options?: TerminalBarOptions): TerminalStream | null {
  return null;
}
