/**
 * What the file adapter offers, one interface for its two twins: files.ts (Node, node:fs) and
 * files.browser.ts (a page, which has none and says so). Everything in the library that touches
 * files (checkpoints, CmdStan CSV and JSON export, study data) goes through these functions.
 * Type-level only: the checks at the end fail the build when a twin drifts from the interface.
 */

/**
 * A file opened for writing from the start; each `append` reaches the OS, whole, before it
 * returns (a short write is continued), so text made of whole lines leaves whole lines.
 */
export interface AppendFile {
  append(text: string): void;
  close(): void;
}

export interface FilesPlatform {
  /** Whether this build can read and write files (false in the browser build). */
  readonly HAS_FILE_SYSTEM: boolean;
  readText(path: string): string;
  writeText(path: string, text: string): void;
  /** Creates the directory and its parents. */
  makeDir(dir: string): void;
  pathExists(path: string): boolean;
  listDir(dir: string): string[];
  /** Removes a file; nothing happens when it does not exist. */
  removeFile(path: string): void;
  joinPath(...parts: string[]): string;
  openAppendFile(path: string): AppendFile;
  /** For fault-injection tests: pass every file `openAppendFile` opens from now on through `wrap` (null: stop). */
  wrapAppendFiles(wrap: ((path: string, file: AppendFile) => AppendFile) | null): void;
}

type Conforms<T extends U, U> = T;
export type _NodeChecked = Conforms<typeof import('./files.js'), FilesPlatform>;
export type _BrowserChecked = Conforms<typeof import('./files.browser.js'), FilesPlatform>;
