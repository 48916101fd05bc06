/**
 * The manifest of a checkpointed run, `<dir>/run.json`: which run wrote the chain files in the
 * folder (a run id, its chains, seed and settings). A run starts by removing what earlier runs
 * left there under its own naming (`chain-<c>.csv`, `run.json`; nothing else is touched), so a
 * folder holds one run, as reusing an output folder does in CmdStan; `readCheckpoint` then reads
 * only the files the manifest lists and refuses one whose preamble says another run wrote it.
 */
import { joinPath, listDir, makeDir, pathExists, readText, removeFile, writeText } from '../../core/platform/files.js';
import { randomSeed } from '../../core/runtime.js';

export const MANIFEST_FILE = 'run.json';

export interface CheckpointManifest {
  format: 'hbnn-checkpoint';
  version: 1;
  runId: string;
  /** ISO time the run started. */
  created: string;
  /** The chain ids of the run; chain c writes `chain-<c>.csv`. */
  chains: number[];
  seed: number;
  settings: { sampler: string; samplerOptions?: Record<string, unknown>; draws: number; tune: number; keepWarmup: boolean; targetAccept: number; dim: number; parallel: boolean };
}

/** The chain id of a checkpoint file's name, or undefined for any other file. */
export function chainOfFile(name: string): number | undefined {
  const m = /^chain-(\d+)\.csv$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A run id unlikely to repeat: the start time and 31 random bits, in base 36. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomSeed().toString(36)}`;
}

/** Makes `dir`, removes earlier runs' chain files and manifest, and writes this run's manifest. */
export function startCheckpointRun(dir: string, manifest: CheckpointManifest): void {
  if (pathExists(joinPath(dir, MANIFEST_FILE)) && !isManifest(dir)) {
    // A run.json that is not ours is someone else's file: keep it, and refuse the folder.
    throw new Error(`sample: cannot start checkpoints in '${dir}': its ${MANIFEST_FILE} is not an hbnn checkpoint manifest; use another folder`);
  }
  try {
    makeDir(dir);
    for (const name of listDir(dir)) if (name === MANIFEST_FILE || chainOfFile(name) !== undefined) removeFile(joinPath(dir, name));
    writeText(joinPath(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  } catch (e) {
    throw new Error(`sample: cannot start checkpoints in '${dir}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

function isManifest(dir: string): boolean {
  try {
    readManifest(dir);
    return true;
  } catch {
    return false;
  }
}

/** The folder's manifest, or undefined when it has none (files written by CheckpointWriter alone, or by older versions). */
export function readManifest(dir: string): CheckpointManifest | undefined {
  const path = joinPath(dir, MANIFEST_FILE);
  if (!pathExists(path)) return undefined;
  let m: CheckpointManifest;
  try {
    m = JSON.parse(readText(path)) as CheckpointManifest;
  } catch (e) {
    throw new Error(`readCheckpoint: ${path} is not valid JSON (${(e as Error).message})`);
  }
  const ok = m && m.format === 'hbnn-checkpoint' && typeof m.runId === 'string' && Array.isArray(m.chains) && m.chains.every(Number.isInteger) && Number.isInteger(m.seed) && typeof m.settings === 'object';
  if (!ok) throw new Error(`readCheckpoint: ${path} is not an hbnn checkpoint manifest`);
  return m;
}
