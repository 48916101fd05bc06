/**
 * Special-function ops: lgamma (log Γ, derivative digamma), digamma (derivative trigamma) and
 * lbeta (log B(a, b), broadcasting, derivatives ψ(a) − ψ(a + b) and ψ(b) − ψ(a + b)). They carry
 * the shape gradients of the Student-t, gamma, beta and Dirichlet densities.
 */
import { broadcastIndexMap, broadcastShapes, shapeSize, shapesEqual } from '../../core/shape.js';
import { digamma as digammaScalar, lbeta as lbetaScalar, lgamma as lgammaScalar, trigamma as trigammaScalar } from '../../core/special.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

/** A unary special function f with derivative df: one kernel serves the eager op and the plan. */
interface UnarySpecial {
  f: (x: number) => number;
  df: (x: number) => number;
}

const unarySpecialKernel: PlanKernel<UnarySpecial> = {
  forward(fn, ins, out) {
    const xd = ins[0];
    for (let i = 0; i < out.length; i++) out[i] = fn.f(xd[i]);
  },
  backward(fn, _i, ins, _out, g, gx) {
    const xd = ins[0];
    for (let i = 0; i < gx.length; i++) gx[i] = g[i] * fn.df(xd[i]);
  },
};

function unarySpecial(op: string, input: TensorLike, fn: UnarySpecial): Tensor {
  const x = asTensor(input, op);
  const out = new Float64Array(x.size);
  unarySpecialKernel.forward(fn, [x.buffer], out);
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = new Float64Array(x.size);
    unarySpecialKernel.backward(fn, 0, [x.buffer], out, g, gx);
    accumulate(x, gx, x.shape, op, true);
  }, op, planned(unarySpecialKernel, fn));
}

const LGAMMA: UnarySpecial = { f: lgammaScalar, df: digammaScalar };
const DIGAMMA: UnarySpecial = { f: digammaScalar, df: trigammaScalar };

/** log|Γ(x)| elementwise; ∂/∂x = ψ(x). */
export function lgamma(input: TensorLike): Tensor {
  return unarySpecial('lgamma', input, LGAMMA);
}

/** ψ(x) = d/dx log Γ(x) elementwise; ∂/∂x = ψ′(x) (trigamma). */
export function digamma(input: TensorLike): Tensor {
  return unarySpecial('digamma', input, DIGAMMA);
}

/** Plan attributes of lbeta: the output size and the inputs' broadcast index maps (null: same shape). */
interface LbetaAttrs {
  n: number;
  ia: Int32Array | null;
  ib: Int32Array | null;
}

const lbetaKernel: PlanKernel<LbetaAttrs> = {
  forward({ n, ia, ib }, ins, out) {
    const a = ins[0], b = ins[1];
    for (let j = 0; j < n; j++) out[j] = lbetaScalar(a[ia ? ia[j] : j], b[ib ? ib[j] : j]);
  },
  backward({ n, ia, ib }, i, ins, _out, g, gIn) {
    // ∂ log B / ∂a = ψ(a) − ψ(a + b), summed over broadcast axes in output order (as sumToShape).
    const a = ins[0], b = ins[1], map = i === 0 ? ia : ib;
    if (map !== null) gIn.fill(0);
    for (let j = 0; j < n; j++) {
      const av = a[ia ? ia[j] : j], bv = b[ib ? ib[j] : j];
      const v = g[j] * (digammaScalar(i === 0 ? av : bv) - digammaScalar(av + bv));
      if (map === null) gIn[j] = v;
      else gIn[map[j]] += v;
    }
  },
};

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), elementwise with broadcasting. */
export function lbeta(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x, 'lbeta');
  const b = asTensor(y, 'lbeta');
  const shape = shapesEqual(a.shape, b.shape) ? [...a.shape] : broadcastShapes(a.shape, b.shape, 'lbeta');
  const ia = shapesEqual(a.shape, shape) ? null : broadcastIndexMap(a.shape, shape);
  const ib = shapesEqual(b.shape, shape) ? null : broadcastIndexMap(b.shape, shape);
  const attrs: LbetaAttrs = { n: shapeSize(shape), ia, ib };
  const out = new Float64Array(attrs.n);
  lbetaKernel.forward(attrs, [a.buffer, b.buffer], out);
  return record(new Tensor(out, shape), [a, b], (g) => {
    [a, b].forEach((input, i) => {
      if (!tracks(input)) return;
      const gIn = new Float64Array(input.size);
      lbetaKernel.backward(attrs, i, [a.buffer, b.buffer], out, g, gIn);
      accumulate(input, gIn, input.shape, 'lbeta', true);
    });
  }, 'lbeta', planned(lbetaKernel, attrs));
}
