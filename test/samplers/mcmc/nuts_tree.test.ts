import test from 'tape';
import type { Rng } from '../../../core/rng.js';
import { buildTree, noUTurn, nuts, type TreeContext } from '../../../samplers/mcmc/nuts.js';
import { hamiltonian, type Integrator, type PhasePoint } from '../../../samplers/mcmc/integrator.js';
import { euclideanMetric } from '../../../samplers/mcmc/metric.js';
import type { LogDensity } from '../../../samplers/types.js';

/** An Rng whose uniforms are constant and whose normals cycle through a list. */
function fakeRng(uniform: number, normals: number[] = [1.5]): Rng {
  let i = 0;
  return { uniform: () => uniform, normal: () => normals[i++ % normals.length] } as unknown as Rng;
}

const flat = (dim: number): LogDensity => ({ dim, logDensityAndGrad: (_x, g) => (g.fill(0), 0) });

/** Stan's mock integrator: q += ε p, momentum unchanged, density untouched. */
const mockIntegrator: Integrator = (_t, _m, z, eps) => ({ ...z, position: z.position.map((q, i) => q + eps * z.momentum[i]) });

function ctxFor(dim: number, initialEnergy: number, integrator: Integrator, rng: Rng): TreeContext {
  return { target: flat(dim), metric: euclideanMetric(new Float64Array(dim).fill(1), dim), integrator, rng, stepSize: 1, initialEnergy, maxEnergyError: 1000, numIntegrationSteps: 0, sumAcceptProb: 0, isDivergent: false };
}

const point = (q: number[], p: number[], logDensity = 0): PhasePoint => ({ position: Float64Array.from(q), momentum: Float64Array.from(p), logDensity, logDensityGrad: new Float64Array(q.length) });

test('buildTree with a mock integrator (Stan build_tree_test)', (t) => {
  // H = ½p² = 1.125 everywhere; H0 = H - 0.1 so every state weighs exp(-0.1), as in Stan's test.
  const ctx = ctxFor(1, 1.125 - 0.1, mockIntegrator, fakeRng(0.9));
  const tree = buildTree(ctx, point([0], [1.5]), 3, 1);
  t.ok(tree.valid, 'valid subtree');
  t.equal(ctx.numIntegrationSteps, 8, '8 leapfrog steps');
  t.equal(tree.rho[0], 8 * 1.5, 'rho sums the momenta');
  t.equal(tree.last.position[0], 8 * 1.5, 'ends 8 steps out');
  t.equal(tree.velocityBegin[0], 1.5);
  t.equal(tree.velocityEnd[0], 1.5);
  t.ok(Math.abs(tree.logSumWeight - (-0.1 + Math.log(8))) < 1e-12, 'log sum weight = H0 - h + log 8');
  t.ok(Math.abs(ctx.sumAcceptProb - 8 * Math.exp(-0.1)) < 1e-12, 'summed acceptance');
  t.end();
});

test('buildTree flags divergence when H - H0 > 1000 (Stan divergence_test)', (t) => {
  // The mock raises the potential by 500 per step, as Stan's divergent_hamiltonian.
  const climbing: Integrator = (_t, _m, z) => ({ ...z, logDensity: z.logDensity - 500 });
  const h0 = 1.125 - 0.1;
  for (const [v, divergent] of [[-750, false], [-250, false], [750, true]] as const) {
    const ctx = ctxFor(1, h0, climbing, fakeRng(0.9));
    const tree = buildTree(ctx, point([0], [1.5], -v), 0, 1);
    t.equal(ctx.isDivergent, divergent, `start V=${v}: divergent=${divergent}`);
    t.equal(tree.valid, !divergent);
  }
  const nanStep: Integrator = (_t, _m, z) => ({ ...z, logDensity: NaN });
  const ctx = ctxFor(1, 1, nanStep, fakeRng(0.9));
  t.doesNotThrow(() => buildTree(ctx, point([0], [1]), 2, 1));
  t.ok(ctx.isDivergent, 'NaN density is a divergence, not an exception');
  t.end();
});

