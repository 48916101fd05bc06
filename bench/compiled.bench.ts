/**
 * The compiled gradient (issue 12): µs per `logDensityAndGrad`, eager tape vs compiled plan, for
 * the flat BNN (one group of the study: 40 parameters, 50 points), the hierarchical BNN (763
 * parameters, 900 points) and eight schools (non-centred, 10 parameters). Eager and compiled
 * run interleaved, one batch each per round; the figures are medians over rounds.
 *
 * Run: `node dist/bench/compiled.bench.js [--quick] [--out FILE.json]`.
 */
import { Rng } from '../core/rng.js';
import { T } from '../autodiff/index.js';
import * as dist from '../models/distributions.js';
import { defineModel, type Model } from '../models/define_model.js';
import { flatBnn } from '../models/bnn/flat.js';
import { hierarchicalBnn } from '../models/bnn/hierarchical.js';
import { rotatedMoons } from '../models/data/moons.js';
import * as libm from '../core/libm.js';
import type { LogDensity } from '../samplers/types.js';
import { hierBnnFused, layoutFromParams } from './hier_bnn_fused.js';
import { isMainModule, writeResultIfAsked } from './script.js';

export interface CompiledBenchRow {
  model: string;
  dim: number;
  eagerMicroseconds: number;
  compiledMicroseconds: number;
  speedup: number;
  /** A hand-written gradient of the same function, where there is one (bench/hier_bnn_fused.ts; eight schools' closed form). */
  handWrittenMicroseconds: number | null;
  /** compiled / hand-written, from the same rounds (steadier under load than either figure alone). */
  compiledToHandWritten: number | null;
  planSteps: number | undefined;
  planBuffers: number | undefined;
}

const SCHOOLS_Y = [28, 8, -3, 7, -1, 1, 18, 12];
const SCHOOLS_SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];

/** Eight schools, non-centred: theta = mu + tau·raw, y_j ~ N(theta_j, sigma_j); mu ~ N(0, 5), tau ~ HalfCauchy(5), raw ~ N(0, 1). */
function eightSchools(compile: boolean): Model {
  const y = SCHOOLS_Y;
  const sigma = SCHOOLS_SIGMA;
  return defineModel({
    params: { mu: [], tau: { shape: [], transform: 'log' }, raw: [8] },
    compile,
    logp: ({ mu, tau, raw }) => {
      const theta = T.add(mu, T.mul(tau, raw));
      return T.add(T.add(T.add(dist.normal(mu, 0, 5), dist.halfCauchy(tau, 5)), dist.normal(raw, 0, 1)), dist.normal(y, theta, sigma));
    },
  });
}

/** The same log density's gradient by hand, in closed form (up to the normalising constants), over u = [mu, log tau, raw]. */
const eightSchoolsByHand: LogDensity = {
  dim: 10,
  logDensityAndGrad(u: Float64Array, g: Float64Array): number {
    const mu = u[0], lt = u[1], tau = libm.exp(lt);
    let lp = -0.5 * (mu / 5) * (mu / 5) - libm.log1p((tau / 5) * (tau / 5)) + lt;
    let gMu = -mu / 25, gTau = (-2 * tau) / (25 + tau * tau);
    for (let j = 0; j < 8; j++) {
      const raw = u[2 + j], s2 = SCHOOLS_SIGMA[j] * SCHOOLS_SIGMA[j], r = (SCHOOLS_Y[j] - mu - tau * raw) / s2;
      lp += -0.5 * raw * raw - 0.5 * r * r * s2;
      gMu += r;
      gTau += raw * r;
      g[2 + j] = -raw + tau * r;
    }
    g[0] = gMu;
    g[1] = tau * gTau + 1;
    return lp;
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function timeBatch(model: LogDensity, points: Float64Array[], grad: Float64Array, calls: number): number {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) sink += model.logDensityAndGrad(points[i % points.length], grad);
  if (Number.isNaN(sink)) throw new Error('compiled bench: NaN log density');
  return ((performance.now() - t0) * 1000) / calls;
}

/** Median µs per call of eager and compiled twins (and a hand-written gradient, if given) over interleaved rounds of ~batchMs each. */
function measure(name: string, make: (compile: boolean) => Model, rounds: number, batchMs: number, byHand?: LogDensity): CompiledBenchRow {
  const eager = make(false);
  const compiled = make(true);
  const contenders: LogDensity[] = byHand ? [eager, compiled, byHand] : [eager, compiled];
  const rng = Rng.fromSeed(12);
  const points = Array.from({ length: 16 }, () => {
    const x = new Float64Array(eager.dim);
    rng.fillNormal(x);
    for (let i = 0; i < x.length; i++) x[i] *= 0.5;
    return x;
  });
  const grad = new Float64Array(eager.dim);
  const calls = contenders.map((m) => {
    const us = Math.max(0.02, median([0, 1, 2].map(() => timeBatch(m, points, grad, 200))));
    return Math.max(10, Math.round((batchMs * 1000) / us));
  });
  const samples: number[][] = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) contenders.forEach((m, i) => samples[i].push(timeBatch(m, points, grad, calls[i])));
  const [e, c, h] = samples.map(median);
  const st = compiled.compilation;
  if (st.state !== 'compiled') throw new Error(`compiled bench: ${name} did not compile: ${st.reason}`);
  return {
    model: name,
    dim: eager.dim,
    eagerMicroseconds: e,
    compiledMicroseconds: c,
    speedup: e / c,
    handWrittenMicroseconds: byHand ? h : null,
    compiledToHandWritten: byHand ? median(samples[1].map((v, r) => v / samples[2][r])) : null,
    planSteps: st.steps,
    planBuffers: st.bufferCount,
  };
}

