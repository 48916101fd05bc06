/**
 * The terminal progress twins: Node's draws cli-progress bars only on a TTY (and not when turned
 * off), the browser's never draws.
 */
import test from 'tape';
import * as nodeBars from '../../../core/platform/terminal_progress.js';
import * as browserBars from '../../../core/platform/terminal_progress.browser.js';
import { fakeStream } from './fake_terminal.js';

test('terminal progress (Node): a group of bars on a TTY shows each bar and its fields', (t) => {
  const s = fakeStream(true);
  const group = nodeBars.openBarGroup('job {name} |{bar}| {value}/{total}{note}', { stream: s.stream });
  t.ok(group !== null, 'drawn on a TTY');
  const a = group!.add(10, { name: 'a', note: '' });
  const b = group!.add(4, { name: 'b', note: '' });
  a.update(3);
  b.update(4, { name: 'b' });
  b.updateFields({ note: ' | done' });
  group!.stop();
  t.ok(s.text().includes('job a |') && s.text().includes('3/10'), 'first bar: name and value');
  t.ok(s.text().includes('4/4 | done'), 'second bar: value and a field updated alone');
  t.end();
});

test('terminal progress (Node): one bar starts at 0 and ends where it was moved', (t) => {
  const s = fakeStream(true);
  const bar = nodeBars.openBar('step [{bar}] {value}/{total} {what}', 8, { what: 'start' }, { stream: s.stream, fps: 10 });
  t.ok(bar !== null, 'drawn on a TTY');
  bar!.update(5, { what: 'half' });
  bar!.stop();
  t.ok(s.text().includes('5/8 half'), 'value and fields shown');
  t.end();
});

test('terminal progress: nothing is drawn off a TTY, when turned off, or in the browser twin', (t) => {
  for (const [enabled, isTTY] of [[true, false], [undefined, false], [false, true]] as const) {
    const s = fakeStream(isTTY);
    t.equal(nodeBars.openBarGroup('{bar}', { enabled, stream: s.stream }), null, `group, enabled ${enabled}, isTTY ${isTTY}: null`);
    t.equal(nodeBars.openBar('{bar}', 3, {}, { enabled, stream: s.stream }), null, `bar, enabled ${enabled}, isTTY ${isTTY}: null`);
    t.equal(s.text(), '', 'and nothing written');
  }
  const s = fakeStream(true);
  t.equal(browserBars.openBarGroup('{bar}', { stream: s.stream }), null, 'browser: no group, even on a TTY');
  t.equal(browserBars.openBar('{bar}', 3, {}, { stream: s.stream }), null, 'browser: no bar');
  t.end();
});
