import { describe, expect, it } from 'vitest';
import type { PromiseMsg } from '../../../src/paxos/messages.ts';
import { nextBallotNumber, ProposerRound, valueFor } from '../../../src/paxos/proposer.ts';
import { leaderValue, type Ballot, type LogValue } from '../../../src/paxos/types.ts';

const promiseFrom = (
  from: number,
  accBal: Ballot = [0, 0],
  accVal: LogValue | null = null,
  bal: Ballot = [5, 1],
): PromiseMsg => ({ type: 'promise', log: 'c1', seq: 2, bal, from, accBal, accVal });

describe('valueFor (the spec ValueFor)', () => {
  it('proposes its own value when no promise reports an accepted one', () => {
    const own = { bound: 9, pid: 1 };
    expect(valueFor([promiseFrom(1), promiseFrom(2)], own)).toEqual(own);
  });

  it('adopts the value of the highest accepted ballot among the promises', () => {
    const v = valueFor(
      [
        promiseFrom(1, [2, 1], { bound: 11, pid: 1 }),
        promiseFrom(2, [3, 1], { bound: 22, pid: 1 }),
        promiseFrom(3, [1, 9], { bound: 33, pid: 9 }),
      ],
      { bound: 9, pid: 5 },
    );
    expect(v).toEqual({ bound: 22, pid: 1 });
  });

  it('adopts a leader value as it adopts a bound: the value is a record, kept whole', () => {
    const promises = [
      { ...promiseFrom(1, [4, 3], leaderValue(3)), log: 'leader' },
      { ...promiseFrom(2), log: 'leader' },
    ];
    expect(valueFor(promises, leaderValue(1))).toEqual({ leader: 3 });
  });

  it('orders equal ballot numbers by proposer id', () => {
    const low = { bound: 10, pid: 4 };
    const high = { bound: 20, pid: 7 };
    expect(
      valueFor([promiseFrom(1, [2, 7], high), promiseFrom(2, [2, 4], low)], { bound: 0, pid: 1 }),
    ).toEqual(high);
  });
});

describe('ProposerRound', () => {
  it('reports the quorum exactly once, and a duplicate promise does not count twice', () => {
    const round = new ProposerRound('c1', 2, [5, 1], 2);
    expect(round.receive(promiseFrom(1))).toBe(false);
    expect(round.receive(promiseFrom(1))).toBe(false);
    expect(round.readyToAccept()).toBe(false);
    expect(round.receive(promiseFrom(2))).toBe(true);
    expect(round.receive(promiseFrom(3))).toBe(false);
    expect(round.readyToAccept()).toBe(true);
  });

  it('ignores promises for another ballot or sequence (stale rounds)', () => {
    const round = new ProposerRound('c1', 2, [5, 1], 1);
    expect(round.receive(promiseFrom(1, [0, 0], null, [4, 1]))).toBe(false);
    expect(round.receive({ ...promiseFrom(1), seq: 3 })).toBe(false);
    expect(round.readyToAccept()).toBe(false);
  });

  it('sends one accept, for the value the first quorum forces, and refuses a second', () => {
    const round = new ProposerRound('c1', 2, [5, 1], 2);
    round.receive(promiseFrom(1));
    round.receive(promiseFrom(2, [3, 2], { bound: 40, pid: 2 }));
    round.receive(promiseFrom(3, [4, 3], { bound: 99, pid: 3 }));
    expect(round.accept({ bound: 50, pid: 1 })).toEqual({
      type: 'accept',
      log: 'c1',
      seq: 2,
      bal: [5, 1],
      val: { bound: 40, pid: 2 },
    });
    expect(() => round.accept({ bound: 50, pid: 1 })).toThrow(/twice/);
  });

  it('refuses to send an accept before a quorum promised', () => {
    const round = new ProposerRound('c1', 2, [5, 1], 2);
    round.receive(promiseFrom(1));
    expect(() => round.accept({ bound: 50, pid: 1 })).toThrow(/without a quorum/);
  });
});

describe('nextBallotNumber', () => {
  it('goes above both the last number used and what its own acceptor promised', () => {
    expect(nextBallotNumber(0, [0, 0])).toBe(1);
    expect(nextBallotNumber(3, [1, 2])).toBe(4);
    expect(nextBallotNumber(0, [7, 2])).toBe(8);
  });

  it('after a restart (nothing remembered), still never reuses a ballot its acceptor promised', () => {
    const usedBeforeCrash: Ballot = [4, 1];
    expect(nextBallotNumber(0, usedBeforeCrash)).toBeGreaterThan(usedBeforeCrash[0]);
  });
});
