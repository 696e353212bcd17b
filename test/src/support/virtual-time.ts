/** Driving a server host in virtual time, for tests of the core through its host. */
import type { ServerHost } from '../../../src/server/host.ts';

/**
 * Lets virtual time pass up to `end`, waking the host whenever it asks; a host that asks for
 * the present again is moved on by a millisecond, so that the loop always ends.
 */
export function runHostUntil(host: ServerHost, time: { now: number }, end: number): void {
  for (let next = host.nextWakeup(); next !== null && next <= end; next = host.nextWakeup()) {
    time.now = Math.max(time.now, next);
    host.wake();
    if (host.nextWakeup()! <= time.now) time.now++;
  }
  time.now = Math.max(time.now, end);
}
