import test from 'tape';
import { isSamplerRegistered, registerSampler, samplerFactory, samplerFromSpec, samplerNames, workerSpecOf } from '../../samplers/registry.js';
import { mala } from '../../samplers/mcmc/mala.js';
import { nuts } from '../../samplers/mcmc/nuts.js';
import { leapfrog } from '../../samplers/mcmc/integrator.js';
import { Rng } from '../../core/rng.js';
import type { AnySampler, LogDensity } from '../../samplers/types.js';
import { randomWalk } from '../fixtures/random_walk_metropolis.js';

const normal: LogDensity = { dim: 2, logDensityAndGrad: (x, g) => ((g[0] = -x[0]), (g[1] = -x[1]), -0.5 * (x[0] * x[0] + x[1] * x[1])) };

/** Ten steps from the same seed, as positions: two samplers that agree here are the same sampler. */
function path(sampler: AnySampler): number[] {
  const rng = Rng.fromSeed(5);
  let s = sampler.init(Float64Array.of(0.3, -0.2), normal);
  const out: number[] = [];
  for (let i = 0; i < 10; i++) {
    s = sampler.step(rng, s, normal, { stepSize: 0.5, inverseMassMatrix: Float64Array.of(1, 1) })[0];
    out.push(...s.position);
  }
  return out;
}

test('registry: the built-ins are registered by name, and rebuild from their specs', (t) => {
  t.deepEqual(samplerNames().slice(0, 3), ['nuts', 'hmc', 'mala'], 'built-ins first');
  const original = nuts({ maxTreeDepth: 4 });
  t.deepEqual(original.spec, { name: 'nuts', options: { maxTreeDepth: 4, maxEnergyError: 1000, metric: 'diag', stepSizeJitter: 0 } }, 'a built-in records its options with defaults');
  t.deepEqual(path(samplerFromSpec(original.spec!)), path(original), 'nuts rebuilt from its spec takes the same steps');
  t.equal(samplerFactory('mala')().name, 'mala');
  t.throws(() => samplerFactory('gibbs'), /unknown sampler 'gibbs'; registered samplers are 'nuts', 'hmc', 'mala'/);
  t.throws(() => samplerFromSpec({ name: 'gibbs', options: {}, module: 'file:///x.js' }), /unknown sampler 'gibbs': module 'file:\/\/\/x.js' did not register it/);
  t.end();
});

test('registry: a registered factory gives its samplers a spec with cloned options and its module', (t) => {
  t.ok(isSamplerRegistered('random-walk'), 'the fixture registered itself on import');
  const options = { scale: 0.7 };
  const s = randomWalk(options);
  options.scale = 9; // a later change to the caller's object does not reach the spec
  t.deepEqual(s.spec, { name: 'random-walk', options: { scale: 0.7 }, module: new URL('../fixtures/random_walk_metropolis.js', import.meta.url).href });
  t.deepEqual(path(samplerFromSpec(s.spec!)), path(s), 'rebuilt from its spec, the same steps');
  t.deepEqual(randomWalk().spec?.options, {}, 'no options: an empty options object');
  const tuned = registerSampler('t-tuned-nuts', (o: { depth?: number }) => ({ ...nuts({ maxTreeDepth: o.depth }), name: 't-tuned-nuts' }), { module: 'file:///t.js' });
  t.deepEqual(tuned({ depth: 3 }).spec, { name: 't-tuned-nuts', options: { depth: 3 }, module: 'file:///t.js' }, "a copy of a built-in gets its own spec, not the built-in's");
  t.end();
});

test('registry: registration errors name the problem', (t) => {
  t.throws(() => registerSampler('nuts', () => nuts()), /a sampler named 'nuts' is already registered/);
  t.throws(() => registerSampler('', () => nuts()), /name must be a non-empty string/);
  t.throws(() => registerSampler('t-bad-module', () => mala(), { module: 42 as unknown as string }), /module must be a URL string/);
  const misnamed = registerSampler('t-misnamed', () => mala());
  t.throws(() => misnamed(), /the factory registered as 't-misnamed' made a sampler named 'mala'/);
  t.end();
});

test('registry: workerSpecOf says what to do when workers cannot rebuild a sampler', (t) => {
  t.deepEqual(workerSpecOf(mala()), { name: 'mala', options: {} }, 'a built-in needs no module');
  t.equal(workerSpecOf(randomWalk({ scale: 2 })).module, randomWalk().spec!.module, 'a registered sampler carries its module');
  const cases: [string, AnySampler, RegExp][] = [
    ['a plain object', { ...mala(), name: 'mine', spec: undefined }, /sampler 'mine' cannot be rebuilt in a worker.*registerSampler\('mine', create, \{ module: import\.meta\.url \}\)/],
    ['a renamed copy of a built-in', { ...mala(), name: 'mine' }, /sampler 'mine' cannot be rebuilt in a worker: it was not made by a registered factory \(or is a modified copy of one\)/],
    ['a custom integrator', nuts({ integrator: leapfrog }), /sampler 'nuts' cannot be rebuilt.*not structured-cloneable/],
  ];
  const local = registerSampler('t-local', (o: { scale?: number }) => ({ ...randomWalk(o), name: 't-local', spec: undefined }));
  cases.push(['registered without a module', local({ scale: 1 }), /cannot teach workers sampler 't-local': it was registered without a module/]);
  const withFunction = registerSampler('t-function', (o: { f?: () => number }) => ({ ...randomWalk(), name: 't-function', spec: undefined, f: o.f }), { module: 'file:///t.js' });
  cases.push(['options with a function', withFunction({ f: () => 1 }), /sampler 't-function' cannot be rebuilt/]);
  for (const [label, sampler, re] of cases) t.throws(() => workerSpecOf(sampler), re, label);
  t.end();
});
