import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import type { AcceptorRecord } from '../../../src/paxos/types.ts';
import { delayingDurableWrites } from '../../../src/storage/slow-storage.ts';

describe('a slow disk', () => {
  it('delays each durable write by the delay of the moment, and keeps the data as it was', () => {
    const storage = new MemoryAcceptorStorage();
    const delays: number[] = [];
    let delay = 30;
    const slow = delayingDurableWrites(storage, () => (delays.push(delay), delay));
    const record: AcceptorRecord = { prom: [1, 1], bal: [1, 1], val: { leader: 1 } as never };
    const began = performance.now();
    slow.save('leader', 1, record);
    // It blocks, as a slow fsync through a synchronous binding does.
    expect(performance.now() - began).toBeGreaterThanOrEqual(29);
    delay = 0;
    slow.save('leader', 2, record);
    expect(delays).toEqual([30, 0]);
    expect(slow.load('leader', 1)).toEqual(record);
    expect(slow.latestTouched('leader')).toBe(storage.latestTouched('leader'));
    expect(slow.acceptancesFrom('leader', 1, 10)).toEqual(storage.acceptancesFrom('leader', 1, 10));
    // Reads are not delayed.
    expect(delays).toHaveLength(2);
  });
});
