import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTimestampHistory,
  type TimestampOperation,
} from '../../../conformance/history/index.ts';
import { answered } from '../../support/operations.ts';

/** An answered call, served by `server` under election term `term`. */
const served = (
  caller: string,
  invokedAt: number,
  completedAt: number,
  lower: number,
  upper: number,
  server: number,
  term: number,
) => answered(caller, invokedAt, completedAt, lower, upper, { server, term });

const properties = (ops: TimestampOperation[]) =>
  checkTimestampHistory(ops).violations.map((v) => v.property);

describe('LeaderChangeOrder: nothing below an earlier term after a leader change', () => {
  it('catches a leader that regained leadership serving from its old window (TiKV PD #4885)', () => {
    // Server 1 serves 1..100 under term 1; server 2 takes over (term 2) and serves 1001..;
    // server 1 wins term 3 and serves 101.., below what server 2 handed out. The two calls
    // overlap in time, so real-time order cannot tell; the terms can.
    const ops = [
      served('a', 0, 10, 1, 100, 1, 1),
      served('b', 20, 60, 1001, 1001, 2, 2),
      served('c', 50, 70, 101, 101, 1, 3),
    ];
    const result = checkTimestampHistory(ops);
    expect(result.violations.map((v) => v.property)).toEqual(['LeaderChangeOrder']);
    const [v] = result.violations;
    expect(v!.message).toContain('term 3');
    expect(v!.message).toContain('the earlier term 2');
    expect(v!.operations).toEqual([ops[1], ops[2]]);
  });

  it('passes leader changes where each term starts above the last', () => {
    const ops = [
      served('a', 0, 10, 1, 100, 1, 1),
      served('b', 5, 15, 101, 101, 1, 1),
      served('a', 20, 30, 2001, 2001, 2, 2),
      // an old leader's late answer from its own window is not a violation of this property
      served('c', 25, 35, 102, 102, 1, 1),
      served('b', 40, 50, 5001, 5050, 1, 3),
    ];
    expect(properties(ops)).toEqual([]);
  });

  it('leaves out answers that carry no term', () => {
    const ops: TimestampOperation[] = [
      served('a', 0, 10, 500, 500, 1, 2),
      {
        caller: 'b',
        namespace: 'ns',
        invokedAt: 0,
        completedAt: 10,
        outcome: { kind: 'ok', lower: 1, upper: 1 },
      },
    ];
    expect(properties(ops)).toEqual([]);
  });
});

describe('OneLeaderPerTerm: one server serves under a term', () => {
  it('catches two servers serving under the same term (an election that disagreed)', () => {
    const ops = [served('a', 0, 10, 1, 1, 1, 4), served('b', 1, 11, 2, 2, 2, 4)];
    const result = checkTimestampHistory(ops);
    expect(result.violations.map((v) => v.property)).toEqual(['OneLeaderPerTerm']);
    expect(result.violations[0]!.message).toMatch(
      /term 4 was served by server 1 .* and by server 2/,
    );
  });

  it('reports a pair of servers once, however many answers repeat it', () => {
    const ops = [served('a', 0, 1, 1, 1, 1, 4)];
    for (let i = 2; i < 50; i++) ops.push(served('b', i, i + 1, i, i, 2, 4));
    expect(properties(ops)).toEqual(['OneLeaderPerTerm']);
  });
});

describe('leadership checks over generated histories', () => {
  /**
   * A cluster whose leadership moves now and then: each term has one server, each term's
   * answers lie above the last term's, and calls of different terms may overlap in time.
   */
  const cluster = fc
    .array(
      fc.record({ server: fc.integer({ min: 1, max: 5 }), calls: fc.integer({ min: 1, max: 6 }) }),
      {
        minLength: 1,
        maxLength: 8,
      },
    )
    .map((terms) => {
      const ops: TimestampOperation[] = [];
      let next = 1;
      let t = 0;
      terms.forEach(({ server, calls }, i) => {
        for (let k = 0; k < calls; k++) {
          ops.push(served(`c${k}`, t, t + 15, next, next + k, server, i + 1));
          next += k + 1;
          t += 10;
        }
      });
      return ops;
    });

  it('passes every history of terms that each start above the last', () => {
    fc.assert(
      fc.property(cluster, (ops) => {
        expect(properties(ops)).toEqual([]);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('catches an answer moved below an earlier term', () => {
    fc.assert(
      fc.property(cluster, fc.nat(), (ops, pick) => {
        const terms = new Set(ops.map((o) => (o.outcome.kind === 'ok' ? o.outcome.term : 0)));
        fc.pre(terms.size >= 2);
        // An answer of some term after the first, made to hand out the very first timestamp.
        const later = ops.filter((o) => o.outcome.kind === 'ok' && o.outcome.term !== 1);
        const victim = later[pick % later.length]!;
        const outcome = victim.outcome as Extract<TimestampOperation['outcome'], { kind: 'ok' }>;
        const moved = { ...victim, outcome: { ...outcome, lower: 1, upper: 1 } };
        const result = properties(ops.map((o) => (o === victim ? moved : o)));
        expect(result).toContain('LeaderChangeOrder');
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});
