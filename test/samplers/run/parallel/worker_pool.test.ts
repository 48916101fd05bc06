import test from 'tape';
import { WorkerPool } from '../../../../samplers/run/parallel/worker_pool.js';
import type { WorkerHandle } from '../../../../core/platform/worker_host.contract.js';
import type { HostMessage, WorkerMessage } from '../../../../samplers/run/parallel/protocol.js';

/** A worker handle that records what the pool does with it. */
function fakeWorker(id: number, log: string[]): WorkerHandle<HostMessage, WorkerMessage> {
  return {
    post: () => {},
    listen: () => () => {},
    terminate: () => void log.push(`terminate ${id}`),
    ref: () => void log.push(`ref ${id}`),
    unref: () => void log.push(`unref ${id}`),
  };
}

test('WorkerPool: reuses idle workers, unrefs them while idle, and replaces a discarded one for a waiter', async (t) => {
  const log: string[] = [];
  let spawned = 0;
  const pool = new WorkerPool(() => fakeWorker(++spawned, log), 2);
  const a = await pool.acquire();
  const b = await pool.acquire();
  t.equal(spawned, 2, 'two workers started for two tasks');
  let third: unknown;
  const waiting = pool.acquire().then((w) => (third = w));
  await Promise.resolve();
  t.equal(third, undefined, 'a third task waits: the pool is at its limit');
  pool.discard(a);
  await waiting;
  t.equal(spawned, 3, 'the discarded worker is replaced for the waiting task');
  pool.release(b);
  t.equal(await pool.acquire(), b, 'a released worker is handed out again');
  t.deepEqual(log, ['terminate 1', 'unref 2', 'ref 2'], 'terminated when discarded; unref while idle, ref when busy again');
  pool.release(b);
  pool.close();
  t.deepEqual(log.slice(3), ['unref 2', 'terminate 2'], 'close terminates the idle workers');
  t.end();
});
