/**
 * `branchOn`: the one sanctioned way for a log density to branch on a tracked tensor's values.
 * Eagerly it is just `test(values)`; a compiled model records the test with its outcome and
 * re-runs it on every replay, falling back to the eager tape for a call where the outcome
 * differs, so a plan recorded down one branch is never replayed down the other.
 */
import { currentTape } from '../tape.js';
import type { Tensor } from '../tensor.js';

/**
 * `test(t's values)`. `test` must be a pure function of the values (a module-level function, so
 * that a replay allocates nothing). Reading `t.data` instead would make the model not compilable.
 */
export function branchOn(t: Tensor, test: (values: Float64Array) => boolean): boolean {
  const result = test(t.buffer);
  const tape = currentTape();
  if (tape !== null && tape.observer !== null && t.requiresGrad && t.tapeId === tape.id) tape.observer.onGuard(t, test, result);
  return result;
}
