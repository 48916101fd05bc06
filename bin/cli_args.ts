/**
 * Strict parsers for the `hbnn` command's option values. `Number('0x10')` is 16 and
 * `Number(' 5 ')` is 5, so numbers are matched as plain decimal digits; and a value that looks
 * like an option (`--out --quick`) is a forgotten value, not a folder named `--quick`.
 */
import { InvalidArgumentError } from 'commander';

function decimalInt(name: string, value: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InvalidArgumentError(`${name} must be a${min > 0 ? ' positive' : ' non-negative'} integer in decimal digits, got '${value}'`);
  }
  return n;
}

/** A positive integer written in decimal digits (no sign, exponent, hex or spaces). */
export function positiveInt(name: string): (value: string) => number {
  return (value) => decimalInt(name, value, 1);
}

/** A non-negative integer written in decimal digits. */
export function nonNegativeInt(name: string): (value: string) => number {
  return (value) => decimalInt(name, value, 0);
}

/** A path; refuses an empty value and one starting with '-', which is another option's name. */
export function pathArg(name: string): (value: string) => string {
  return (value) => {
    if (value === '' || value.startsWith('-')) {
      throw new InvalidArgumentError(`${name} needs a path, got '${value}' (a value starting with '-' is taken for an option; write ./${value} for such a path)`);
    }
    return value;
  };
}

/** One of `choices` (e.g. --method nuts|advi|fullrank|pathfinder), or an error listing them. */
export function oneOf<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got '${value}'`);
    return value as T;
  };
}
