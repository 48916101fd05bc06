/**
 * A Trace as plain JSON that round-trips exactly: parameter names and shapes, per chain the draws
 * as rows (draws × scalars, in `columns` order), the per-draw statistics (a sampler's extra ones
 * too), warmup, adaptation and elapsed times when present, and `meta` (a TraceMeta). Numbers are written in shortest round-trip form; NaN and ±Infinity,
 * which JSON lacks, as the strings "NaN", "Infinity", "-Infinity".
 */
import { shapeSize } from '../../core/shape.js';
import { readText, writeText } from '../../core/platform/files.js';
import { Trace, type ChainDraws, type DrawStats, type TraceMeta } from '../trace/trace.js';
import { orderStats } from '../trace/draw_stats.js';
import type { ParamKind } from '../types.js';

const PARAM_KINDS: readonly ParamKind[] = ['parameter', 'derived', 'logLik', 'predictive'];

/** Identifies the file format; bump `TRACE_JSON_VERSION` when the layout changes. */
export const TRACE_JSON_FORMAT = 'hbnn-trace';
export const TRACE_JSON_VERSION = 1;

type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

const encode = (v: number): JsonNumber => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

function decode(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`readTraceJson: expected a number at ${where}, got ${JSON.stringify(v)}`);
}

function encodeDraws(values: Float64Array, stats: DrawStats, width: number) {
  const n = stats.lp.length;
  const rows: JsonNumber[][] = [];
  for (let d = 0; d < n; d++) rows.push(Array.from(values.subarray(d * width, (d + 1) * width), encode));
  const s: Record<string, JsonNumber[]> = {};
  for (const key of orderStats(Object.keys(stats))) if (stats[key]) s[key] = Array.from(stats[key]!, encode);
  return { values: rows, stats: s };
}

function decodeDraws(raw: { values?: unknown; stats?: unknown }, width: number, where: string): { values: Float64Array; stats: DrawStats } {
  if (!Array.isArray(raw.values)) throw new Error(`readTraceJson: ${where}.values must be an array of draws`);
  const rows = raw.values as unknown[];
  const values = new Float64Array(rows.length * width);
  rows.forEach((row, d) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw new Error(`readTraceJson: ${where}.values[${d}] must be an array of ${width} numbers, got ${Array.isArray(row) ? row.length : typeof row}`);
    }
    row.forEach((v, j) => (values[d * width + j] = decode(v, `${where}.values[${d}][${j}]`)));
  });
  const rawStats = (raw.stats ?? {}) as Record<string, unknown>;
  if (!Array.isArray(rawStats.lp)) throw new Error(`readTraceJson: ${where}.stats.lp must be an array`);
  const stats: DrawStats = { lp: new Float64Array(0) };
  for (const key of Object.keys(rawStats)) {
    const a = rawStats[key];
    if (a === undefined) continue;
    if (!Array.isArray(a) || a.length !== rows.length) {
      throw new Error(`readTraceJson: ${where}.stats.${key} must be an array of ${rows.length} numbers`);
    }
    stats[key] = Float64Array.from(a, (v, i) => decode(v, `${where}.stats.${key}[${i}]`));
  }
  return { values, stats };
}

/** The JSON-ready object for a trace (what `writeTraceJson` writes). */
export function traceToJson(trace: Trace): Record<string, unknown> {
  return {
    format: TRACE_JSON_FORMAT,
    version: TRACE_JSON_VERSION,
    params: trace.params.map((p) => ({ name: p.name, shape: [...p.shape], ...(p.kind ? { kind: p.kind } : {}) })),
    columns: trace.columnNames(),
    chains: trace.chainDraws.map((c) => ({
      ...encodeDraws(c.values, c.stats, trace.width),
      ...(c.warmup ? { warmup: encodeDraws(c.warmup.values, c.warmup.stats, trace.width) } : {}),
      ...(c.adaptation
        ? {
            adaptation: {
              ...(c.adaptation.stepSize !== undefined ? { stepSize: encode(c.adaptation.stepSize) } : {}),
              ...(c.adaptation.inverseMassMatrix ? { inverseMassMatrix: Array.from(c.adaptation.inverseMassMatrix, encode) } : {}),
            },
          }
        : {}),
      ...(c.elapsed ? { elapsed: { ...c.elapsed } } : {}),
    })),
    meta: trace.meta,
  };
}

