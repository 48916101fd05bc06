/** A stand-in for a terminal stream (or a pipe, with isTTY false) that keeps what is written to it. */
import { Writable } from 'node:stream';

export function fakeStream(isTTY: boolean): { stream: Writable & { isTTY: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  Object.assign(stream, { isTTY, columns: 120 });
  return { stream: stream as Writable & { isTTY: boolean }, text: () => chunks.join('') };
}
