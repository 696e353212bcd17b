import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTimestampHistory,
  MAX_VIOLATIONS_PER_PROPERTY,
  type HistoryViolation,
  type TimestampOperation,
} from '../../../conformance/history/index.ts';
import { answered, unanswered } from '../../support/operations.ts';

const ok = (
  caller: string,
  invokedAt: number,
  completedAt: number,
  lower: number,
  upper = lower,
  namespace = 'ns',
) => answered(caller, invokedAt, completedAt, lower, upper, { namespace });

const failed = (caller: string, invokedAt: number, completedAt: number, namespace = 'ns') =>
  unanswered(caller, invokedAt, completedAt, 'failed', 'timeout', namespace);

function of(violations: readonly HistoryViolation[], property: HistoryViolation['property']) {
  return violations.filter((v) => v.property === property);
}

describe('checkTimestampHistory: valid histories', () => {
  it('passes an empty history', () => {
    expect(checkTimestampHistory([])).toEqual({
      ok: true,
      violations: [],
      stats: { ok: 0, failed: 0, unknown: 0, timestamps: 0, namespaces: 0 },
    });
  });

  it('passes a concurrent history with gaps, and counts what it saw', () => {
    const ops = [
      ok('a', 0, 10, 1, 3),
      ok('b', 2, 12, 5, 9), // concurrent with a: either may be first
      ok('a', 11, 20, 10),
      ok('c', 13, 14, 20, 29), // after a's first and b's: above 9
      failed('b', 13, 40),
      ok('b', 41, 42, 30, 31),
      ok('a', 0, 1, 1, 1, 'other'), // namespaces are independent: 1 again is fine
    ];
    const result = checkTimestampHistory(ops);
    expect(result.violations).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.stats).toEqual({
      ok: 6,
      failed: 1,
      unknown: 0,
      timestamps: 3 + 5 + 1 + 10 + 2 + 1,
      namespaces: 2,
    });
  });

  it('lets operations overlapping in time be ordered either way', () => {
    // b is invoked before a completes: the later-invoked may get the lower range.
    expect(checkTimestampHistory([ok('a', 0, 10, 5), ok('b', 5, 15, 4)]).ok).toBe(true);
    // Intervals that only touch (a completes when b is invoked) are still concurrent.
    expect(checkTimestampHistory([ok('a', 0, 10, 5), ok('b', 10, 15, 4)]).ok).toBe(true);
    // One inside the other.
    expect(checkTimestampHistory([ok('a', 0, 100, 50), ok('b', 10, 20, 7)]).ok).toBe(true);
  });

  it('lets a caller with concurrent calls of its own get them in either order', () => {
    expect(checkTimestampHistory([ok('a', 0, 10, 5), ok('a', 1, 2, 4)]).ok).toBe(true);
  });

  it('takes no constraint from failed operations, whatever happened to them', () => {
    const ops = [
      failed('a', 0, 1),
      ok('b', 2, 3, 1), // below whatever the failed call might have got
      failed('a', 4, 5),
      ok('a', 6, 7, 2),
      failed('c', 8, 9),
    ];
    expect(checkTimestampHistory(ops).ok).toBe(true);
  });
});

