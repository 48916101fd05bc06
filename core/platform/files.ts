/**
 * File access, Node's twin of the adapter in files.contract.ts. Everything in the library that
 * touches files goes through these few functions, so that a browser bundle can swap in
 * `files.browser.ts` (package.json's "browser" field) and the rest of the code imports nothing
 * Node-only.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AppendFile } from './files.contract.js';

export type { AppendFile } from './files.contract.js';

/** Whether this build can read and write files (false in the browser build). */
export const HAS_FILE_SYSTEM = true;

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}

export function makeDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

export function pathExists(path: string): boolean {
  return existsSync(path);
}

export function listDir(dir: string): string[] {
  return readdirSync(dir);
}

export function joinPath(...parts: string[]): string {
  return join(...parts);
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** A test's stand-in for the files `openAppendFile` opens (fault injection: a full disk, a failing close). */
let appendFileWrapper: ((path: string, file: AppendFile) => AppendFile) | null = null;

/**
 * For fault-injection tests only: every file `openAppendFile` opens in this thread from now on is
 * passed through `wrap` (null: no more wrapping). Workers are other threads and are not affected.
 */
export function wrapAppendFiles(wrap: ((path: string, file: AppendFile) => AppendFile) | null): void {
  appendFileWrapper = wrap;
}

export function openAppendFile(path: string): AppendFile {
  const file = openNodeAppendFile(path);
  return appendFileWrapper ? appendFileWrapper(path, file) : file;
}

function openNodeAppendFile(path: string): AppendFile {
  let fd: number | null = openSync(path, 'w');
  return {
    append(text) {
      if (fd === null) throw new Error(`${path}: already closed`);
      // One write for the whole text; a short write (rare, e.g. on a nearly full disk) is continued.
      const bytes = Buffer.from(text, 'utf8');
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
