import { describe, expect, it } from 'vitest';
import type { AcceptedMsg } from '../../../src/paxos/messages.ts';
import { leaderValue, type Ballot, type LogValue } from '../../../src/paxos/types.ts';
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

const L = leaderValue;

/** A checker of 3 acceptors in which `bound` was chosen at sequence `seq` of c1 by 1 and 2. */
function withBound(bound: number, seq = 1, checker = new Checker(3)): Checker {
  for (const from of [1, 2])
    checker.onAccepted(accepted(from, 'c1', seq, [1, 1], { bound, pid: 1 }), 0);
  return checker;
}

describe('Checker', () => {
  it('accepts a run where one value is chosen per sequence, even at several ballots', () => {
    const checker = new Checker(3);
    for (const [from, n] of [
      [1, 1],
      [2, 1],
      [2, 2],
      [3, 2],
    ] as const) {
      checker.onAccepted(accepted(from, 'leader', 1, [n, 1], L(1)), 0);
    }
    checker.onLearn(3, 'leader', 1, L(1), 0);
    expect(checker.violation).toBeNull();
    expect(checker.chosenCount()).toBe(1);
  });

  it('finds two values chosen at one sequence (Agreement)', () => {
    const checker = new Checker(3);
    checker.onAccepted(accepted(1, 'leader', 1, [1, 1], L(1)), 10);
    checker.onAccepted(accepted(2, 'leader', 1, [1, 1], L(1)), 10);
    checker.onAccepted(accepted(2, 'leader', 1, [2, 3], L(3)), 20);
    expect(checker.violation).toBeNull();
    checker.onAccepted(accepted(3, 'leader', 1, [2, 3], L(3)), 20);
    expect(checker.violation).toMatchObject({ property: 'Agreement', time: 20 });
    expect(checker.violation?.message).toContain('leader 1 and leader 3');
  });

  it('finds a server learning a value that was not chosen', () => {
    const checker = new Checker(3);
    checker.onAccepted(accepted(1, 'leader', 1, [1, 1], L(1)), 0);
    checker.onLearn(2, 'leader', 1, L(1), 5);
    expect(checker.violation).toMatchObject({ property: 'LearnedIsChosen', time: 5 });
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

describe('Checker: quorums and values by its own definitions', () => {
  /** Acceptors `from` accept `v` for leader/1 at ballot [1, 1]; returns the checker. */
  const acceptedBy = (checker: Checker, from: readonly number[], v: LogValue, n = 1) => {
    for (const a of from) checker.onAccepted(accepted(a, 'leader', 1, [n, 1], v), 0);
    return checker;
  };

  it('does not count 2 of 4 acceptors as a quorum, and counts 3 of 4', () => {
    const checker = acceptedBy(new Checker(4), [1, 2], L(1));
    expect(checker.chosenCount()).toBe(0);
    checker.onLearn(3, 'leader', 1, L(1), 0);
    expect(checker.violation?.property).toBe('LearnedIsChosen');
    const three = acceptedBy(new Checker(4), [1, 2, 3], L(1));
    expect(three.chosenCount()).toBe(1);
    three.onLearn(4, 'leader', 1, L(1), 0);
    expect(three.violation).toBeNull();
  });

  it('sees no Agreement violation in two values each accepted by half of 4 acceptors', () => {
    const checker = acceptedBy(new Checker(4), [1, 2], L(1), 1);
    acceptedBy(checker, [3, 4], L(2), 2);
    expect(checker.violation).toBeNull();
    expect(checker.chosenCount()).toBe(0);
    acceptedBy(checker, [1], L(2), 2);
    expect(checker.violation).toBeNull();
    expect(checker.chosenCount()).toBe(1);
  });

  it.each([
    [1, 1, 1],
    [2, 1, 0],
    [2, 2, 1],
    [3, 1, 0],
    [3, 2, 1],
    [4, 2, 0],
    [4, 3, 1],
    [5, 2, 0],
    [5, 3, 1],
  ])('of %i acceptors, %i accepting one value at one ballot choose %i values', (n, k, chosen) => {
    const from = Array.from({ length: k }, (_, i) => i + 1);
    expect(acceptedBy(new Checker(n), from, L(1)).chosenCount()).toBe(chosen);
  });

  it('counts an acceptor once, however often its acceptance is seen', () => {
    const checker = acceptedBy(new Checker(3), [1, 1, 1], L(1));
    expect(checker.chosenCount()).toBe(0);
  });

  it('treats equal records as one value whatever the order of their fields', () => {
    const checker = new Checker(3);
    checker.onAccepted(accepted(1, 'c1', 1, [1, 4], { bound: 10, pid: 4 }), 0);
    checker.onAccepted(accepted(2, 'c1', 1, [1, 4], { pid: 4, bound: 10 }), 0);
    expect(checker.chosenCount('c1')).toBe(1);
    checker.onLearn(3, 'c1', 1, { pid: 4, bound: 10 }, 0);
    expect(checker.violation).toBeNull();
  });

  it('tells bound values apart by their instance as well as their bound', () => {
    const checker = new Checker(3);
    for (const from of [1, 2])
      checker.onAccepted(accepted(from, 'c1', 1, [1, 4], { bound: 10, pid: 4 }), 0);
    for (const from of [2, 3])
      checker.onAccepted(accepted(from, 'c1', 1, [2, 5], { bound: 10, pid: 5 }), 0);
    expect(checker.violation?.property).toBe('Agreement');
  });

  it('tells leader values apart, and never takes a leader value for a bound', () => {
    const checker = acceptedBy(new Checker(3), [1, 2], L(2));
    checker.onLearn(3, 'leader', 1, L(1), 0);
    expect(checker.violation?.property).toBe('LearnedIsChosen');
    const leaderInClientLog = new Checker(3);
    for (const from of [1, 2])
      leaderInClientLog.onAccepted(accepted(from, 'c1', 1, [1, 1], L(50)), 0);
    leaderInClientLog.onServed('c1', 1, 1, leaderInClientLog.onInvoke('c1'), 0);
    expect(leaderInClientLog.violation?.property).toBe('WithinAgreedBound');
  });
});
