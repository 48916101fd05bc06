import test from 'tape';
import { allFinite } from '../../core/finite.js';

test('allFinite: true for finite values (and an empty array), false for any NaN or ±Infinity', (t) => {
  t.ok(allFinite(new Float64Array([0, -1.5, Number.MAX_VALUE, -Number.MIN_VALUE])), 'finite values');
  t.ok(allFinite(new Float64Array(0)), 'empty');
  t.ok(allFinite([1, 2, 3]), 'a plain number array');
  for (const bad of [NaN, Infinity, -Infinity]) {
    t.notOk(allFinite(new Float64Array([1, 2, bad])), `${bad} last`);
    t.notOk(allFinite(new Float64Array([bad, 1, 2])), `${bad} first`);
  }
  t.end();
});
