/**
 * Locks under every fault kind: clients lock, increment fenced counters under the lock, refresh
 * and unlock, while messages are lost, duplicated and delayed, servers crash and the cluster
 * splits. No counter ever accepts a write over one its writer did not read (NoLostUpdate), the
 * timestamp properties hold with fencing tokens drawn from the same timestamps, and across the
 * runs the fencing really is put to work: some writes of superseded holders are turned away.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryRun, assertForAllRuns } from '../support/arbitrary-runs.ts';

describe('locks hold under arbitrary fault schedules and seeds', () => {
  it('no lost update, every fault kind, and stale holders fenced off', { timeout: 180_000 }, () => {
    const seen = { granted: 0, lost: 0, fencedOff: 0, increments: 0 };
    assertForAllRuns(
      arbitraryRun({ maxSteps: 5000, lockClients: fc.integer({ min: 1, max: 4 }) }),
      1000,
      (r) => {
        seen.granted += r.locks.granted;
        seen.lost += r.locks.lost;
        seen.fencedOff += r.locks.fencedOff;
        seen.increments += r.locks.increments;
        return r.violation === null ? null : `${r.violation.property}: ${r.violation.message}`;
      },
    );
    expect(seen.granted).toBeGreaterThan(1000);
    expect(seen.increments).toBeGreaterThan(1000);
    expect(seen.lost).toBeGreaterThan(0);
    expect(seen.fencedOff).toBeGreaterThan(0);
  });
});
