/**
 * File access, the browser's twin of the adapter in files.contract.ts: a page has no file system,
 * so each function throws an error that names the path and says what to use instead. Paths are
 * still joined, so code that only builds names keeps working.
 */
import type { AppendFile } from './files.contract.js';

export type { AppendFile } from './files.contract.js';

/** Whether this build can read and write files (false in the browser build). */
export const HAS_FILE_SYSTEM = false;

function noFiles(action: string, path: string): never {
  throw new Error(
    `cannot ${action} '${path}': this is hbnn's browser build, which has no file system. ` +
      'Keep draws from sample()\'s onProgress callback or the returned Trace, and turn them into text with cmdStanCsvTexts() or traceToJson().',
  );
}

export function readText(path: string): string {
  return noFiles('read', path);
}

export function writeText(path: string, _text: string): void {
  noFiles('write', path);
}

export function makeDir(dir: string): void {
  noFiles('create the directory', dir);
}

export function pathExists(_path: string): boolean {
  return false;
}

export function listDir(dir: string): string[] {
  return noFiles('list the directory', dir);
}

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/');
}

export function removeFile(path: string): void {
  noFiles('remove', path);
}

/** The tests' fault-injection hook (files.ts); a page opens no files, so there is nothing to wrap. */
export function wrapAppendFiles(_wrap: ((path: string, file: AppendFile) => AppendFile) | null): void {}

export function openAppendFile(path: string): AppendFile {
  return noFiles('open for writing', path);
}
