/**
 * Which scalars a plot shows: `vars` names parameters (every element of `w`) or single elements
 * (`w[0,1]`, or `w.1.2` as Stan writes it); the labels number elements from 0 (the library's
 * arrays, as `trace.columnNames()`) or from 1 (Stan's, for people reading CmdStan files).
 */
import { shapeSize } from '../../core/shape.js';
import { unravelIndex, type Trace } from '../trace/trace.js';

/** One scalar of a trace: its parameter, flat (row-major) index and the label a plot shows. */
export interface ScalarRef {
  param: string;
  index: number;
  label: string;
}

export interface SelectOptions {
  /** Parameters or elements to show; every scalar (up to `limit`) by default. */
  vars?: readonly string[];
  /** 0: labels `w[0,1]` as the library's arrays (default); 1: `w[1,2]` as Stan's. */
  indexBase?: 0 | 1;
  /** With no `vars`, show at most this many scalars (the first ones). */
  limit?: number;
}

function label(name: string, idx: readonly number[], base: number): string {
  return idx.length === 0 ? name : `${name}[${idx.map((i) => i + base).join(',')}]`;
}

/** Every scalar of the trace in storage order. */
function allScalars(trace: Trace, base: number): ScalarRef[] {
  return trace.params.flatMap((p) => {
    if (p.shape.length === 0) return [{ param: p.name, index: 0, label: p.name }];
    return Array.from({ length: shapeSize(p.shape) }, (_, i) => ({ param: p.name, index: i, label: label(p.name, unravelIndex(i, p.shape), base) }));
  });
}

/** `w[1,2]` or `w.1.2` → name and indices (as written); undefined for a plain name. */
function parseElement(v: string): { name: string; idx: number[] } | undefined {
  const m = /^([^[.]+)(?:\[([\d,\s]+)\]|((?:\.\d+)+))$/.exec(v.trim());
  if (!m) return undefined;
  const idx = m[2] !== undefined ? m[2].split(',').map(Number) : m[3].slice(1).split('.').map(Number);
  return { name: m[1], idx };
}

/**
 * The scalars `vars` names, in the order given (a parameter expands to its elements). An unknown
 * name or an index out of range is an error that names it and lists what there is.
 */
export function selectScalars(trace: Trace, where: string, options: SelectOptions = {}): ScalarRef[] {
  const base = options.indexBase ?? 0;
  const all = allScalars(trace, base);
  if (options.vars === undefined || options.vars.length === 0) return all.slice(0, options.limit ?? all.length);
  const out: ScalarRef[] = [];
  for (const v of options.vars) {
    const plain = all.filter((s) => s.param === v);
    if (plain.length > 0) {
      out.push(...plain);
      continue;
    }
    const el = parseElement(v);
    // Brackets count from `base`; Stan's dotted names always from 1.
    const zeroBased = el?.idx.map((i) => i - (v.includes('[') ? base : 1));
    const found = el && all.find((s) => s.param === el.name && s.label === label(el.name, zeroBased!, base));
    if (!found) throw new Error(`${where}: no variable '${v}'; variables are ${trace.paramNames.join(', ')}${base === 1 ? ' (elements numbered from 1, e.g. theta[1])' : ' (elements numbered from 0, e.g. theta[0])'}`);
    out.push(found);
  }
  return out;
}