/** Rebuilds a Trace from `traceToJson`'s object, checking its layout. */
export function traceFromJson(data: unknown): Trace {
  const d = data as Record<string, unknown>;
  if (!d || d.format !== TRACE_JSON_FORMAT) throw new Error(`readTraceJson: not an ${TRACE_JSON_FORMAT} file (format = ${JSON.stringify(d?.format)})`);
  if (d.version !== TRACE_JSON_VERSION) throw new Error(`readTraceJson: unsupported version ${JSON.stringify(d.version)}; this library reads version ${TRACE_JSON_VERSION}`);
  if (!Array.isArray(d.params) || !Array.isArray(d.chains)) throw new Error('readTraceJson: params and chains must be arrays');
  const params = (d.params as { name: string; shape: number[]; kind?: ParamKind }[]).map((p, i) => {
    if (typeof p?.name !== 'string' || !Array.isArray(p.shape) || !p.shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new Error(`readTraceJson: params[${i}] must be { name: string, shape: non-negative integers }, got ${JSON.stringify(p)}`);
    }
    if (p.kind !== undefined && !PARAM_KINDS.includes(p.kind)) throw new Error(`readTraceJson: params[${i}].kind must be one of ${PARAM_KINDS.join(', ')}, got ${JSON.stringify(p.kind)}`);
    return { name: p.name, shape: p.shape, ...(p.kind ? { kind: p.kind } : {}) };
  });
  const width = params.reduce((w, p) => w + shapeSize(p.shape), 0);
  const chains: ChainDraws[] = (d.chains as Record<string, unknown>[]).map((c, i) => {
    const chain: ChainDraws = decodeDraws(c, width, `chains[${i}]`);
    if (c.warmup) chain.warmup = decodeDraws(c.warmup as Record<string, unknown>, width, `chains[${i}].warmup`);
    const a = c.adaptation as { stepSize?: unknown; inverseMassMatrix?: unknown[] } | undefined;
    if (a) {
      chain.adaptation = {};
      if (a.stepSize !== undefined) chain.adaptation.stepSize = decode(a.stepSize, `chains[${i}].adaptation.stepSize`);
      if (a.inverseMassMatrix) {
        chain.adaptation.inverseMassMatrix = Float64Array.from(a.inverseMassMatrix, (v, k) => decode(v, `chains[${i}].adaptation.inverseMassMatrix[${k}]`));
      }
    }
    const e = c.elapsed as { warmupSeconds?: unknown; samplingSeconds?: unknown } | undefined;
    if (e) {
      if (typeof e.warmupSeconds !== 'number' || typeof e.samplingSeconds !== 'number') throw new Error(`readTraceJson: chains[${i}].elapsed must be { warmupSeconds: number, samplingSeconds: number }`);
      chain.elapsed = { warmupSeconds: e.warmupSeconds, samplingSeconds: e.samplingSeconds };
    }
    return chain;
  });
  return new Trace({ params, chains, meta: decodeMeta(d.meta) });
}

/** The fields of TraceMeta that are plain strings or numbers, checked so that a hand-edited file fails here rather than in a writer. */
const META_TYPES: Partial<Record<keyof TraceMeta, 'string' | 'number' | 'boolean'>> = {
  sampler: 'string', model: 'string', method: 'string', metric: 'string',
  seed: 'number', chains: 'number', draws: 'number', tune: 'number', numWarmup: 'number', targetAccept: 'number', dim: 'number',
  warmupSeconds: 'number', samplingSeconds: 'number', secondsTotal: 'number', interrupted: 'boolean', parallel: 'boolean',
};

function decodeMeta(raw: unknown): TraceMeta {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`readTraceJson: meta must be an object, got ${JSON.stringify(raw)}`);
  const meta = raw as Record<string, unknown>;
  for (const [key, type] of Object.entries(META_TYPES)) {
    const v = meta[key];
    if (v !== undefined && v !== null && typeof v !== type) throw new Error(`readTraceJson: meta.${key} must be a ${type}, got ${JSON.stringify(v)}`);
  }
  if (meta.metric !== undefined && meta.metric !== 'diag' && meta.metric !== 'dense' && meta.metric !== 'lowrank') throw new Error(`readTraceJson: meta.metric must be 'diag', 'dense' or 'lowrank', got ${JSON.stringify(meta.metric)}`);
  return meta as TraceMeta;
}

/** Typed arrays in `meta` become plain arrays; non-finite numbers there become null, as JSON.stringify does. */
function metaReplacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

/** Writes the trace to `path` as JSON. */
export function writeTraceJson(trace: Trace, path: string): void {
  writeText(path, JSON.stringify(traceToJson(trace), metaReplacer));
}

/** Reads a trace written by `writeTraceJson`. */
export function readTraceJson(path: string): Trace {
  let data: unknown;
  try {
    data = JSON.parse(readText(path));
  } catch (e) {
    throw new Error(`readTraceJson: ${path} is not valid JSON (${(e as Error).message})`);
  }
  return traceFromJson(data);
}
