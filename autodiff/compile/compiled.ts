/**
 * A compiled log density: the first evaluation runs the eager tape with a recorder watching,
 * and, unless the recording says the function cannot be replayed, builds a plan that every
 * later evaluation replays without allocating. Otherwise (an op without a plan kernel, a read of
 * a tracked tensor's values) it stays on the eager tape, with a one-line notice. Modes:
 * 'on' (the default), 'off' (the eager tape only) and 'check' (every call runs both and throws
 * on any difference, naming the op; HBNN_COMPILE=check turns it on for every model). The plan
 * runs as generated code where `new Function` is allowed, else on the interpreter (codegen.ts).
 */
import { envVar } from '../../core/runtime.js';
import { Tape } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { checkAgainstEager } from './check.js';
import { buildPlan, type Plan } from './plan.js';
import { Recorder } from './recorder.js';
import { planRunner, type PlanRunner } from './codegen.js';

/** What a model asks for: true (compile), false (eager only) or 'check'. */
export type CompileOption = boolean | 'check';
export type CompileMode = 'on' | 'off' | 'check';

/**
 * The mode for a model's option: false is always 'off'; HBNN_COMPILE=check makes every other
 * model check; HBNN_COMPILE=off (or 0, false) turns compilation off where the model does not ask for it.
 */
export function compileMode(option: CompileOption | undefined, what: string): CompileMode {
  if (option !== undefined && option !== true && option !== false && option !== 'check') {
    throw new Error(`${what}: compile must be true, false or 'check', got ${JSON.stringify(option)}`);
  }
  if (option === false) return 'off';
  const env = envVar('HBNN_COMPILE');
  if (option === 'check' || env === 'check') return 'check';
  if (option === undefined && (env === 'off' || env === '0' || env === 'false')) return 'off';
  return 'on';
}

/** What the compiler needs of a model: its log density on a tape, and the scope (backend) it runs in. */
export interface TracedDensity {
  /** Evaluate at x on `tape`; the leaves are x's parts, side by side, in order. */
  evaluate(tape: Tape, x: Float64Array): { out: Tensor; leaves: Tensor[] };
  within<R>(fn: () => R): R;
  /** Names the model in notices. */
  readonly name: string;
}

export interface CompileStatus {
  mode: CompileMode;
  /** 'pending' until the first gradient, then 'compiled' or 'eager'. */
  state: 'pending' | 'compiled' | 'eager';
  /** Why the model runs eagerly, when it does. */
  reason?: string;
  /** Buffers the plan allocated once (value, gradient and scratch). */
  bufferCount?: number;
  /** Steps (ops) in the plan. */
  steps?: number;
  /** Whether the plan runs as generated code (false: on the interpreter, see `interpreterReason`). */
  generated?: boolean;
  /** Why the plan runs on the interpreter, when it does (code generation refused, or the plan too large). */
  interpreterReason?: string;
}

interface EagerRun {
  value: number;
  recorder: Recorder | null;
}

export class CompiledDensity {
  private plan: Plan | null = null;
  private runner: PlanRunner | null = null;
  private state: CompileStatus['state'] = 'pending';
  private reason: string | undefined;

  constructor(private readonly density: TracedDensity, readonly mode: CompileMode) {
    if (mode === 'off') {
      this.state = 'eager';
      this.reason = 'compile: false';
    }
  }

  get status(): CompileStatus {
    const plan = this.plan;
    const runner = this.runner;
    return {
      mode: this.mode, state: this.state, reason: this.reason, bufferCount: plan?.bufferCount, steps: plan?.steps.length,
      generated: runner?.generated, interpreterReason: runner?.reason,
    };
  }

  /** Log density at x with its gradient written into gradOut. */
  valueAndGrad(x: Float64Array, gradOut: Float64Array): number {
    const plan = this.plan, runner = this.runner;
    if (plan === null || runner === null) return this.state === 'pending' ? this.recordAndPlan(x, gradOut) : this.eager(x, gradOut, false).value;
    if (this.mode === 'check') return this.checked(plan, runner, x, gradOut);
    if (!runner.forward(x)) return this.eager(x, gradOut, false).value;
    runner.backward(gradOut);
    return plan.output[0];
  }

  /** Log density at x alone (the plan's forward pass once there is one). */
  value(x: Float64Array): number {
    const plan = this.plan, runner = this.runner;
    if (plan === null || runner === null || !runner.forward(x)) return this.eager(x, null, false).value;
    const compiled = plan.output[0];
    if (this.mode === 'check') {
      const run = this.eager(x, null, true);
      checkAgainstEager(plan, run.recorder!, new Float64Array(0), null);
    }
    return compiled;
  }

  /** The eager tape at x (with a recorder when asked), its gradient into gradOut unless null. */
  private eager(x: Float64Array, gradOut: Float64Array | null, record: boolean): EagerRun & { leaves: Tensor[]; out: Tensor } {
    const tape = new Tape();
    const recorder = record ? new Recorder(tape) : null;
    const run = this.density.within(() => {
      const ev = recorder === null ? this.density.evaluate(tape, x) : recorder.watch(() => this.density.evaluate(tape, x));
      if (gradOut !== null) tape.backward(ev.out);
      return ev;
    });
    if (gradOut !== null) {
      let offset = 0;
      for (const leaf of run.leaves) {
        if (leaf.grad === null) gradOut.fill(0, offset, offset + leaf.size);
        else gradOut.set(leaf.grad, offset);
        offset += leaf.size;
      }
    }
    return { value: run.out.buffer[0], recorder, leaves: run.leaves, out: run.out };
  }

  /** First call: the eager result, and a plan built from its recording (checked at once in 'check' mode). */
  private recordAndPlan(x: Float64Array, gradOut: Float64Array): number {
    const run = this.eager(x, gradOut, true);
    const recorder = run.recorder!;
    if (recorder.problems.length > 0) return this.stayEager(recorder.problems.join('; '), run.value);
    let plan: Plan;
    try {
      plan = buildPlan(recorder, run.leaves, run.out);
    } catch (e) {
      return this.stayEager((e as Error).message, run.value);
    }
    const runner = planRunner(plan);
    this.plan = plan;
    this.runner = runner;
    this.state = 'compiled';
    if (this.mode === 'check') {
      const compiled = new Float64Array(gradOut.length);
      if (runner.forward(x)) {
        runner.backward(compiled);
        checkAgainstEager(plan, recorder, gradOut, compiled);
      }
    }
    return run.value;
  }

  private stayEager(reason: string, value: number): number {
    this.state = 'eager';
    this.reason = reason;
    console.warn(`hbnn: ${this.density.name} runs on the eager tape, not compiled: ${reason}`);
    return value;
  }

  /** Checking mode: the plan's result, after an eager run of the same call agreed with it exactly. */
  private checked(plan: Plan, runner: PlanRunner, x: Float64Array, gradOut: Float64Array): number {
    const eagerGrad = new Float64Array(gradOut.length);
    const run = this.eager(x, eagerGrad, true);
    if (!runner.forward(x)) {
      gradOut.set(eagerGrad);
      return run.value;
    }
    runner.backward(gradOut);
    checkAgainstEager(plan, run.recorder!, eagerGrad, gradOut);
    return plan.output[0];
  }
}
