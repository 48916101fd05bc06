/**
 * The files `hbnn summary` and `hbnn plot` read: CmdStan CSV, one chain each, written by hbnn or
 * by Stan (CmdStan, rstan's sample_file). A folder stands for the .csv files in it. Every
 * failure names the path: missing, not a file, not CSV, or not CmdStan's format.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCmdStanCsv } from '../samplers/io/cmdstan_csv.js';
import type { Trace } from '../samplers/trace/trace.js';

/** The CSV files that `args` name, folders expanded to their .csv files (sorted). */
export function csvFiles(args: readonly string[], command: string): string[] {
  if (args.length === 0) throw new Error(`${command}: no files given (CmdStan CSV files, one per chain, or a folder of them)`);
  return args.flatMap((arg) => {
    if (!existsSync(arg)) throw new Error(`${command}: no such file or folder '${arg}'`);
    if (statSync(arg).isDirectory()) {
      const found = readdirSync(arg).filter((f) => f.toLowerCase().endsWith('.csv')).sort().map((f) => join(arg, f));
      if (found.length === 0) throw new Error(`${command}: the folder '${arg}' holds no .csv files`);
      return found;
    }
    if (!arg.toLowerCase().endsWith('.csv')) throw new Error(`${command}: '${arg}' is not a .csv file (CmdStan CSV, one file per chain)`);
    return [arg];
  });
}

/** The files as one Trace; a file the reader refuses is named with the reader's reason. */
export function readCsvTrace(args: readonly string[], command: string): Trace {
  const files = csvFiles(args, command);
  try {
    return readCmdStanCsv(files);
  } catch (e) {
    throw new Error(`${command}: cannot read ${files.length === 1 ? `'${files[0]}'` : `${files.length} files`} as CmdStan CSV: ${(e as Error).message}`);
  }
}

/** A comma-separated --vars list: names and elements as `theta[1]` (Stan's 1-based) or `theta.1`. */
export function parseVars(value: string): string[] {
  // Split on commas outside brackets: `w[1,2],mu` is two names.
  const names = value.match(/[^,[]+(\[[^\]]*\])?/g)?.map((s) => s.trim()).filter((s) => s !== '') ?? [];
  if (names.length === 0) throw new Error(`--vars needs names, got '${value}'`);
  return names;
}
