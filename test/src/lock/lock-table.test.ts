/**
 * The lock table of one namespace: exclusive locks on sets of descriptors, all or nothing, FIFO
 * per descriptor. Random sequences of requests, grants and releases (fixed seed) check that no
 * two held locks share a descriptor, that no waiter is passed over by a later one on a shared
 * descriptor, and that some waiter can always go ahead when nothing is held.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockTable, NO_LOCK, type LockSlot } from '../../../src/lock/lock-table.ts';

const DESCRIPTORS = ['a', 'b', 'c', 'd'];
const always = () => true;

function held(table: LockTable): LockSlot[] {
  return [...table.all()].filter((s) => s.entry.st !== 'waiting');
}

type Op =
  | { kind: 'request'; descs: string[] }
  | { kind: 'grant' }
  | { kind: 'release'; pick: number }
  | { kind: 'refresh'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc
    .subarray(DESCRIPTORS, { minLength: 0, maxLength: 3 })
    .map((descs) => ({ kind: 'request' as const, descs })),
  fc.constant({ kind: 'grant' as const }),
  fc.nat(20).map((pick) => ({ kind: 'release' as const, pick })),
  fc.nat(20).map((pick) => ({ kind: 'refresh' as const, pick })),
);

describe('LockTable', () => {
  it('grants all or nothing, in arrival order, and reports what it wrote', () => {
    const table = new LockTable();
    table.request('w1', ['a', 'b'], 0, 100, 50);
    table.request('w2', ['b'], 0, 100, 50);
    table.request('w3', ['c'], 0, 100, 50);
    expect(table.takeChanges()).toEqual({
      w1: { st: 'waiting', descs: ['a', 'b'], after: 0, fencing: 0, term: 0 },
      w2: { st: 'waiting', descs: ['b'], after: 0, fencing: 0, term: 0 },
      w3: { st: 'waiting', descs: ['c'], after: 0, fencing: 0, term: 0 },
    });
    const first = table.firstGrantable(always)!;
    expect(first.id).toBe('w1');
    table.grant(first, 7, 2, 10);
    expect(first.entry).toEqual({ st: 'held', descs: ['a', 'b'], after: 0, fencing: 7, term: 2 });
    expect(first.deadline).toBe(60);
    // w2 waits for b; w3 is free to go.
    expect(table.firstGrantable(always)!.id).toBe('w3');
    table.release(first);
    expect(table.takeChanges()).toMatchObject({ w1: NO_LOCK });
    expect(table.firstGrantable(always)!.id).toBe('w2');
  });

  it('lets a later waiter go first only on descriptors no earlier waiter asks for', () => {
    const table = new LockTable();
    table.request('holder', ['a'], 0, 100, 50);
    table.grant(table.firstGrantable(always)!, 1, 1, 0);
    table.request('early', ['a', 'b'], 0, 100, 50);
    table.request('late', ['b'], 0, 100, 50);
    // late shares b with early, which arrived first: it waits although b is free.
    expect(table.firstGrantable(always)).toBeUndefined();
  });

  it('expires by deadline: a waiter at its acquire timeout, a holder at its lease end', () => {
    const table = new LockTable();
    table.request('w', ['a'], 0, 30, 50);
    expect(table.nextDeadline()).toBe(30);
    expect(table.firstExpired(29)).toBeUndefined();
    expect(table.firstExpired(30)?.id).toBe('w');
    const slot = table.firstGrantable(always)!;
    table.grant(slot, 1, 1, 10);
    expect(table.firstExpired(59)).toBeUndefined();
    table.refreshRequest(slot, 3, 1000);
    // A pending refresh ends when the lease would have.
    expect(slot.deadline).toBe(60);
    table.refreshed(slot, 40);
    expect(slot.entry.st).toBe('held');
    expect(table.nextDeadline()).toBe(90);
  });

  it('knows the least immutable timestamp held, and not one only waited for', () => {
    const table = new LockTable();
    table.request('i1', [], 0, 100, 50);
    table.request('i2', [], 0, 100, 50);
    expect(table.leastImmutable()).toBeNull();
    table.grant(table.get('i2')!, 9, 1, 0);
    table.grant(table.get('i1')!, 12, 1, 0);
    expect(table.leastImmutable()).toBe(9);
    table.release(table.get('i2')!);
    expect(table.leastImmutable()).toBe(12);
  });

  it('never holds two overlapping locks, never passes a waiter over, never deadlocks', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const table = new LockTable();
        const arrival = new Map<string, number>();
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'request') {
            const id = `l${n}`;
            arrival.set(id, n++);
            table.request(id, o.descs, 0, 1000, 100);
          } else if (o.kind === 'grant') {
            const slot = table.firstGrantable(always);
            if (slot === undefined) continue;
            // No waiter that arrived earlier shares a descriptor with the one granted.
            for (const w of table.all())
              if (w.entry.st === 'waiting' && arrival.get(w.id)! < arrival.get(slot.id)!)
                expect(w.entry.descs.some((d) => slot.entry.descs.includes(d))).toBe(false);
            table.grant(slot, n, 1, 0);
          } else {
            const slots = [...table.all()];
            if (slots.length === 0) continue;
            const slot = slots[o.pick % slots.length];
            if (o.kind === 'release') table.release(slot);
            else if (slot.entry.st === 'held') table.refreshRequest(slot, 0, 1000);
          }
          const holders = held(table);
          for (const x of holders)
            for (const y of holders)
              if (x !== y) expect(x.entry.descs.some((d) => y.entry.descs.includes(d))).toBe(false);
          if (holders.length === 0 && [...table.all()].length > 0)
            expect(table.firstGrantable(always)).toBeDefined();
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
