import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_FAULTS,
  planFaults,
  sidesOf,
  type FaultKind,
} from '../../../src/cluster/fault-schedule.ts';

const settings = fc.record({
  seed: fc.nat(),
  servers: fc.integer({ min: 1, max: 9 }),
  durationMs: fc.integer({ min: 0, max: 600_000 }),
  kinds: fc.subarray([...CAMPAIGN_FAULTS], { minLength: 1 }),
});

describe('fault plans', () => {
  it('are the same for the same seed, and differ for another', () => {
    const a = planFaults({ seed: 7, servers: 5, durationMs: 120_000 });
    expect(planFaults({ seed: 7, servers: 5, durationMs: 120_000 })).toEqual(a);
    expect(planFaults({ seed: 8, servers: 5, durationMs: 120_000 })).not.toEqual(a);
  });

  it('run one fault at a time, with a gap, each ending before the quiet tail', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const plan = planFaults({ ...s, gapMs: [500, 900], tailMs: 2000 });
        let free = 500;
        plan.forEach((f, i) => {
          expect(f.index).toBe(i);
          expect(f.atMs).toBeGreaterThanOrEqual(free);
          expect(f.atMs + f.durationMs).toBeLessThanOrEqual(s.durationMs - 2000);
          expect(s.kinds).toContain(f.kind);
          free = f.atMs + f.durationMs + 500;
        });
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('deal every kind once before any twice', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const plan = planFaults(s);
        for (let start = 0; start < plan.length; start += s.kinds.length) {
          const round = plan.slice(start, start + s.kinds.length).map((f) => f.kind);
          expect(new Set(round).size).toBe(round.length);
        }
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it('cover every kind in a 30 s campaign with short faults (what CI runs)', () => {
    for (let seed = 0; seed < 50; seed++) {
      const plan = planFaults({
        seed,
        servers: 3,
        durationMs: 30_000,
        faultMs: [1000, 1500],
        gapMs: [800, 1200],
      });
      expect(new Set(plan.map((f) => f.kind)), `seed ${seed}`).toEqual(new Set(CAMPAIGN_FAULTS));
    }
  });

  it('give each kind what it needs, within the bounds the servers tolerate', () => {
    const plan = planFaults({ seed: 3, servers: 5, durationMs: 600_000 });
    const of = (kind: FaultKind) => plan.filter((f) => f.kind === kind);
    for (const f of [...of('kill'), ...of('pause'), ...of('slow-disk'), ...of('isolate')])
      expect(f.target).toBeDefined();
    for (const f of of('isolate')) expect(f.target).toEqual({ role: 'leader' });
    for (const f of [...of('partition'), ...of('bridge')])
      expect([...f.order!].sort()).toEqual([1, 2, 3, 4, 5]);
    // A message held longer than a peer's 1 s timeout would also be sent again.
    for (const f of of('delay')) expect(f.delayMs! + f.jitterMs!).toBeLessThan(1000);
    for (const f of of('loss')) expect(f.loss).toBeGreaterThan(0);
    // The leader is the preferred target, as in the published campaigns.
    const aimed = plan.filter((f) => f.target !== undefined);
    const atLeader = aimed.filter((f) => f.target!.role === 'leader').length;
    expect(atLeader / aimed.length).toBeGreaterThan(0.5);
  });
});

describe('partition sides', () => {
  it('split off a minority, with the leader in it when asked', () => {
    expect(sidesOf({ kind: 'partition', order: [4, 2, 5, 1, 3], leaderAside: true }, 1)).toEqual([
      [1, 4],
      [2, 5, 3],
    ]);
    expect(sidesOf({ kind: 'partition', order: [3, 1, 2], leaderAside: false }, 1)).toEqual([
      [3],
      [1, 2],
    ]);
  });

  it('bridge two halves through one server, never the leader set aside', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }).chain((n) =>
          fc.tuple(
            fc.shuffledSubarray(
              [...Array(n).keys()].map((i) => i + 1),
              { minLength: n },
            ),
            fc.integer({ min: 1, max: n }),
          ),
        ),
        ([order, leader]) => {
          const [a, b] = sidesOf({ kind: 'bridge', order, leaderAside: true }, leader);
          const shared = a!.filter((s) => b!.includes(s));
          expect(shared).toHaveLength(1);
          expect(shared[0]).not.toBe(leader);
          expect(new Set([...a!, ...b!]).size).toBe(order.length);
        },
      ),
      { seed: 4, numRuns: 200 },
    );
  });
});
