/**
 * The autodiff layer (`hbnn/autodiff`): tensors, the ops `T`, valueAndGrad / grad, gradcheck, and
 * the API for writing an op of your own (docs/ops.md): `record` an op's output with its backward,
 * which `accumulate`s or returns its inputs' gradients; the tape un-broadcasts them; with a plan
 * kernel (`planned`), a compiled model replays the op too.
 */
export { Tensor, tensor, zeros, asTensor, type TensorLike } from './tensor.js';
export * as T from './ops/index.js';
export type { MatmulOptions } from './ops/linalg.js';
export { valueAndGrad, grad, type DiffArg, type ValueAndGrad } from './grad.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult, type DifferentiableDensity } from './gradcheck.js';
export { Tape, withTape, currentTape, record, accumulate, tracks, type OpBackward, type TapeObserver } from './tape.js';
export { planned, type PlanKernel, type Planned, type KernelSource, type Bind } from './compile/kernel.js';
export { branchOn } from './compile/guard.js';
export type { CompileOption, CompileStatus, CompileMode } from './compile/compiled.js';
