/**
 * The batched matrix product (layout in matmul_spec.ts) as JavaScript text at fixed sizes, for a
 * compiled plan's generated function (autodiff/compile/codegen.ts): with the sizes known, the
 * loops over the small axes disappear. Each cell is summed as batchedMatmulJs sums it — from 0,
 * over p in order — so the generated product is bit-identical to the JS kernel.
 */
import type { BatchedMatmulSpec } from './matmul_spec.js';

/** Largest small-axis size unrolled in the text. */
export const UNROLL_LIMIT = 8;
/** Largest output block (n·m) kept in registers when the inner axis is long. */
export const REGISTER_CELLS = 32;

interface Strides { strideA: number; strideB: number; sAi: number; sAp: number; sBp: number; sBj: number }

function strides(spec: BatchedMatmulSpec): Strides {
  const { n, k, m } = spec;
  return {
    strideA: spec.batchA === false ? 0 : n * k,
    strideB: spec.batchB === false ? 0 : k * m,
    sAi: spec.transA ? 1 : k,
    sAp: spec.transA ? n : 1,
    sBp: spec.transB ? 1 : m,
    sBj: spec.transB ? k : 1,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const plus = (base: string, offset: number) => (offset === 0 ? base : `${base} + ${offset}`);

/**
 * Statements writing out = op(a)·op(b) (names of Float64Arrays), or null for sizes without a
 * text form: the inner size k and m at most UNROLL_LIMIT (a row's k values in locals, each cell
 * one unrolled sum), or n·m at most REGISTER_CELLS (every cell a local accumulator over p).
 */
export function batchedMatmulSource(spec: BatchedMatmulSpec, out: string, a: string, b: string): string | null {
  const { batch, n, k, m } = spec;
  if (batch * n * m === 0 || k === 0) return null;
  const s = strides(spec);
  if (k <= UNROLL_LIMIT && m <= UNROLL_LIMIT) return unrolledRows(spec, s, out, a, b);
  if (n * m <= REGISTER_CELLS) return registerBlock(spec, s, out, a, b);
  return null;
}

/** Per output row: op(A)'s row in locals a0…, then each of the m cells as one sum from 0. */
function unrolledRows({ batch, n, k, m }: BatchedMatmulSpec, s: Strides, out: string, a: string, b: string): string {
  const loads = range(k).map((p) => `a${p} = ${a}[${plus('ra', p * s.sAp)}]`).join(', ');
  const cells = range(m).map((j) => {
    const terms = range(k).map((p) => `a${p} * ${b}[${plus('ob', j * s.sBj + p * s.sBp)}]`).join(' + ');
    return `${out}[${plus('c', j)}] = 0 + ${terms};`;
  });
  return [
    `for (let bi = 0, c = 0; bi < ${batch}; bi++) {`,
    `  const oa = bi * ${s.strideA}, ob = bi * ${s.strideB};`,
    `  for (let i = 0; i < ${n}; i++, c += ${m}) {`,
    `    const ra = oa + i * ${s.sAi};`,
    `    const ${loads};`,
    ...cells.map((line) => `    ${line}`),
    '  }',
    '}',
  ].join('\n');
}

/** Every cell of a batch entry's n×m output in a local accumulator, over the long inner axis p. */
function registerBlock({ batch, n, k, m }: BatchedMatmulSpec, s: Strides, out: string, a: string, b: string): string {
  const cells = range(n).flatMap((i) => range(m).map((j) => ({ i, j, name: `s${i}_${j}` })));
  return [
    `for (let bi = 0; bi < ${batch}; bi++) {`,
    `  const oa = bi * ${s.strideA}, ob = bi * ${s.strideB}, oc = bi * ${n * m};`,
    `  let ${cells.map((c) => `${c.name} = 0`).join(', ')};`,
    `  for (let p = 0; p < ${k}; p++) {`,
    `    const ra = oa + p * ${s.sAp}, rb = ob + p * ${s.sBp};`,
    `    const ${range(n).map((i) => `a${i} = ${a}[${plus('ra', i * s.sAi)}]`).join(', ')};`,
    `    const ${range(m).map((j) => `b${j} = ${b}[${plus('rb', j * s.sBj)}]`).join(', ')};`,
    ...cells.map((c) => `    ${c.name} += a${c.i} * b${c.j};`),
    '  }',
    ...cells.map((c) => `  ${out}[${plus('oc', c.i * m + c.j)}] = ${c.name};`),
    '}',
  ].join('\n');
}
