/**
 * Generated JavaScript per plan: the plan's forward and backward passes as one straight-line
 * function each (split into parts called in order when long, so that V8 still optimises each),
 * built with `new Function` — sizes are literals, every call site sees one kernel, and
 * consecutive elementwise ops of one size share a loop.
 * An op whose kernel has no text (`KernelSource`; an op added without one, a backend other
 * than JS) is a call of its kernel's forward/backward, so every op still runs. Where code
 * generation is forbidden (a page's Content-Security-Policy makes `new Function` throw an
 * EvalError) or the plan is too large, the plan runs on the interpreter (replay.ts) instead;
 * both write the same buffers with the same arithmetic, so they are bit-identical.
 */
import type { Bind, KernelSource } from './kernel.js';
import type { Plan, PlanStep } from './plan.js';
import { replayBackward, replayForward } from './replay.js';

/** How a plan is run: its forward pass (false: a guard flipped, evaluate eagerly) and backward pass. */
export interface PlanRunner {
  forward(x: Float64Array): boolean;
  backward(gradOut: Float64Array): void;
  /** True when the passes are generated code, false on the interpreter. */
  readonly generated: boolean;
  /** Why the interpreter runs the plan, when it does. */
  readonly reason?: string;
}

/** Plans whose generated text would be longer than this run on the interpreter. */
export const MAX_SOURCE_LENGTH = 400_000;

/** The plan on the interpreter. */
export function interpretedRunner(plan: Plan, reason: string): PlanRunner {
  return { forward: (x) => replayForward(plan, x), backward: (g) => replayBackward(plan, g), generated: false, reason };
}

/** The plan as generated code, or on the interpreter where `new Function` is refused (CSP) or the text is too long. */
export function planRunner(plan: Plan): PlanRunner {
  const { source, values } = planSource(plan);
  if (source.length > MAX_SOURCE_LENGTH) return interpretedRunner(plan, `its generated code would be ${source.length} characters`);
  let make: (values: unknown[]) => { forward(x: Float64Array): boolean; backward(g: Float64Array): void };
  try {
    make = new Function('V', source) as typeof make;
  } catch (e) {
    if (e instanceof EvalError) return interpretedRunner(plan, `code generation is not allowed here (${e.message})`);
    throw e;
  }
  return { ...make(values), generated: true };
}

/** The text of the factory (its argument V: the bound values) and those values. */
export function planSource(plan: Plan): { source: string; values: unknown[] } {
  const values: unknown[] = [];
  const names = new Map<unknown, string>();
  const bind: Bind = (v) => {
    let name = names.get(v);
    if (name === undefined) {
      name = `v${values.length}`;
      names.set(v, name);
      values.push(v);
    }
    return name;
  };
  const simplify = (lines: string[]) => lines.join('\n').split('\n').map((l) => simplified(l, values));
  const forward = functionText('forward', 'x', forwardLines(plan, bind), simplify, true);
  const backward = functionText('backward', 'gradOut', backwardLines(plan, bind), simplify, false);
  const header = values.map((_, i) => `const v${i} = V[${i}];`);
  const source = ['"use strict";', ...header, ...forward, ...backward, 'return { forward, backward };'].join('\n');
  return { source, values };
}

/**
 * Generated statements per function, at most about this many characters: V8 leaves a function
 * with too much bytecode unoptimised, and a long plan (an HMM's forward algorithm, hundreds of
 * steps) then ran 6–9× slower than the interpreter; split into parts, each part is optimised.
 */
export const MAX_FUNCTION_LENGTH = 12_000;

/**
 * `function name(param)` running `statements` (each a whole statement or block), in parts of at
 * most MAX_FUNCTION_LENGTH characters called in order when they are longer. A guarded pass
 * returns true, or false as soon as a part does (a guard flipped).
 */
function functionText(name: string, param: string, statements: readonly string[], simplify: (lines: string[]) => string[], guarded: boolean): string[] {
  const parts: string[][] = [[]];
  let length = 0;
  for (const statement of statements) {
    if (length > 0 && length + statement.length > MAX_FUNCTION_LENGTH) {
      parts.push([]);
      length = 0;
    }
    parts[parts.length - 1].push(statement);
    length += statement.length + 1;
  }
  const end = guarded ? ['return true;', '}'] : ['}'];
  if (parts.length === 1) return [`function ${name}(${param}) {`, ...simplify(parts[0]), ...end];
  const call = (k: number) => (guarded ? `if (!${name}${k}(${param})) return false;` : `${name}${k}(${param});`);
  return [
    ...parts.flatMap((part, k) => [`function ${name}${k}(${param}) {`, ...simplify(part), ...end]),
    `function ${name}(${param}) {`, ...parts.map((_, k) => call(k)), ...end,
  ];
}

/**
 * Sizes known at generation made literal: a bound buffer's `.length` becomes its length, and a
 * one-line loop over a single element becomes a block with its index a constant (the scalars of
 * a small model are most of its steps).
 */
