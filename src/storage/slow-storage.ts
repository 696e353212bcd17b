/**
 * A slow disk, for fault campaigns: acceptor storage whose durable writes take longer. The
 * delay blocks the whole process, as a slow fsync does through a synchronous SQLite binding:
 * nothing else happens on the server meanwhile, which is what makes a slow disk dangerous
 * (heartbeats stop, leases run out, requests pile up).
 */
import type { AcceptorStorage } from '../ports.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` milliseconds. */
function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * `storage` with every `save` delayed by `delayMs()` (read at each write, so the delay can
 * change while the server runs) before the write; reads are untouched.
 */
export function delayingDurableWrites(
  storage: AcceptorStorage,
  delayMs: () => number,
): AcceptorStorage {
  return {
    load: (log, seq) => storage.load(log, seq),
    save: (log, seq, record) => {
      blockFor(delayMs());
      storage.save(log, seq, record);
    },
    latestTouched: (log) => storage.latestTouched(log),
    acceptancesFrom: (log, from, limit) => storage.acceptancesFrom(log, from, limit),
  };
}
