/**
 * Interleaved timing of several log densities on the same points: each round times one batch
 * of every contender in turn (alternating the order), so drift of the machine hits them alike;
 * report the median over rounds of µs per call and of the per-round ratio to a reference.
 */
import type { LogDensity } from '../samplers/types.js';

export interface TimedRow {
  name: string;
  /** Median over rounds of µs per log density + gradient. */
  microseconds: number;
  minMicroseconds: number;
  maxMicroseconds: number;
  /** Median over rounds of this round's µs / the reference's µs in the same round. */
  ratio: number;
  callsPerBatch: number;
  roundMicroseconds: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** µs per call over `calls` calls, cycling through the points. */
export function timeBatch(f: LogDensity, points: readonly Float64Array[], grad: Float64Array, calls: number): number {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) sink += f.logDensityAndGrad(points[i % points.length], grad);
  const us = ((performance.now() - t0) * 1000) / calls;
  if (Number.isNaN(sink)) throw new Error('timeBatch: a log density came back NaN');
  return us;
}

/**
 * Warm up for `warmupMs` (V8 needs thousands of calls of a small model to reach its optimised
 * code: the first 2000 calls of eight schools average 7× the settled time), then choose the calls
 * per batch so that one batch takes about `batchMs`.
 */
function calibrate(f: LogDensity, points: readonly Float64Array[], grad: Float64Array, batchMs: number, warmupMs: number): number {
  let calls = 4;
  const t0 = performance.now();
  while (performance.now() - t0 < warmupMs) timeBatch(f, points, grad, 20);
  for (;;) {
    const us = timeBatch(f, points, grad, calls);
    if (us * calls >= 0.25 * batchMs * 1000 || calls > 1e7) return Math.max(4, Math.round((batchMs * 1000) / us));
    calls *= 4;
  }
}

/** Time `contenders` (the first is the reference of the ratios) in `rounds` interleaved rounds. */
export function timeInterleaved(contenders: readonly { name: string; f: LogDensity }[], points: readonly Float64Array[], rounds: number, batchMs: number, warmupMs = 500): TimedRow[] {
  const grad = new Float64Array(contenders[0].f.dim);
  const calls = contenders.map((c) => calibrate(c.f, points, grad, batchMs, warmupMs));
  const samples = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const order = contenders.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) samples[i].push(timeBatch(contenders[i].f, points, grad, calls[i]));
  }
  return contenders.map((c, i) => ({
    name: c.name,
    microseconds: median(samples[i]),
    minMicroseconds: Math.min(...samples[i]),
    maxMicroseconds: Math.max(...samples[i]),
    ratio: median(samples[i].map((us, r) => us / samples[0][r])),
    callsPerBatch: calls[i],
    roundMicroseconds: samples[i],
  }));
}
