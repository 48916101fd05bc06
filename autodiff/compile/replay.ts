/**
 * Replaying a plan: a tight loop over its steps and contributions, on its own buffers. Nothing
 * here allocates: no tensor, no closure, no array.
 */
import type { Plan } from './plan.js';

/**
 * The forward pass at the flat parameter vector `x` (the leaves side by side). Returns false,
 * having stopped, when a `branchOn` guard comes out other than when recorded: the caller must
 * evaluate this call eagerly.
 */
export function replayForward(plan: Plan, x: Float64Array): boolean {
  let offset = 0;
  for (const leaf of plan.leaves) {
    for (let i = 0; i < leaf.length; i++) leaf[i] = x[offset + i];
    offset += leaf.length;
  }
  const { steps, guardsAfter } = plan;
  for (let s = 0; s <= steps.length; s++) {
    const guards = guardsAfter[s];
    for (let g = 0; g < guards.length; g++) if (guards[g].test(guards[g].values) !== guards[g].result) return false;
    if (s === steps.length) break;
    const step = steps[s];
    if (!step.kernel.view) step.kernel.forward(step.attrs, step.ins, step.out);
  }
  return true;
}

/** The backward pass after `replayForward`; the gradient is written into `gradOut` (the leaves side by side). */
export function replayBackward(plan: Plan, gradOut: Float64Array): void {
  const { contributions } = plan;
  for (let c = 0; c < contributions.length; c++) {
    const { step, input, gradIn, addInto } = contributions[c];
    step.kernel.backward(step.attrs, input, step.ins, step.out, step.grad!, gradIn);
    if (addInto !== null) for (let i = 0; i < addInto.length; i++) addInto[i] += gradIn[i];
  }
  let offset = 0;
  for (let l = 0; l < plan.leaves.length; l++) {
    const g = plan.leafGrads[l];
    const n = plan.leaves[l].length;
    if (g === null) gradOut.fill(0, offset, offset + n);
    else for (let i = 0; i < n; i++) gradOut[offset + i] = g[i];
    offset += n;
  }
}
