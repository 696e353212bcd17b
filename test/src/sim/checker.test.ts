import { describe, expect, it } from 'vitest';
import type { AcceptedMsg } from '../../../src/paxos/messages.ts';
import type { Ballot, LogValue } from '../../../src/paxos/types.ts';
import { Checker } from '../../../src/sim/checker.ts';

const accepted = (
  from: number,
  log: string,
  seq: number,
  bal: Ballot,
  val: LogValue,
): AcceptedMsg => ({
  type: 'accepted',
  log,
  seq,
  bal,
  from,
  val,
});

/** A checker in which bound `bound` was chosen at sequence `seq` of c1 by servers 1 and 2. */
function withBound(bound: number, seq = 1, checker = new Checker(2)): Checker {
  for (const from of [1, 2])
    checker.onAccepted(accepted(from, 'c1', seq, [1, 1], { bound, pid: 1 }), 0);
  return checker;
}

describe('Checker', () => {
  it('accepts a run where one value is chosen per sequence, even at several ballots', () => {
    const checker = new Checker(2);
    for (const [from, n] of [
      [1, 1],
      [2, 1],
      [2, 2],
      [3, 2],
    ] as const) {
      checker.onAccepted(accepted(from, 'leader', 1, [n, 1], 1), 0);
    }
    checker.onLearn(3, 'leader', 1, 1, 0);
    expect(checker.violation).toBeNull();
    expect(checker.chosenCount()).toBe(1);
  });

  it('finds two values chosen at one sequence (Agreement)', () => {
    const checker = new Checker(2);
    checker.onAccepted(accepted(1, 'leader', 1, [1, 1], 1), 10);
    checker.onAccepted(accepted(2, 'leader', 1, [1, 1], 1), 10);
    checker.onAccepted(accepted(2, 'leader', 1, [2, 3], 3), 20);
    checker.onAccepted(accepted(3, 'leader', 1, [2, 3], 3), 20);
    expect(checker.violation).toMatchObject({ property: 'Agreement', time: 20 });
  });

  it('finds a server learning a value that was not chosen', () => {
    const checker = new Checker(2);
    checker.onAccepted(accepted(1, 'leader', 1, [1, 1], 1), 0);
    checker.onLearn(2, 'leader', 1, 1, 5);
    expect(checker.violation?.property).toBe('LearnedIsChosen');
  });

  it('finds a bound chosen below the bound of an earlier sequence', () => {
    const checker = withBound(100, 1);
    withBound(50, 2, checker);
    expect(checker.violation?.property).toBe('BoundsIncrease');
  });

  it('accepts increasing timestamps within the agreed bound', () => {
    const checker = withBound(100);
    checker.onServed('c1', 1, 10, checker.onInvoke('c1'), 0);
    checker.onServed('c1', 11, 11, checker.onInvoke('c1'), 0);
    expect(checker.violation).toBeNull();
    expect(checker.responsesChecked).toBe(2);
  });

  it('finds a timestamp at or below one returned before the request was invoked', () => {
    const checker = withBound(100);
    checker.onServed('c1', 20, 20, checker.onInvoke('c1'), 0);
    checker.onServed('c1', 15, 15, checker.onInvoke('c1'), 7);
    expect(checker.violation).toMatchObject({ property: 'RealTimeOrder', time: 7 });
  });

  it('allows concurrent requests in any order, but never the same timestamp twice', () => {
    const checker = withBound(100);
    const floorA = checker.onInvoke('c1');
    const floorB = checker.onInvoke('c1');
    checker.onServed('c1', 20, 29, floorA, 0);
    checker.onServed('c1', 10, 19, floorB, 0);
    expect(checker.violation).toBeNull();
    checker.onServed('c1', 25, 25, floorB, 0);
    expect(checker.violation?.property).toBe('UniqueTimestamps');
  });

  it('finds a timestamp above every agreed bound', () => {
    const checker = withBound(100);
    checker.onServed('c1', 95, 101, checker.onInvoke('c1'), 0);
    expect(checker.violation?.property).toBe('WithinAgreedBound');
  });

  it('keeps clients apart: the same timestamp for two clients is fine', () => {
    const checker = withBound(100);
    for (const from of [1, 2])
      checker.onAccepted(accepted(from, 'c2', 1, [1, 1], { bound: 100, pid: 1 }), 0);
    checker.onServed('c1', 1, 5, checker.onInvoke('c1'), 0);
    checker.onServed('c2', 1, 5, checker.onInvoke('c2'), 0);
    expect(checker.violation).toBeNull();
  });
});
