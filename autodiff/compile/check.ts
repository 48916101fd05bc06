/**
 * The checking mode's comparison: a replayed plan against an eager run of the same call,
 * recorded alongside. Every op must match in name and output shape, every output value and
 * every gradient exactly (NaN matches NaN); the first difference throws, naming the op.
 */
import { shapeToString, shapesEqual } from '../../core/shape.js';
import type { Plan } from './plan.js';
import type { Recorder } from './recorder.js';

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

/** Index of the first element where `a` and `b` differ, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return i;
  return -1;
}

function fail(what: string): never {
  throw new Error(`compiled log density differs from the eager tape: ${what} (compile: false runs the eager tape only)`);
}

/** Throw unless the plan's last replay matches the eager run in `eager`, whose gradient is `eagerGrad`; `gradOut` holds the plan's. */
export function checkAgainstEager(plan: Plan, eager: Recorder, eagerGrad: Float64Array, gradOut: Float64Array | null): void {
  if (eager.problems.length > 0) fail(`this call, unlike the recorded one, ${eager.problems[0]}`);
  const ops = eager.ops;
  if (ops.length !== plan.steps.length) {
    const at = plan.steps.findIndex((s, i) => ops[i] === undefined || ops[i].op !== s.op);
    const where = at < 0 ? plan.steps.length : at;
    fail(`the op graph changed between calls: ${ops.length} ops now, ${plan.steps.length} when recorded (first change at op #${where} '${ops[where]?.op ?? plan.steps[where]?.op}')`);
  }
  plan.steps.forEach((step, s) => {
    const r = ops[s];
    if (r.op !== step.op || !shapesEqual(r.out.shape, step.shape)) {
      fail(`op #${s} is '${r.op}' with output shape ${shapeToString(r.out.shape)} now, '${step.op}' with ${shapeToString(step.shape)} when recorded; the log density's shapes changed between calls`);
    }
    const i = firstDifference(step.out, r.out.buffer);
    if (i >= 0) fail(`forward of op #${s} '${step.op}' ${shapeToString(step.shape)}, element ${i}: ${step.out[i]} compiled, ${r.out.buffer[i]} eager`);
  });
  if (gradOut === null) return;
  for (let s = plan.steps.length - 1; s >= 0; s--) {
    const step = plan.steps[s];
    const eagerStepGrad = ops[s].out.grad;
    if ((step.grad === null) !== (eagerStepGrad === null)) fail(`gradient of op #${s} '${step.op}' reaches it in only one of the two`);
    const i = step.grad === null ? -1 : firstDifference(step.grad, eagerStepGrad!);
    if (i >= 0) fail(`gradient of op #${s} '${step.op}' ${shapeToString(step.shape)}, element ${i}: ${step.grad![i]} compiled, ${eagerStepGrad![i]} eager`);
  }
  const i = firstDifference(gradOut, eagerGrad);
  if (i >= 0) fail(`gradient of parameter element ${i}: ${gradOut[i]} compiled, ${eagerGrad[i]} eager`);
}
