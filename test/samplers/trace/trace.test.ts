import test from 'tape';
import { Trace } from '../../../samplers/trace/trace.js';

function makeTrace(): Trace {
  // 2 chains × 5 draws of a [2]-vector `w` and a scalar `s`: value = 100·chain + 10·draw + column.
  const chains = [0, 1].map((c) => {
    const values = new Float64Array(5 * 3);
    for (let d = 0; d < 5; d++) for (let j = 0; j < 3; j++) values[d * 3 + j] = 100 * c + 10 * d + j;
    return { values, stats: { lp: Float64Array.from({ length: 5 }, (_, d) => -(d + c) || 0), diverging: new Float64Array([0, 1, 0, 0, 1]) } };
  });
  return new Trace({ params: [{ name: 'w', shape: [2] }, { name: 's', shape: [] }], chains });
}

test('trace: get, scalarChains, column names, divergences', (t) => {
  const tr = makeTrace();
  t.equal(tr.chains, 2);
  t.equal(tr.draws, 5);
  t.deepEqual(tr.get('w').shape, [2, 5, 2]);
  t.deepEqual(Array.from(tr.get('s').values.subarray(0, 3)), [2, 12, 22]);
  t.deepEqual(Array.from(tr.scalarChains('w', 1)[1]), [101, 111, 121, 131, 141]);
  t.deepEqual(tr.columnNames(), ['w[0]', 'w[1]', 's']);
  t.equal(tr.numDivergences(), 4);
  t.throws(() => tr.get('nope'), /no parameter 'nope'; parameters are w, s/);
  t.throws(() => tr.scalarChains('w', 2), /index 2 out of range for 'w' of size 2/);
  t.end();
});

test('trace: thin keeps every step-th draw of each chain with its stats', (t) => {
  const tr = makeTrace().thin(2);
  t.equal(tr.draws, 3, 'ceil(5 / 2) draws');
  t.deepEqual(Array.from(tr.scalarChains('s')[1]), [102, 122, 142]);
  t.deepEqual(Array.from(tr.stat('lp')![0]), [0, -2, -4]);
  t.equal(tr.numDivergences(), 2 * 1 + 0, 'divergences of the kept draws');
  t.equal(makeTrace().thin(1).draws, 5, 'step 1 keeps everything');
  t.throws(() => makeTrace().thin(0), /step must be a positive integer, got 0/);
  t.end();
});
