/**
 * Unary elementwise ops. Each op is its forward loop plus the derivative it pushes back;
 * softplus and logSigmoid are fused for numerical stability (finite at ±1000).
 */
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';
import { sigmoidScalar, softplusScalar } from '../../core/logistic.js';

/**
 * Shared wrapper: `forward` fills `out` from `x`; `derivative` fills `dx` with ∂out/∂x given x and
 * out (multiplied by the incoming gradient here, once, for every op).
 */
function unary(
  op: string,
  input: TensorLike,
  forward: (x: Float64Array, out: Float64Array) => void,
  derivative: (x: Float64Array, out: Float64Array, dx: Float64Array) => void,
): Tensor {
  const t = asTensor(input, op);
  const out = new Float64Array(t.size);
  forward(t.data, out);
  return record(new Tensor(out, t.shape), [t], (g) => {
    if (!tracks(t)) return;
    const dx = new Float64Array(t.size);
    derivative(t.data, out, dx);
    for (let i = 0; i < dx.length; i++) dx[i] *= g[i];
    accumulate(t, dx, t.shape, op, true);
  });
}

export function neg(x: TensorLike): Tensor {
  return unary('neg', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = -a[i]; }, (_a, _o, d) => d.fill(-1));
}

export function exp(x: TensorLike): Tensor {
  return unary('exp', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.exp(a[i]); }, (_a, o, d) => d.set(o));
}

export function log(x: TensorLike): Tensor {
  return unary('log', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.log(a[i]); },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = 1 / a[i]; });
}

export function log1p(x: TensorLike): Tensor {
  return unary('log1p', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.log1p(a[i]); },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = 1 / (1 + a[i]); });
}

export function expm1(x: TensorLike): Tensor {
  return unary('expm1', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.expm1(a[i]); },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = libm.exp(a[i]); });
}

export function tanh(x: TensorLike): Tensor {
  return unary('tanh', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = libm.tanh(a[i]); },
    (_a, o, d) => { for (let i = 0; i < o.length; i++) d[i] = 1 - o[i] * o[i]; });
}

export function sigmoid(x: TensorLike): Tensor {
  return unary('sigmoid', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = sigmoidScalar(a[i]); },
    (_a, o, d) => { for (let i = 0; i < o.length; i++) d[i] = o[i] * (1 - o[i]); });
}

export function softplus(x: TensorLike): Tensor {
  return unary('softplus', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = softplusScalar(a[i]); },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = sigmoidScalar(a[i]); });
}

/** log σ(x) = -softplus(-x): fused for stability. */
export function logSigmoid(x: TensorLike): Tensor {
  return unary('logSigmoid', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = -softplusScalar(-a[i]); },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = sigmoidScalar(-a[i]); });
}

export function square(x: TensorLike): Tensor {
  return unary('square', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = a[i] * a[i]; },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = 2 * a[i]; });
}

export function sqrt(x: TensorLike): Tensor {
  return unary('sqrt', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = Math.sqrt(a[i]); },
    (_a, o, d) => { for (let i = 0; i < o.length; i++) d[i] = 0.5 / o[i]; });
}

/** |x|, with derivative sign(x) (0 at 0, as NumPy and PyTorch). */
export function abs(x: TensorLike): Tensor {
  return unary('abs', x, (a, o) => { for (let i = 0; i < a.length; i++) o[i] = Math.abs(a[i]); },
    (a, _o, d) => { for (let i = 0; i < a.length; i++) d[i] = Math.sign(a[i]); });
}
