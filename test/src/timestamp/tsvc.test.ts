import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundAgreed,
  extend,
  finishForcing,
  instanceId,
  OFF,
  ownValue,
  recover,
  serve,
  startService,
  type Tsvc,
} from '../../../src/timestamp/tsvc.ts';

/** Server 1's third instance in a cluster of 3: check number 3, identity 7. */
const started = () => startService(3, instanceId(1, 3, 3), 2);
const serving: Tsvc = { ...started(), phase: 'serving', seq: 3, limit: 100, counter: 95 };

describe('instanceId (the spec InstanceId)', () => {
  it('numbers the k-th instance of server s as (k - 1) * N + s', () => {
    expect([1, 2, 3].map((s) => instanceId(s, 1, 3))).toEqual([1, 2, 3]);
    expect([1, 2, 3].map((s) => instanceId(s, 2, 3))).toEqual([4, 5, 6]);
    expect(instanceId(1, 3, 3)).toBe(7);
    expect(instanceId(1, 5, 1)).toBe(5);
  });

  it('gives distinct identities to distinct (server, number) pairs, across servers', () => {
    const cluster = fc
      .integer({ min: 1, max: 9 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.record({ s: fc.integer({ min: 1, max: n }), k: fc.integer({ min: 1, max: 100_000 }) }),
          fc.record({ s: fc.integer({ min: 1, max: n }), k: fc.integer({ min: 1, max: 100_000 }) }),
        ),
      );
    fc.assert(
      fc.property(cluster, ([n, a, b]) => {
        const same = a.s === b.s && a.k === b.k;
        expect(instanceId(a.s, a.k, n) === instanceId(b.s, b.k, n)).toBe(same);
      }),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('is a positive proposer id that names its server, and grows with the server number k', () => {
    const pairs = fc
      .integer({ min: 1, max: 9 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.integer({ min: 1, max: n }),
          fc.integer({ min: 1, max: 100_000 }),
        ),
      );
    fc.assert(
      fc.property(pairs, ([n, s, k]) => {
        const id = instanceId(s, k, n);
        expect(id).toBeGreaterThanOrEqual(1);
        expect(((id - 1) % n) + 1).toBe(s);
        expect(instanceId(s, k + 1, n)).toBeGreaterThan(id);
      }),
      { seed: 4242, numRuns: 1000 },
    );
  });
});

describe('timestamp-service transitions', () => {
  it('starts recovering with its identity, its recovery check being the number it came from', () => {
    expect(started()).toEqual({ ...OFF, phase: 'recovering', id: 7, term: 2, check: 3 });
  });

  it('recovers from an empty log at 0', () => {
    expect(recover(started(), 0, null)).toMatchObject({
      phase: 'serving',
      seq: 0,
      limit: 0,
      counter: 0,
    });
  });

  it('recovers above the bound learned at the latest sequence', () => {
    expect(recover(started(), 4, { bound: 400, pid: 3 })).toMatchObject({
      phase: 'serving',
      seq: 4,
      limit: 400,
      counter: 400,
    });
  });

  it('forces agreement at the latest sequence when it has not learned it', () => {
    expect(recover(started(), 4, null)).toMatchObject({ phase: 'forcing', seq: 4 });
  });

  it('finishes forcing at the forced bound: the first timestamp served is above it', () => {
    const forcing = { ...started(), phase: 'forcing', seq: 4 } as const;
    expect(finishForcing(forcing, { bound: 400, pid: 3 })).toMatchObject({
      limit: 400,
      counter: 400,
    });
  });

  it('forcing proposes the previous bound unchanged; extending proposes one step higher', () => {
    const forcing: Tsvc = { ...started(), phase: 'forcing', seq: 4 };
    expect(ownValue(forcing, { bound: 300, pid: 1 }, 50)).toEqual({ bound: 300, pid: 7 });
    expect(ownValue({ ...forcing, seq: 1 }, null, 50)).toEqual({ bound: 0, pid: 7 });
    expect(ownValue(extend(serving), null, 50)).toEqual({ bound: 150, pid: 7 });
  });

  it('serves up to the agreed bound after winning the extension', () => {
    const extending = extend(serving);
    expect(extending).toMatchObject({ phase: 'extending', seq: 4 });
    expect(boundAgreed(extending, { bound: 150, pid: 7 }, 50)).toMatchObject({
      phase: 'serving',
      limit: 150,
    });
  });

  it('stops for good when another identity won the sequence', () => {
    expect(boundAgreed(extend(serving), { bound: 150, pid: 8 }, 50).phase).toBe('stopped');
  });

  it('stops for good when the agreed bound is lower than it asked', () => {
    expect(boundAgreed(extend(serving), { bound: 120, pid: 7 }, 50).phase).toBe('stopped');
  });

  it('serves a contiguous batch, cut at the agreed bound', () => {
    expect(serve(serving, 3)).toEqual({ tsvc: { ...serving, counter: 98 }, first: 96, last: 98 });
    expect(serve(serving, 10)).toEqual({
      tsvc: { ...serving, counter: 100 },
      first: 96,
      last: 100,
    });
  });
});
