/**
 * Stan's names for parameter columns: `w.1.2` (1-based indices joined by dots), arrays and
 * matrices in column-major order (first index fastest), while a Trace stores them row-major.
 */
import { shapeSize } from '../../core/shape.js';
import type { ParamInfo } from '../types.js';

/**
 * Stan's columns for the trace's scalars: names (`w[0,1]` -> `w.1.2`) and, for each CSV column,
 * the trace column it holds (the permutation from row-major storage to column-major order).
 */
export function stanColumns(params: readonly ParamInfo[]): { names: string[]; source: number[] } {
  const names: string[] = [];
  const source: number[] = [];
  let offset = 0;
  for (const p of params) {
    if (/[.,[\]\s]/.test(p.name) || p.name.endsWith('__')) {
      throw new Error(`writeCmdStanCsv: parameter name '${p.name}' cannot be written to CmdStan CSV (no dots, commas, brackets, spaces or trailing '__')`);
    }
    const size = shapeSize(p.shape);
    if (p.shape.length === 0) {
      names.push(p.name);
      source.push(offset++);
      continue;
    }
    for (let k = 0; k < size; k++) {
      // k counts in column-major order: peel indices off from the first axis.
      const idx: number[] = [];
      let r = k;
      for (const extent of p.shape) {
        idx.push(r % extent);
        r = Math.floor(r / extent);
      }
      let flat = 0;
      idx.forEach((v, a) => (flat = flat * p.shape[a] + v));
      names.push([p.name, ...idx.map((v) => v + 1)].join('.'));
      source.push(offset + flat);
    }
    offset += size;
  }
  return { names, source };
}

/**
 * Parameters from Stan column names (`w.1.2`), in order of first appearance, with their shapes,
 * and for each scalar in row-major trace order the CSV column that holds it. Columns ending in
 * `__` are sampler statistics and skipped. Columns `log_lik.*` get kind 'logLik'; every other
 * quantity reads back as a parameter (a CSV does not tell generated quantities apart).
 */
export function paramsFromColumns(columns: readonly string[], path: string): { params: ParamInfo[]; placement: number[] } {
  const bases: { name: string; indices: number[][]; columns: number[] }[] = [];
  columns.forEach((col, j) => {
    if (col.endsWith('__')) return;
    const [name, ...rest] = col.split('.');
    const idx = rest.map((s) => Number(s));
    if (idx.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`readCmdStanCsv: column '${col}' in ${path} is not name.i.j with 1-based indices`);
    let b = bases.find((x) => x.name === name);
    if (!b) bases.push((b = { name, indices: [], columns: [] }));
    if (b.indices.length > 0 && b.indices[0].length !== idx.length) {
      throw new Error(`readCmdStanCsv: column '${col}' in ${path} has ${idx.length} indices, earlier columns of '${name}' have ${b.indices[0].length}`);
    }
    b.indices.push(idx);
    b.columns.push(j);
  });
  const params: ParamInfo[] = [];
  const placement: number[] = [];
  for (const b of bases) {
    const shape = b.indices[0].map((_, a) => Math.max(...b.indices.map((ix) => ix[a])));
    const size = shapeSize(shape);
    if (size !== b.indices.length) {
      throw new Error(`readCmdStanCsv: parameter '${b.name}' in ${path} has ${b.indices.length} columns but its indices span shape [${shape}] (${size} elements)`);
    }
    const offset = placement.length;
    for (let k = 0; k < size; k++) placement.push(-1);
    b.indices.forEach((ix, k) => {
      let flat = 0;
      ix.forEach((v, a) => (flat = flat * shape[a] + (v - 1)));
      if (placement[offset + flat] !== -1) throw new Error(`readCmdStanCsv: duplicate column for '${b.name}' index ${ix.join('.')} in ${path}`);
      placement[offset + flat] = b.columns[k];
    });
    // Stan users' name for the pointwise log-likelihood (what loo reads); CSV tells no other kind apart.
    params.push(b.name === 'log_lik' ? { name: b.name, shape, kind: 'logLik' } : { name: b.name, shape });
  }
  return { params, placement };
}
