export { Tensor, tensor, zeros, asTensor, type TensorLike } from './tensor.js';
export * as T from './ops/index.js';
export { valueAndGrad, grad, type DiffArg, type ValueAndGrad } from './grad.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export { Tape, withTape, runBackward, currentTape, record, accumulate, tracks } from './tape.js';
