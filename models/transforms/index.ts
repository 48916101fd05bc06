/**
 * Transforms from the real line onto a parameter's support, as Stan's constrained parameter
 * types: the elementwise bounds (bounds.ts), 'ordered' / 'positiveOrdered' (ordered.ts),
 * 'simplex' (simplex.ts), 'choleskyCorr' (cholesky_corr.ts) and 'covMatrix' (cov_matrix.ts).
 * docs/models.md has the table: free dimension, Jacobian, Stan equivalent.
 */
import { boundsTransform, type Bound, type BoundsSpec } from './bounds.js';
import { choleskyCorrTransform } from './cholesky_corr.js';
import { covMatrixTransform } from './cov_matrix.js';
import { orderedTransform } from './ordered.js';
import { simplexTransform } from './simplex.js';
import type { Transform } from './transform.js';

export type { Transform, TransformKind } from './transform.js';
export type { Bound, BoundsSpec } from './bounds.js';

/** The named constraints, by the string a ParamSpec gives. */
export type NamedTransform = 'log' | 'unitInterval' | 'ordered' | 'positiveOrdered' | 'simplex' | 'choleskyCorr' | 'covMatrix';
export type TransformSpec = NamedTransform | BoundsSpec;

const NAMED: Record<NamedTransform, (what: string) => Transform> = {
  log: (what) => boundsTransform({ lower: 0 }, what, 'log'),
  unitInterval: (what) => boundsTransform({ lower: 0, upper: 1 }, what),
  ordered: () => orderedTransform(false),
  positiveOrdered: () => orderedTransform(true),
  simplex: () => simplexTransform(),
  choleskyCorr: () => choleskyCorrTransform(),
  covMatrix: () => covMatrixTransform(),
};

/**
 * Validate a transform spec (`what` names the parameter) and build its Transform; with `shape`
 * (the constrained shape), also check that the transform takes that shape.
 */
export function makeTransform(spec: TransformSpec | undefined, what = 'transform', shape?: readonly number[]): Transform {
  let tr: Transform;
  if (spec === undefined) tr = boundsTransform({}, what);
  else if (typeof spec === 'string' && Object.hasOwn(NAMED, spec)) tr = NAMED[spec as NamedTransform](what);
  else if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) tr = boundsTransform(spec as { lower?: Bound; upper?: Bound }, what);
  else throw new Error(`${what}: transform must be one of ${Object.keys(NAMED).map((k) => `'${k}'`).join(', ')} or { lower?, upper? }, got ${JSON.stringify(spec)}`);
  if (shape) tr.freeShape(shape, what);
  return tr;
}
