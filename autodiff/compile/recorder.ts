/**
 * The recorder: watches one tape while a model's log density runs forward for the first time,
 * and keeps what a plan needs — every op with its inputs, output and plan kernel, and every
 * `branchOn` guard — or the reasons the function cannot be replayed: an op without a plan
 * kernel, or a read of a tracked tensor's values (`data`, `item()`, `toArray()`, `nd`), which
 * may steer control flow that a replay would not see.
 */
import { shapeToString } from '../../core/shape.js';
import type { Planned } from './kernel.js';
import type { Tape, TapeObserver } from '../tape.js';
import { watchValueReads, type Tensor } from '../tensor.js';

export interface RecordedOp {
  op: string;
  out: Tensor;
  inputs: readonly Tensor[];
  plan: Planned;
}

export interface RecordedGuard {
  /** How many ops were recorded before the guard: it is checked once they have run. */
  afterOps: number;
  tensor: Tensor;
  test: (values: Float64Array) => boolean;
  result: boolean;
}

export class Recorder implements TapeObserver {
  readonly ops: RecordedOp[] = [];
  readonly guards: RecordedGuard[] = [];
  /** Why the recorded function cannot be replayed (empty: it can). */
  readonly problems: string[] = [];
  private readonly producers = new Map<Tensor, string>();

  constructor(readonly tape: Tape) {}

  onRecord(op: string, out: Tensor, inputs: readonly Tensor[], plan: Planned | undefined): void {
    this.producers.set(out, op);
    if (plan === undefined) this.problem(`op '${op}' has no plan kernel`);
    else this.ops.push({ op, out, inputs, plan });
  }

  onGuard(tensor: Tensor, test: (values: Float64Array) => boolean, result: boolean): void {
    this.guards.push({ afterOps: this.ops.length, tensor, test, result });
  }

  /** Run `forward` with this recorder watching its tape and every read of a tracked tensor's values. */
  watch<R>(forward: () => R): R {
    const outer = watchValueReads((t, accessor) => this.onValueRead(t, accessor));
    this.tape.observer = this;
    try {
      return forward();
    } finally {
      this.tape.observer = null;
      watchValueReads(outer);
    }
  }

  private onValueRead(t: Tensor, accessor: string): void {
    if (t.tapeId !== this.tape.id) return;
    const made = this.producers.get(t);
    this.problem(`the log density reads the values of a traced tensor (${accessor} of the ${shapeToString(t.shape)} ${made ? `output of '${made}'` : 'parameter'}), so its control flow may depend on them`);
  }

  private problem(reason: string): void {
    if (!this.problems.includes(reason)) this.problems.push(reason);
  }
}
