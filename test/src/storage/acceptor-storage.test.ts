/**
 * The acceptor storage contract (the spec's `acc[a]` and every acceptance made), held by each
 * implementation alike: in memory (tests, the simulator) and in SQLite (real servers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import { EMPTY_ACCEPTOR, leaderValue } from '../../../src/paxos/types.ts';
import type { AcceptorStorage } from '../../../src/ports.ts';
import { SqliteStore } from '../../../src/storage/sqlite-store.ts';

const folders: string[] = [];
const stores: SqliteStore[] = [];
afterAll(() => {
  stores.forEach((s) => s.close());
  folders.forEach((f) => rmSync(f, { recursive: true, force: true }));
});

function sqlite(): AcceptorStorage {
  const folder = mkdtempSync(join(tmpdir(), 'acceptor-storage-'));
  folders.push(folder);
  const store = SqliteStore.open(folder, 1);
  stores.push(store);
  return store;
}

describe.each([
  ['MemoryAcceptorStorage', () => new MemoryAcceptorStorage()],
  ['SqliteStore', sqlite],
])('%s', (_name, make: () => AcceptorStorage) => {
  it('returns the empty record for what was never saved, and what was saved otherwise', () => {
    const storage = make();
    expect(storage.load('c1', 3)).toEqual(EMPTY_ACCEPTOR);
    storage.save('c1', 3, { prom: [2, 1], bal: [0, 0], val: null });
    expect(storage.load('c1', 3)).toEqual({ prom: [2, 1], bal: [0, 0], val: null });
  });

  it('knows the latest sequence touched per log (the spec LatestTouched)', () => {
    const storage = make();
    storage.save('c1', 4, { prom: [1, 1], bal: [0, 0], val: null });
    storage.save('c1', 2, { prom: [1, 1], bal: [1, 1], val: { bound: 5, pid: 1 } });
    storage.save('c2', 9, EMPTY_ACCEPTOR);
    expect(storage.latestTouched('c1')).toBe(4);
    expect(storage.latestTouched('c2')).toBe(0);
    expect(storage.latestTouched('leader')).toBe(0);
  });

  it('keeps every acceptance, not only the latest, listed from a sequence on', () => {
    const storage = make();
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