/** bench/hier_bnn_fused.ts's hand-fused hierarchical BNN on the study's data. */
function fusedHierarchical(study: ReturnType<typeof rotatedMoons>): LogDensity {
  const model = hierarchicalBnn(study, { compile: false });
  const layout = layoutFromParams(model.params, [2, 5, 5, 1], study.Xs_train.length, (l) => ({ mean: `mu${l}`, sd: `sd${l}`, raw: `raw${l}` }));
  return hierBnnFused(study.Xs_train.map((X, g) => ({ X: Float64Array.from(X.flat()), y: Float64Array.from(study.Ys_train[g]) })), layout);
}

export async function benchCompiled(options: { quick?: boolean; print?: boolean } = {}): Promise<{ benchmark: 'compiled'; rows: CompiledBenchRow[] }> {
  const rounds = options.quick ? 3 : 11;
  const batchMs = options.quick ? 50 : 150;
  const study = rotatedMoons({ groups: 18, seed: 2018 });
  const group = { X: study.Xs_train[0], y: study.Ys_train[0] };
  const rows = [
    measure('flat BNN (1 group)', (compile) => flatBnn(group, { compile }), rounds, batchMs),
    measure('hierarchical BNN', (compile) => hierarchicalBnn(study, { compile }), rounds, batchMs, fusedHierarchical(study)),
    measure('eight schools (non-centred)', eightSchools, rounds, batchMs, eightSchoolsByHand),
  ];
  if (options.print ?? true) {
    console.log('\nCompiled gradient: µs per logDensityAndGrad, eager tape vs compiled plan (median of interleaved rounds)');
    console.log(['model'.padEnd(30), 'dim'.padStart(5), 'eager µs'.padStart(10), 'compiled µs'.padStart(12), 'speed-up'.padStart(9), 'by hand µs'.padStart(11), '× by hand'.padStart(10), 'steps'.padStart(6), 'buffers'.padStart(8)].join(' '));
    for (const r of rows) {
      const hand = r.handWrittenMicroseconds === null ? '—' : r.handWrittenMicroseconds.toFixed(2);
      const ratio = r.compiledToHandWritten === null ? '—' : `${r.compiledToHandWritten.toFixed(2)}×`;
      console.log([r.model.padEnd(30), String(r.dim).padStart(5), r.eagerMicroseconds.toFixed(2).padStart(10), r.compiledMicroseconds.toFixed(2).padStart(12), `${r.speedup.toFixed(2)}×`.padStart(9), hand.padStart(11), ratio.padStart(10), String(r.planSteps).padStart(6), String(r.planBuffers).padStart(8)].join(' '));
    }
  }
  return { benchmark: 'compiled', rows };
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  writeResultIfAsked(args, await benchCompiled({ quick: args.includes('--quick') }));
}
