/**
 * The pointwise log-likelihood that loo(), waic() and relativeEff() read: from a Trace's `log_lik`
 * variable (what `defineModel({ logLik })` stores, one value per observation and draw) or from a
 * plain array per chain × draw × observation, as R's loo takes an iterations × chains × N array.
 */
import { Trace } from '../trace/trace.js';

/** What the model-comparison functions accept: a Trace with a `log_lik` variable, or chain × draw × observation numbers. */
export type LogLikInput = Trace | readonly (readonly (readonly number[] | Float64Array)[])[];

/** Log-likelihood draws laid out [chain, draw, observation], row-major (as `Trace.get`). */
export interface LogLikDraws {
  chains: number;
  draws: number;
  observations: number;
  values: Float64Array;
}

/** Name of the Trace variable holding the pointwise log-likelihood, as Stan users name it. */
export const LOG_LIK = 'log_lik';

/** Reads and checks the log-likelihood; every value must be finite, as loo requires. `fn` names the caller in errors. */
export function readLogLik(fn: string, input: LogLikInput): LogLikDraws {
  const out = input instanceof Trace ? fromTrace(fn, input) : fromArray(fn, input);
  if (out.draws < 2) throw new Error(`${fn}: needs at least 2 draws per chain, got ${out.draws}`);
  if (out.observations < 1) throw new Error(`${fn}: the log-likelihood has no observations`);
  for (let i = 0; i < out.values.length; i++) {
    if (!Number.isFinite(out.values[i])) {
      const obs = i % out.observations;
      const draw = Math.floor(i / out.observations) % out.draws;
      const chain = Math.floor(i / (out.observations * out.draws));
      throw new Error(`${fn}: log-likelihood must be finite; chain ${chain}, draw ${draw}, observation ${obs} is ${out.values[i]}`);
    }
  }
  return out;
}

function fromTrace(fn: string, trace: Trace): LogLikDraws {
  if (!trace.paramNames.includes(LOG_LIK)) {
    throw new Error(
      `${fn}: the trace has no '${LOG_LIK}' variable (give defineModel a logLik function, or pass a chain × draw × observation array); ` +
        `it has ${trace.paramNames.join(', ') || 'no variables'}`,
    );
  }
  const { values, shape } = trace.get(LOG_LIK);
  const observations = shape.slice(2).reduce((a, b) => a * b, 1);
  return { chains: shape[0], draws: shape[1], observations, values };
}

function fromArray(fn: string, x: LogLikInput & readonly unknown[]): LogLikDraws {
  if (!Array.isArray(x) || x.length === 0) throw new Error(`${fn}: expected a Trace or a non-empty chain × draw × observation array`);
  const chains = x.length;
  const draws = x[0].length;
  const observations = draws > 0 ? x[0][0].length : 0;
  const values = new Float64Array(chains * draws * observations);
  x.forEach((chain, c) => {
    if (!Array.isArray(chain) || chain.length !== draws) {
      throw new Error(`${fn}: every chain needs ${draws} draws (as chain 0); chain ${c} has ${Array.isArray(chain) ? chain.length : typeof chain}`);
    }
    chain.forEach((row, d) => {
      if (row?.length !== observations) {
        throw new Error(`${fn}: every draw needs ${observations} observations (as chain 0, draw 0); chain ${c}, draw ${d} has ${row?.length}`);
      }
      values.set(row, (c * draws + d) * observations);
    });
  });
  return { chains, draws, observations, values };
}

/** The S = chains × draws values of observation `i`, chain after chain (R's iterations × chains column). */
export function observationColumn(ll: LogLikDraws, i: number): Float64Array {
  const s = ll.chains * ll.draws;
  const out = new Float64Array(s);
  for (let j = 0; j < s; j++) out[j] = ll.values[j * ll.observations + i];
  return out;
}

/** Sample variance with the n − 1 denominator (matrixStats::colVars). */
export function variance(x: Float64Array): number {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  return ss / (x.length - 1);
}

/** An estimate summed over observations and its standard error √(N · var) (loo's `table_of_estimates`). */
export function sumAndSe(pointwise: Float64Array): { estimate: number; se: number } {
  let sum = 0;
  for (const v of pointwise) sum += v;
  return { estimate: sum, se: Math.sqrt(pointwise.length * variance(pointwise)) };
}
