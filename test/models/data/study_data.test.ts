/** The study data format: every validation error, reading a file, and the flat per-group arrays. */
import test from 'tape';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTempDir } from '../../helpers/temp_dir.js';
import { rotatedMoons } from '../../../models/data/moons.js';
import { validateStudyData, loadStudyData, studyToArrays, type StudyData } from '../../../models/data/study_data.js';

function validStudy(): StudyData {
  return {
    Xs_train: [[[0, 1], [1, 0]], [[0.5, 0.5]]],
    Ys_train: [[0, 1], [1]],
    Xs_test: [[[2, 2]], [[-1, -1], [3, 3]]],
    Ys_test: [[1], [0, 0]],
  };
}

test('validateStudyData: accepts valid data and returns an independent copy', (t) => {
  const input = validStudy();
  const out = validateStudyData(input);
  t.deepEqual(out, validStudy(), 'valid data passes unchanged');
  input.Xs_train[0][0][0] = 99;
  t.equal(out.Xs_train[0][0][0], 0, 'the result does not share arrays with the input');
  t.deepEqual(validateStudyData(JSON.parse(JSON.stringify(rotatedMoons({ groups: 3 })))), rotatedMoons({ groups: 3 }), 'generated data round-trips through JSON');
  t.end();
});

test('validateStudyData: every error names the field, the index and the bad value', (t) => {
  type Mutation = (d: any) => unknown;
  const cases: [string, Mutation, RegExp][] = [
    ['null', () => null, /^Error: data: expected an object with fields Xs_train, Ys_train, Xs_test, Ys_test, got null$/],
    ['array', () => [], /expected an object .*, got an array of length 0$/],
    ['number', () => 5, /expected an object .*, got 5$/],
    ['missing Xs_train', (d) => { delete d.Xs_train; }, /^Error: data: missing field 'Xs_train'$/],
    ['missing Ys_train', (d) => { delete d.Ys_train; }, /^Error: data: missing field 'Ys_train'$/],
    ['missing Xs_test', (d) => { delete d.Xs_test; }, /^Error: data: missing field 'Xs_test'$/],
    ['missing Ys_test', (d) => { delete d.Ys_test; }, /^Error: data: missing field 'Ys_test'$/],
    ['Xs_train not an array', (d) => { d.Xs_train = 'abc'; }, /^Error: data: Xs_train is the string "abc", expected an array$/],
    ['Ys_test not an array', (d) => { d.Ys_test = { a: 1 }; }, /^Error: data: Ys_test is an object, expected an array$/],
    ['no groups', (d) => { d.Xs_train = []; d.Ys_train = []; }, /^Error: data: Xs_train has no groups$/],
    ['Ys_train group count', (d) => { d.Ys_train.pop(); }, /^Error: data: Ys_train has 1 groups, expected 2 \(as Xs_train\)$/],
    ['Xs_test group count', (d) => { d.Xs_test.push([[0, 0]]); }, /^Error: data: Xs_test has 3 groups, expected 2 \(as Xs_train\)$/],
    ['Ys_test group count', (d) => { d.Ys_test = [[1]]; }, /^Error: data: Ys_test has 1 groups, expected 2 \(as Xs_train\)$/],
    ['group not an array', (d) => { d.Xs_train[1] = 3; }, /^Error: data: Xs_train\[1\] is 3, expected an array$/],
    ['labels not an array', (d) => { d.Ys_test[0] = null; }, /^Error: data: Ys_test\[0\] is null, expected an array$/],
    ['empty group', (d) => { d.Xs_test[1] = []; d.Ys_test[1] = []; }, /^Error: data: Xs_test\[1\] has no points$/],
    ['label count', (d) => { d.Ys_train[0].push(1); }, /^Error: data: Ys_train\[0\] has length 3, expected 2 \(the length of Xs_train\[0\]\)$/],
    ['ragged point', (d) => { d.Xs_train[0][1] = [1, 2, 3]; }, /^Error: data: Xs_train\[0\]\[1\] has length 3, expected 2$/],
    ['short point', (d) => { d.Xs_test[1][1] = [1]; }, /^Error: data: Xs_test\[1\]\[1\] has length 1, expected 2$/],
    ['point not an array', (d) => { d.Xs_train[1][0] = 0.5; }, /^Error: data: Xs_train\[1\]\[0\] is 0.5, expected an array$/],
    ['NaN', (d) => { d.Xs_train[0][1][1] = NaN; }, /^Error: data: Xs_train\[0\]\[1\]\[1\] is NaN, expected a finite number$/],
    ['Infinity', (d) => { d.Xs_test[0][0][0] = -Infinity; }, /^Error: data: Xs_test\[0\]\[0\]\[0\] is -Infinity, expected a finite number$/],
    ['null coordinate (JSON of NaN)', (d) => { d.Xs_train[1][0][0] = null; }, /^Error: data: Xs_train\[1\]\[0\]\[0\] is null, expected a finite number$/],
    ['string coordinate', (d) => { d.Xs_train[1][0][1] = '0.5'; }, /^Error: data: Xs_train\[1\]\[0\]\[1\] is the string "0.5", expected a finite number$/],
    ['label 2', (d) => { d.Ys_train[0][1] = 2; }, /^Error: data: Ys_train\[0\]\[1\] is 2, expected 0 or 1$/],
    ['label 0.5', (d) => { d.Ys_test[1][0] = 0.5; }, /^Error: data: Ys_test\[1\]\[0\] is 0.5, expected 0 or 1$/],
    ['label -1', (d) => { d.Ys_test[1][1] = -1; }, /^Error: data: Ys_test\[1\]\[1\] is -1, expected 0 or 1$/],
    ['label "1"', (d) => { d.Ys_train[1][0] = '1'; }, /^Error: data: Ys_train\[1\]\[0\] is the string "1", expected 0 or 1$/],
    ['label true', (d) => { d.Ys_train[1][0] = true; }, /^Error: data: Ys_train\[1\]\[0\] is a boolean, expected 0 or 1$/],
    ['label NaN', (d) => { d.Ys_train[0][0] = NaN; }, /^Error: data: Ys_train\[0\]\[0\] is NaN, expected 0 or 1$/],
  ];
  for (const [name, mutate, pattern] of cases) {
    const d = validStudy();
    const replaced = mutate(d);
    const input = replaced === undefined ? d : replaced;
    t.throws(() => validateStudyData(input), pattern, name);
  }
  t.throws(() => validateStudyData(null, 'my.json'), /^Error: my\.json: expected an object/, 'errors start with the source');
  t.end();
});

