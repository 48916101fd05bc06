/**
 * The chains' terminal progress: one bar per chain, drawn on a TTY only (through core/platform's
 * terminal bars).
 */
import test from 'tape';
import { createProgress, printRunWarnings } from '../../../samplers/run/progress_bars.js';
import { silentProgress, type ChainProgress } from '../../../samplers/run/progress_events.js';
import { fakeStream } from '../../core/platform/fake_terminal.js';

test('chain progress: one bar per chain, numbered from 1, with phase, speed and divergences on a TTY; silent otherwise', (t) => {
  const s = fakeStream(true);
  // Chain indices are 0-based, as in sample()'s arrays; the bars number them from 1.
  const p = createProgress(true, [0, 1], 10, 20, s.stream);
  p.update({ chain: 0, iteration: 5, divergences: 0 } as ChainProgress);
  p.update({ chain: 1, iteration: 15, divergences: 2 } as ChainProgress);
  p.fail(1, 'boom');
  p.stop();
  t.ok(/chain 1 \|[█░]+\| 5\/30 warmup \| \d+ it\/s \| 0 divergent/.test(s.text()), 'chain 1 in warmup');
  t.ok(/chain 2 \|[█░]+\| 15\/30 sampling \| \d+ it\/s \| 2 divergent \| FAILED: boom/.test(s.text()), 'chain 2 sampling, with its failure');
  t.equal(createProgress(true, [0], 1, 1, fakeStream(false).stream), silentProgress, 'not a TTY: the silent reporter');
  t.equal(createProgress(false, [0], 1, 1, fakeStream(true).stream), silentProgress, 'turned off: the silent reporter');
  t.end();
});

test('printRunWarnings: after the bars, the warnings; computed only where they are shown', (t) => {
  const s = fakeStream(true);
  printRunWarnings(true, () => ['first thing', 'second thing'], s.stream);
  t.equal(s.text(), '\n2 warnings (samplerWarnings(trace) lists them again):\n- first thing\n- second thing\n', 'a TTY gets each warning on a line');
  let computed = false;
  const quiet = fakeStream(false);
  printRunWarnings(true, () => ((computed = true), ['x']), quiet.stream);
  printRunWarnings(false, () => ((computed = true), ['x']), fakeStream(true).stream);
  t.equal(quiet.text(), '', 'not a TTY: nothing printed');
  t.notOk(computed, 'not shown: the diagnostics are not computed');
  const failing = fakeStream(true);
  printRunWarnings(undefined, () => { throw new Error('boom'); }, failing.stream);
  t.match(failing.text(), /the diagnostics could not be computed \(boom\); the draws are in the trace/, 'a failing diagnostic does not fail the run');
  const none = fakeStream(true);
  printRunWarnings(true, () => [], none.stream);
  t.equal(none.text(), '', 'no warnings: nothing printed');
  t.end();
});