describe('checkTimestampHistory: violations', () => {
  it('finds a timestamp handed out twice and names both operations', () => {
    const first = ok('a', 0, 1, 1, 5);
    const second = ok('b', 0, 1, 5, 8); // concurrent: only uniqueness is broken
    const result = checkTimestampHistory([first, ok('c', 0, 1, 9), second]);
    expect(result.ok).toBe(false);
    expect(result.violations).toHaveLength(1);
    const [v] = result.violations;
    expect(v!.property).toBe('UniqueTimestamps');
    expect(v!.operations).toEqual([first, second]);
    expect(v!.message).toContain('namespace "ns"');
    expect(v!.message).toContain('timestamps 5..5');
    expect(v!.message).toContain('caller "a" got 1..5');
    expect(v!.message).toContain('caller "b" got 5..8');
  });

  it('finds ranges inside another, not only at its edge', () => {
    const outer = ok('a', 0, 1, 1, 100);
    const inner = ok('b', 0, 1, 40, 41);
    const further = ok('d', 0, 1, 60, 70); // also inside outer, though not overlapping inner
    const result = checkTimestampHistory([inner, ok('c', 0, 1, 200), further, outer]);
    expect(result.violations.map((v) => [v.property, v.operations])).toEqual([
      ['UniqueTimestamps', [outer, inner]],
      ['UniqueTimestamps', [outer, further]],
    ]);
  });

  it('finds a caller whose timestamps went backwards, before reporting real-time order', () => {
    const earlier = ok('a', 0, 1, 10, 12);
    const later = ok('a', 2, 3, 5);
    const result = checkTimestampHistory([earlier, later]);
    expect(result.violations.map((v) => v.property)).toEqual(['CallerOrder', 'RealTimeOrder']);
    const [byCaller, realTime] = result.violations;
    expect(byCaller!.operations).toEqual([earlier, later]);
    expect(byCaller!.message).toContain('namespace "ns"');
    expect(byCaller!.message).toContain('caller "a" got 5..5 (invoked at 2, completed at 3)');
    expect(byCaller!.message).toContain('10..12 (invoked at 0, completed at 1)');
    expect(realTime!.operations).toEqual([earlier, later]);
  });

  it('finds a call below one another caller completed before it was invoked', () => {
    const earlier = ok('a', 0, 1, 10);
    const later = ok('b', 1.5, 3, 7);
    const result = checkTimestampHistory([ok('c', 0, 5, 1), later, earlier]);
    expect(result.violations).toHaveLength(1);
    const [v] = result.violations;
    expect(v!.property).toBe('RealTimeOrder');
    expect(v!.operations).toEqual([earlier, later]);
    expect(v!.message).toContain('caller "b" got 7..7 (invoked at 1.5, completed at 3)');
    expect(v!.message).toContain('caller "a" got 10..10 (invoked at 0, completed at 1)');
  });

  it('compares with the highest of all completed calls, not only the last to complete', () => {
    const high = ok('a', 0, 1, 50);
    const low = ok('b', 0, 2, 20); // concurrent with high, completed later
    const later = ok('c', 3, 4, 30); // above low, below high
    const result = checkTimestampHistory([high, low, later]);
    expect(result.violations.map((v) => [v.property, v.operations])).toEqual([
      ['RealTimeOrder', [high, later]],
    ]);
  });

  it('does not compare operations of different namespaces', () => {
    const result = checkTimestampHistory([
      ok('a', 0, 1, 10, 10, 'x'),
      ok('a', 2, 3, 5, 5, 'y'),
      ok('b', 2, 3, 10, 10, 'y'),
    ]);
    expect(result.ok).toBe(true);
  });

  it('reports malformed records and leaves them out of the other checks', () => {
    const bad = [
      ok('a', 0, 1, 5, 4),
      ok('a', 0, 1, 1.5, 2),
      ok('a', 5, 4, 1),
      ok('a', Number.NaN, 4, 1),
      failed('b', 3, 2),
    ];
    const result = checkTimestampHistory([ok('c', 0, 1, 1, 10), ...bad]);
    expect(result.violations.map((v) => v.property)).toEqual(bad.map(() => 'WellFormed'));
    expect(result.violations.map((v) => v.operations)).toEqual(bad.map((op) => [op]));
    expect(result.violations[0]!.message).toContain('lower above upper');
    expect(result.violations[2]!.message).toContain('completed before it was invoked');
    expect(result.stats).toEqual({ ok: 5, failed: 1, unknown: 0, timestamps: 10, namespaces: 1 });
  });

  it('lists at most a limit per property and says how many more there were', () => {
    const ops = Array.from({ length: 30 }, (_, i) => ok(`c${i}`, 0, 1, 7));
    const result = checkTimestampHistory(ops);
    const unique = of(result.violations, 'UniqueTimestamps');
    expect(unique).toHaveLength(MAX_VIOLATIONS_PER_PROPERTY + 1);
    expect(unique.at(-1)).toEqual({
      property: 'UniqueTimestamps',
      message: `... and ${29 - MAX_VIOLATIONS_PER_PROPERTY} more UniqueTimestamps violations not listed`,
      operations: [],
    });
    const limited = checkTimestampHistory(ops, { maxPerProperty: 2 });
    expect(limited.violations.map((v) => v.message.startsWith('...'))).toEqual([
      false,
      false,
      true,
    ]);
  });
});

/** A generated history (an object, so that mutation tests can grow it with more facts). */
interface Generated {
  readonly ops: TimestampOperation[];
}

/**
 * Histories linearizable by construction: each operation takes effect at an instant inside its
 * interval, and the namespace's counter serves operations in the order of those instants (with
 * random gaps, as a service may skip timestamps). Some operations fail, and of those some
 * consumed their range anyway. Integer times make touching and equal times frequent.
 */