test('loadStudyData: reads and validates a file; errors name the path', (t) => {
  withTempDir('hbnn-data-', (dir) => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(rotatedMoons({ groups: 2, seed: 4 })));
    t.deepEqual(loadStudyData(good), rotatedMoons({ groups: 2, seed: 4 }), 'round trip through a file');
    const missing = join(dir, 'missing.json');
    t.throws(() => loadStudyData(missing), new RegExp(`cannot read study data file '${missing}': ENOENT`), 'missing file');
    t.throws(() => loadStudyData(dir), new RegExp(`cannot read study data file '${dir}': EISDIR`), 'a directory');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"Xs_train": [');
    t.throws(() => loadStudyData(bad), new RegExp(`study data file '${bad}' is not valid JSON`), 'invalid JSON');
    const wrong = join(dir, 'wrong.json');
    const d = validStudy();
    d.Ys_test[1][1] = 3;
    writeFileSync(wrong, JSON.stringify(d));
    t.throws(() => loadStudyData(wrong), new RegExp(`^Error: ${wrong}: Ys_test\\[1\\]\\[1\\] is 3, expected 0 or 1$`), 'validation errors name the file');
  });
  t.end();
});

test('studyToArrays: n × 2 row-major Float64Arrays per group, train and test', (t) => {
  const { train, test: testSets } = studyToArrays(validStudy());
  t.equal(train.length, 2, 'one entry per group (train)');
  t.equal(testSets.length, 2, 'one entry per group (test)');
  t.deepEqual(Array.from(train[0].X), [0, 1, 1, 0], 'train group 0: X row-major');
  t.deepEqual(Array.from(train[0].y), [0, 1], 'train group 0: y');
  t.equal(train[1].n, 1, 'train group 1: n');
  t.deepEqual(Array.from(testSets[1].X), [-1, -1, 3, 3], 'test group 1: X row-major');
  t.ok(testSets[1].X instanceof Float64Array && testSets[1].y instanceof Float64Array, 'Float64Arrays');
  t.equal(testSets[0].n, 1, 'test group 0: n');
  t.ok([...train, ...testSets].every((g) => g.inputs === 2), 'two inputs per point, as the BNNs read GroupArrays');
  t.end();
});

test('models/data/index.ts: the generator and the format behind one import (the package root exports it as `data`)', async (t) => {
  const data = await import('../../../models/data/index.js');
  const root = await import('../../../index.js');
  for (const name of ['makeMoons', 'standardize', 'rotate', 'rotatedMoons', 'rotatedMoonsWithAngles', 'STUDY_GROUPS', 'validateStudyData', 'loadStudyData', 'studyToArrays']) {
    t.ok(name in data, `${name} in models/data`);
    t.equal((root.data as Record<string, unknown>)[name], (data as Record<string, unknown>)[name], `data.${name} at the package root`);
  }
  t.end();
});
