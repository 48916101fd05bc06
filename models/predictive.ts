/**
 * Prior and posterior predictive checks for a defineModel model, reproducible by seed:
 *   priorPredictive(model, { draws, seed })      parameters from the model's `prior(rng)`, then
 *                                                 its derived quantities and `simulate(p, rng)`
 *   posteriorPredictive(trace, model, { seed })  `simulate(p, rng)` at every draw of a trace
 * Both return a Trace: its quantities have kind 'parameter', 'derived' / 'logLik' or
 * 'predictive' (the simulated ones), with lp the model's log density at the draw (prior) or the
 * trace's lp (posterior). Chain c draws from stream c of the seed, so results do not depend on
 * how many chains there are or on the order they are simulated in.
 */
import { Rng } from '../core/rng.js';
import { shapeSize, shapeToString } from '../core/shape.js';
import type { ParamInfo, ParamKind } from '../samplers/types.js';
import { Trace } from '../samplers/trace/trace.js';
import type { Model } from './define_model.js';

export interface PriorPredictiveOptions {
  /** Number of draws (default 1000). */
  draws?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
}

export interface PosteriorPredictiveOptions {
  /** Seed of the simulations (default 0). */
  seed?: number;
}

function checkSeed(seed: number, where: string): void {
  if (!Number.isInteger(seed)) throw new Error(`${where}: seed must be an integer, got ${seed}`);
}

/** A named quantity of one draw: its shape and row-major values (a Tensor is one). */
interface Shaped {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

type Part = { kind: (name: string) => ParamKind; values: Record<string, Shaped> };

/** Rows of named quantities with a fixed layout (taken from the first row), written into one Float64Array. */
class RowWriter {
  layout?: ParamInfo[];
  values = new Float64Array(0);
  private width = 0;
  constructor(private readonly rows: number, private readonly where: string, layout?: ParamInfo[]) {
    if (layout) this.fix(layout);
  }

  private fix(layout: ParamInfo[]): void {
    this.layout = layout;
    this.width = layout.reduce((n, p) => n + shapeSize(p.shape), 0);
    this.values = new Float64Array(this.rows * this.width);
  }

  write(row: number, parts: Part[]): void {
    if (!this.layout) this.fix(parts.flatMap((p) => Object.entries(p.values).map(([name, t]) => ({ name, shape: [...t.shape], kind: p.kind(name) }))));
    const merged: Record<string, Shaped> = Object.assign({}, ...parts.map((p) => p.values));
    let at = row * this.width;
    for (const p of this.layout!) {
      const t = merged[p.name];
      if (!t || shapeToString(t.shape) !== shapeToString(p.shape)) {
        const now = t ? `shape ${shapeToString(t.shape)}` : 'it is missing';
        throw new Error(`${this.where}: '${p.name}' had shape ${shapeToString(p.shape)} at the first draw, at draw ${row} ${now}; simulated quantities must keep their names and shapes`);
      }
      this.values.set(t.data, at);
      at += t.data.length;
    }
  }
}

function paramPart(model: Model, values: Record<string, Float64Array>): Part {
  const shaped: Record<string, Shaped> = {};
  for (const p of model.params) shaped[p.name] = { shape: p.shape, data: values[p.name] };
  return { kind: () => 'parameter', values: shaped };
}

function derivedPart(model: Model, values: Record<string, Float64Array>): Part {
  return { kind: (name) => model.derived.find((p) => p.name === name)?.kind ?? 'derived', values: model.derivedValues(values) };
}

/**
 * `draws` parameter sets from the model's `prior(rng)`, each with its derived quantities and,
 * when the model has `simulate`, its simulated data: one chain of a Trace.
 */
export function priorPredictive(model: Model, options: PriorPredictiveOptions = {}): Trace {
  const { draws = 1000, seed = 0 } = options;
  if (!Number.isInteger(draws) || draws < 1) throw new Error(`priorPredictive: draws must be a positive integer, got ${draws}`);
  checkSeed(seed, 'priorPredictive');
  const rng = Rng.fromSeed(seed).stream(0);
  const rows = new RowWriter(draws, 'priorPredictive');
  const lp = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    const values = model.drawPrior(rng);
    lp[d] = model.logDensity(model.unconstrain(values));
    const simulated: Part = { kind: () => 'predictive', values: model.predictive.simulate ? model.simulateAt(values, rng) : {} };
    rows.write(d, [paramPart(model, values), derivedPart(model, values), simulated]);
  }
  return new Trace({ params: rows.layout!, chains: [{ values: rows.values, stats: { lp } }], meta: { sampler: 'priorPredictive', seed, draws } });
}

/** The model's parameters from one draw of a trace, checked once against the trace's layout. */
function paramReader(trace: Trace, model: Model): (chain: number, draw: number) => Record<string, Float64Array> {
  const cols = model.params.map((p) => {
    const q = trace.params.find((t) => t.name === p.name);
    if (!q) throw new Error(`posteriorPredictive: the trace has no '${p.name}'; it holds ${trace.paramNames.join(', ')}`);
    if (shapeToString(q.shape) !== shapeToString(p.shape)) throw new Error(`posteriorPredictive: '${p.name}' has shape ${shapeToString(q.shape)} in the trace but ${shapeToString(p.shape)} in the model`);
    let offset = 0;
    for (const t of trace.params) {
      if (t.name === p.name) break;
      offset += shapeSize(t.shape);
    }
    return { name: p.name, offset, size: shapeSize(p.shape) };
  });
  return (chain, draw) => {
    const row = trace.chainDraws[chain].values.subarray(draw * trace.width, (draw + 1) * trace.width);
    return Object.fromEntries(cols.map((c) => [c.name, row.slice(c.offset, c.offset + c.size)]));
  };
}

/** `simulate(p, rng)` at every draw of `trace` (chains and draws kept), as a Trace of the simulated quantities. */
export function posteriorPredictive(trace: Trace, model: Model, options: PosteriorPredictiveOptions = {}): Trace {
  const { seed = 0 } = options;
  checkSeed(seed, 'posteriorPredictive');
  if (!model.predictive.simulate) throw new Error('posteriorPredictive: the model has no simulate(params, rng) => ({ name: tensor }) in its defineModel spec');
  const read = paramReader(trace, model);
  const draws = trace.draws;
  if (draws === 0) throw new Error('posteriorPredictive: the trace has no draws');
  let layout: ParamInfo[] | undefined;
  const chains = trace.chainDraws.map((c, chain) => {
    const rng = Rng.fromSeed(seed).stream(chain);
    const rows = new RowWriter(draws, 'posteriorPredictive', layout); // every chain keeps the first chain's names and shapes
    for (let d = 0; d < draws; d++) rows.write(d, [{ kind: () => 'predictive', values: model.simulateAt(read(chain, d), rng) }]);
    layout = rows.layout;
    return { values: rows.values, stats: { lp: Float64Array.from(c.stats.lp) } };
  });
  return new Trace({ params: layout!, chains, meta: { sampler: 'posteriorPredictive', seed, chains: trace.chains, draws } });
}