const histories: fc.Arbitrary<Generated> = fc
  .array(
    fc.record({
      caller: fc.constantFrom('a', 'b', 'c', 'd'),
      namespace: fc.constantFrom('x', 'y'),
      invokedAt: fc.integer({ min: 0, max: 200 }),
      duration: fc.integer({ min: 0, max: 30 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      size: fc.integer({ min: 1, max: 5 }),
      gap: fc.integer({ min: 0, max: 3 }),
      fate: fc.constantFrom('ok', 'ok', 'ok', 'failed', 'lost'),
    }),
    { minLength: 0, maxLength: 40 },
  )
  .map((specs) => {
    const planned = specs.map((s) => ({
      ...s,
      completedAt: s.invokedAt + s.duration,
      point: s.invokedAt + s.at * s.duration,
    }));
    const counters = new Map<string, number>();
    const served = new Map<(typeof planned)[number], TimestampOperation>();
    for (const p of [...planned].sort((a, b) => a.point - b.point)) {
      const lower = (counters.get(p.namespace) ?? 0) + 1 + p.gap;
      const upper = lower + p.size - 1;
      // A call that failed before reaching the service consumed nothing; one whose answer was
      // lost did.
      if (p.fate !== 'failed') counters.set(p.namespace, upper);
      const base = {
        caller: p.caller,
        namespace: p.namespace,
        invokedAt: p.invokedAt,
        completedAt: p.completedAt,
      };
      served.set(
        p,
        p.fate === 'ok'
          ? { ...base, outcome: { kind: 'ok', lower, upper } }
          : { ...base, outcome: { kind: 'failed', error: p.fate } },
      );
    }
    return { ops: planned.map((p) => served.get(p)!) };
  });

type Ok = TimestampOperation & { outcome: { kind: 'ok'; lower: number; upper: number } };

function isOk(op: TimestampOperation): op is Ok {
  return op.outcome.kind === 'ok';
}

function withRange(op: TimestampOperation, lower: number, upper: number): TimestampOperation {
  return { ...op, outcome: { kind: 'ok', lower, upper } };
}

describe('checkTimestampHistory: properties', () => {
  it('passes every history of a sequential counter', () => {
    fc.assert(
      fc.property(histories, ({ ops }) => {
        const result = checkTimestampHistory(ops);
        expect(result.violations).toEqual([]);
        expect(result.stats.ok + result.stats.failed).toBe(ops.length);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('detects an operation made to reuse a timestamp another got', () => {
    fc.assert(
      fc.property(histories, fc.nat(), fc.nat(), fc.nat(), ({ ops }, i, j, k) => {
        const pairs: Array<[number, number]> = [];
        ops.forEach((a, ai) =>
          ops.forEach((b, bi) => {
            if (ai !== bi && isOk(a) && isOk(b) && a.namespace === b.namespace)
              pairs.push([ai, bi]);
          }),
        );
        fc.pre(pairs.length > 0);
        const [ai, bi] = pairs[i % pairs.length]!;
        const a = ops[ai] as Ok;
        const t = a.outcome.lower + (j % (a.outcome.upper - a.outcome.lower + 1));
        const width = k % 3;
        const mutated = withRange(ops[bi]!, t - width, t);
        const history = ops.map((op, n) => (n === bi ? mutated : op));

        const unique = of(checkTimestampHistory(history).violations, 'UniqueTimestamps');
        expect(unique.length).toBeGreaterThan(0);
        // Every other pair of ranges was disjoint: each duplicate involves the mutated operation.
        for (const v of unique) expect(v.operations).toContain(mutated);
        expect(unique.some((v) => v.operations.includes(a))).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('detects an operation made to go below one that completed before it was invoked', () => {
    fc.assert(
      fc.property(histories, fc.nat(), fc.nat(), ({ ops }, i, j) => {
        const pairs: Array<[number, number]> = [];
        ops.forEach((a, ai) =>
          ops.forEach((b, bi) => {
            if (isOk(a) && isOk(b) && a.namespace === b.namespace && a.completedAt < b.invokedAt) {
              pairs.push([ai, bi]);
            }
          }),
        );
        fc.pre(pairs.length > 0);
        const [ai, bi] = pairs[i % pairs.length]!;
        const a = ops[ai] as Ok;
        const b = ops[bi] as Ok;
        const size = b.outcome.upper - b.outcome.lower;
        const top = j % (a.outcome.upper + 1); // at or below a's highest: 0..a.upper
        const mutated = withRange(b, top - size, top);
        const history = ops.map((op, n) => (n === bi ? mutated : op));

        const { violations } = checkTimestampHistory(history);
        const realTime = of(violations, 'RealTimeOrder');
        // Lowering one range breaks real-time order only where it is the later operation, once.
        expect(realTime.map((v) => v.operations[1])).toEqual([mutated]);
        if (a.caller === b.caller) {
          expect(of(violations, 'CallerOrder').map((v) => v.operations[1])).toEqual([mutated]);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('checkTimestampHistory: scale', () => {
  it('checks 100k operations of many concurrent callers quickly', () => {
    const ops: TimestampOperation[] = [];
    let counter = 0;
    for (let i = 0; i < 100_000; i++) {
      // Calls invoked every 0.01 ms, each lasting 0.05 ms, served in invocation order.
      ops.push(ok(`w${i % 16}`, i / 100, i / 100 + 0.05, counter + 1, (counter += 3)));
    }
    const started = performance.now();
    const clean = checkTimestampHistory(ops);
    expect(clean.ok).toBe(true);
    expect(clean.stats.timestamps).toBe(300_000);

    const broken = [...ops];
    broken[50_000] = withRange(ops[50_000]!, 10, 12);
    const result = checkTimestampHistory(broken);
    expect(of(result.violations, 'UniqueTimestamps').map((v) => v.operations[1])).toEqual([
      broken[50_000],
    ]);
    expect(performance.now() - started).toBeLessThan(4000);
  });
});
