/**
 * File access, Node's side of a two-file adapter. Everything in the library that touches files
 * (checkpoints, CmdStan CSV and JSON export, study data files) goes through these few functions,
 * so that a browser bundle can swap in `files.browser.ts` (package.json's "browser" field) and the
 * rest of the code imports nothing Node-only.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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

/** A file opened for writing from the start; each `append` reaches the OS before it returns. */
export interface AppendFile {
  append(text: string): void;
  close(): void;
}

export function openAppendFile(path: string): AppendFile {
  let fd: number | null = openSync(path, 'w');
  return {
    append(text) {
      if (fd === null) throw new Error(`${path}: already closed`);
      writeSync(fd, text);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