test('nuts: never-turning trajectory stops at maxTreeDepth (Stan transition test)', (t) => {
  const sampler = nuts({ integrator: mockIntegrator });
  const state = { position: Float64Array.of(0), logDensity: 0, logDensityGrad: Float64Array.of(0) };
  const params = { stepSize: 1, inverseMassMatrix: Float64Array.of(1) };
  // Uniform 0.9: always forward; every new subtree replaces the sample (equal weights, u < 1);
  // inside a subtree u = 0.9 ≥ 1/2 keeps the first half, so the draw is the subtree's first state.
  const [fwd, info] = sampler.step(fakeRng(0.9), state, flat(1), params);
  t.equal(info.treeDepth, 10);
  t.equal(info.numIntegrationSteps, 1023);
  t.equal(info.acceptanceRate, 1);
  t.notOk(info.isDivergent);
  t.equal(fwd.position[0], 512 * 1.5, 'sample = first state of the last subtree');
  // Uniform 0.3: always backward and always the second half: the far end.
  const [bck] = sampler.step(fakeRng(0.3), state, flat(1), params);
  t.equal(bck.position[0], -1023 * 1.5, 'sample = far end of the backward trajectory');
  const [, info3] = nuts({ integrator: mockIntegrator, maxTreeDepth: 3 }).step(fakeRng(0.9), state, flat(1), params);
  t.equal(info3.treeDepth, 3, 'maxTreeDepth option honoured');
  t.equal(info3.numIntegrationSteps, 7);
  t.end();
});

/** Mock integrator walking an index k in position[0] with momentum table(k): unit vectors keep H flat. */
const tableIntegrator = (table: (k: number) => number[]): Integrator => (_t, _m, z, eps) => {
  const k = z.position[0] + Math.sign(eps);
  return { position: Float64Array.of(k, ...new Array(z.position.length - 1).fill(0)), momentum: Float64Array.from(table(k)), logDensity: 0, logDensityGrad: new Float64Array(z.position.length) };
};

test('nuts: U-turn inside the new subtree stops at the known depth', (t) => {
  // p = +1 for k = 0..11 and -1 for k = 12..15: subtree 8..15 has ρ = 0, so depth 3 is rejected.
  const sampler = nuts({ integrator: tableIntegrator((k) => [k < 12 ? 1 : -1]) });
  const state = { position: Float64Array.of(0), logDensity: 0, logDensityGrad: Float64Array.of(0) };
  const [s, info] = sampler.step(fakeRng(0.9, [1]), state, flat(1), { stepSize: 1, inverseMassMatrix: Float64Array.of(1) });
  t.equal(info.treeDepth, 3, 'tree depth 3');
  t.equal(info.numIntegrationSteps, 15, '1 + 2 + 4 + 8 steps');
  t.equal(s.position[0], 4, 'draw from the accepted trajectory 0..7 (first state of subtree 4..7)');
  t.end();
});

test('nuts: the extra U-turn checks across merged subtrees stop a trajectory the plain check lets through', (t) => {
  const deg = (a: number) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
  const angles = [15, 0, 210, 315]; // momenta at k = 0..3, found by search
  const p = angles.map((a) => Float64Array.from(deg(a)));
  const rho = Float64Array.from([0, 1].map((i) => p.reduce((s, v) => s + v[i], 0)));
  t.ok(noUTurn(p[0], p[3], rho), 'plain criterion over 0..3 would continue');
  const sampler = nuts({ integrator: tableIntegrator((k) => (k < 4 ? deg(angles[k]) : [1, 0])) });
  const state = { position: Float64Array.of(0, 0), logDensity: 0, logDensityGrad: new Float64Array(2) };
  const [, info] = sampler.step(fakeRng(0.9, deg(15)), state, flat(2), { stepSize: 1, inverseMassMatrix: Float64Array.of(1, 1) });
  t.equal(info.treeDepth, 2, 'stops after merging {0,1} with {2,3}');
  t.equal(info.numIntegrationSteps, 3);
  t.end();
});

test('nuts: NaN log density far out gives divergences, never throws', (t) => {
  const cliff: LogDensity = {
    dim: 1,
    logDensityAndGrad: (x, g) => {
      if (Math.abs(x[0]) > 1) {
        g[0] = NaN;
        return NaN;
      }
      g[0] = -x[0];
      return -0.5 * x[0] * x[0];
    },
  };
  const sampler = nuts();
  const state = sampler.init(Float64Array.of(0.5), cliff);
  const [next, info] = sampler.step(fakeRng(0.9, [3]), state, cliff, { stepSize: 0.8, inverseMassMatrix: Float64Array.of(1) });
  t.ok(info.isDivergent, 'divergent');
  t.ok(Number.isFinite(next.logDensity), 'the draw is a finite state');
  t.ok(Math.abs(hamiltonian(euclideanMetric(Float64Array.of(1), 1), { ...next, momentum: Float64Array.of(0) })) < Infinity);
  t.end();
});
