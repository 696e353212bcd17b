import { describe, expect, it } from 'vitest';
import { MemoryAcceptorStorage } from '../../src/memory-storage.ts';
import { EMPTY_ACCEPTOR, leaderValue } from '../../src/paxos/types.ts';

describe('MemoryAcceptorStorage', () => {
  it('returns the empty record for what was never saved, and what was saved otherwise', () => {
    const storage = new MemoryAcceptorStorage();
    expect(storage.load('c1', 3)).toEqual(EMPTY_ACCEPTOR);
    storage.save('c1', 3, { prom: [2, 1], bal: [0, 0], val: null });
    expect(storage.load('c1', 3)).toEqual({ prom: [2, 1], bal: [0, 0], val: null });
  });

  it('knows the latest sequence touched per log (the spec LatestTouched)', () => {
    const storage = new MemoryAcceptorStorage();
    storage.save('c1', 4, { prom: [1, 1], bal: [0, 0], val: null });
    storage.save('c1', 2, { prom: [1, 1], bal: [1, 1], val: { bound: 5, pid: 1 } });
    storage.save('c2', 9, EMPTY_ACCEPTOR);
    expect(storage.latestTouched('c1')).toBe(4);
    expect(storage.latestTouched('c2')).toBe(0);
    expect(storage.latestTouched('leader')).toBe(0);
  });

  it('keeps every acceptance, not only the latest, listed from a sequence on', () => {
    const storage = new MemoryAcceptorStorage();
    const v = leaderValue(1);
    for (const q of [5, 1, 3, 2]) storage.save('leader', q, { prom: [q, 1], bal: [q, 1], val: v });
    storage.save('leader', 2, { prom: [9, 3], bal: [9, 3], val: leaderValue(3) });
    storage.save('leader', 2, { prom: [10, 2], bal: [9, 3], val: leaderValue(3) });
    expect(storage.acceptancesFrom('leader', 2, 2)).toEqual([
      { seq: 2, bal: [2, 1], val: { leader: 1 } },
      { seq: 2, bal: [9, 3], val: { leader: 3 } },
      { seq: 3, bal: [3, 1], val: { leader: 1 } },
    ]);
    expect(storage.acceptancesFrom('leader', 1, 10).map((a) => a.seq)).toEqual([1, 2, 2, 3, 5]);
    expect(storage.load('leader', 2)).toEqual({ prom: [10, 2], bal: [9, 3], val: { leader: 3 } });
  });
});