function simplified(line: string, values: readonly unknown[]): string {
  const sized = line.replace(/\bv(\d+)\.length\b/g, (m, i: string) => {
    const v = values[Number(i)];
    return v instanceof Float64Array ? String(v.length) : m;
  });
  const single = /^for \(let (\w+) = 0; \1 < 1; \1\+\+\) (.*[^{])$/.exec(sized);
  return single ? `{ const ${single[1]} = 0; ${single[2]} }` : sized;
}

function forwardLines(plan: Plan, bind: Bind): string[] {
  const lines: string[] = [];
  let offset = 0;
  for (const leaf of plan.leaves) {
    lines.push(`for (let i = 0; i < ${leaf.length}; i++) ${bind(leaf)}[i] = x[${offset} + i];`);
    offset += leaf.length;
  }
  const { steps } = plan;
  for (let s = 0; s < steps.length; ) {
    lines.push(...guardLines(plan, s, bind));
    const group = elementwiseGroup(plan, s, bind);
    if (group !== null) {
      lines.push(group.text);
      s += group.steps;
      continue;
    }
    lines.push(stepForward(steps[s], bind));
    s++;
  }
  lines.push(...guardLines(plan, steps.length, bind));
  return lines;
}

function guardLines(plan: Plan, s: number, bind: Bind): string[] {
  return plan.guardsAfter[s].map((g) => `if (${bind(g.test)}(${bind(g.values)}) !== ${g.result}) return false;`);
}

function sourceOf(step: PlanStep): KernelSource<unknown> | undefined {
  return step.kernel.source;
}

/** One step's forward: its text, or a call of its kernel (nothing for a view). */
function stepForward(step: PlanStep, bind: Bind): string {
  if (step.kernel.view) return '';
  const ins = step.ins.map(bind);
  const src = sourceOf(step);
  const text = src?.forward(step.attrs, ins, bind(step.out), bind);
  if (text) return `{\n${text}\n}`;
  const e = src?.elementwise?.(step.attrs, ins, step.out.length, bind);
  if (e) return `for (let j = 0; j < ${e.n}; j++) ${bind(step.out)}[j] = ${e.value('j')};`;
  return `${bind(step.kernel)}.forward(${bind(step.attrs)}, ${bind(step.ins)}, ${bind(step.out)});`;
}

/**
 * The longest run of elementwise steps from `s` with one output size, no guard between them,
 * and every read of an earlier member's output at the same index, closed by a sum of everything
 * over that size if one follows: one loop writing each member's output in turn (each still
 * written, for the checking mode) and adding the sum's terms in order. Null when fewer than two fuse.
 */
function elementwiseGroup(plan: Plan, s: number, bind: Bind): { text: string; steps: number } | null {
  const members: { out: string; value: (j: string) => string }[] = [];
  const written = new Set<Float64Array>();
  let n = -1;
  let t = s;
  for (; t < plan.steps.length; t++) {
    if (t > s && plan.guardsAfter[t].length > 0) break;
    const step = plan.steps[t];
    const e = step.kernel.view ? null : sourceOf(step)?.elementwise?.(step.attrs, step.ins.map(bind), step.out.length, bind) ?? null;
    if (e === null || (n >= 0 && e.n !== n)) break;
    if (step.ins.some((b, i) => written.has(b) && !e.sameIndex[i])) break;
    n = e.n;
    members.push({ out: bind(step.out), value: e.value });
    written.add(step.out);
  }
  const closing = members.length > 0 && t < plan.steps.length && (t === s || plan.guardsAfter[t].length === 0) ? closingSum(plan.steps[t], n, bind) : null;
  if (members.length + (closing ? 1 : 0) < 2) return null;
  const body = members.map((m) => `${m.out}[j] = ${m.value('j')};`);
  if (closing === null) return { text: `for (let j = 0; j < ${n}; j++) { ${body.join(' ')} }`, steps: members.length };
  const loop = `for (let j = 0; j < ${n}; j++) { ${[...body, `s += ${closing.term('j')};`].join(' ')} }`;
  return { text: `{\nlet s = 0;\n${loop}\n${closing.out}[0] = s;\n}`, steps: members.length + 1 };
}

/** `step` as the sum closing a fused loop over n elements, or null. */
function closingSum(step: PlanStep, n: number, bind: Bind): { out: string; term: (j: string) => string } | null {
  const r = step.kernel.view ? null : sourceOf(step)?.sumOf?.(step.attrs, step.ins.map(bind), bind) ?? null;
  return r !== null && r.n === n ? { out: bind(step.out), term: r.term } : null;
}

function backwardLines(plan: Plan, bind: Bind): string[] {
  const lines: string[] = [];
  for (const c of plan.contributions) {
    const step = c.step;
    const ins = step.ins.map(bind);
    const gradIn = bind(c.gradIn);
    const text = sourceOf(step)?.backward(step.attrs, c.input, ins, bind(step.out), bind(step.grad), gradIn, bind);
    lines.push(text ? `{\n${text}\n}` : `${bind(step.kernel)}.backward(${bind(step.attrs)}, ${c.input}, ${bind(step.ins)}, ${bind(step.out)}, ${bind(step.grad)}, ${gradIn});`);
    if (c.addInto !== null) lines.push(`for (let i = 0; i < ${c.addInto.length}; i++) ${bind(c.addInto)}[i] += ${gradIn}[i];`);
  }
  let offset = 0;
  plan.leaves.forEach((leaf, l) => {
    const g = plan.leafGrads[l];
    lines.push(g === null ? `gradOut.fill(0, ${offset}, ${offset + leaf.length});` : `for (let i = 0; i < ${leaf.length}; i++) gradOut[${offset} + i] = ${bind(g)}[i];`);
    offset += leaf.length;
  });
  return lines;
}
