import { describe, expect, it } from 'vitest';
import { catchUpAnswer, catchUpRequest } from '../../../src/paxos/catch-up.ts';
import { Learner } from '../../../src/paxos/learner.ts';
import type { AcceptedMsg } from '../../../src/paxos/messages.ts';
import { leaderValue, type Ballot, type LogValue } from '../../../src/paxos/types.ts';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';

const acc = (
  from: number,
  seq: number,
  bal: Ballot,
  val: LogValue,
  log = 'leader',
): AcceptedMsg => ({
  type: 'accepted',
  log,
  seq,
  bal,
  from,
  val,
});

const L = leaderValue;

describe('Learner', () => {
  it('learns a value once a quorum accepted it at one ballot', () => {
    const learner = new Learner(2);
    expect(learner.receive(acc(1, 1, [1, 1], L(1)))).toBeNull();
    expect(learner.receive(acc(2, 1, [1, 1], L(1)))).toEqual({ leader: 1 });
    expect(learner.valueAt('leader', 1)).toEqual({ leader: 1 });
    expect(learner.greatest('leader')).toBe(1);
  });

  it('does not count a duplicate from the same acceptor', () => {
    const learner = new Learner(2);
    learner.receive(acc(1, 1, [1, 1], L(1)));
    expect(learner.receive(acc(1, 1, [1, 1], L(1)))).toBeNull();
    expect(learner.valueAt('leader', 1)).toBeNull();
  });

  it('does not combine acceptances at different ballots', () => {
    const learner = new Learner(2);
    learner.receive(acc(1, 1, [1, 1], L(1)));
    expect(learner.receive(acc(2, 1, [2, 2], L(1)))).toBeNull();
    expect(learner.receive(acc(3, 1, [2, 2], L(1)))).toEqual({ leader: 1 });
  });

  it('does not combine acceptances of different values at one ballot', () => {
    const learner = new Learner(2);
    learner.receive(acc(1, 1, [1, 1], { bound: 10, pid: 1 }, 'c1'));
    expect(learner.receive(acc(2, 1, [1, 1], { bound: 10, pid: 4 }, 'c1'))).toBeNull();
    expect(learner.receive(acc(3, 1, [1, 1], { bound: 20, pid: 1 }, 'c1'))).toBeNull();
    expect(learner.receive(acc(2, 1, [1, 1], { bound: 10, pid: 1 }, 'c1'))).toEqual({
      bound: 10,
      pid: 1,
    });
  });

  it('learns a sequence once; later acceptances of it are ignored', () => {
    const learner = new Learner(2);
    learner.receive(acc(1, 3, [1, 1], L(2)));
    learner.receive(acc(2, 3, [1, 1], L(2)));
    expect(learner.receive(acc(3, 3, [1, 1], L(2)))).toBeNull();
    expect(learner.greatest('leader')).toBe(3);
    expect(learner.greatest('c1')).toBe(0);
  });

  it('lets a peer that restarted catch up from the evidence it kept', () => {
    const learner = new Learner(2);
    for (const seq of [1, 2]) {
      learner.receive(acc(1, seq, [1, 1], L(seq)));
      learner.receive(acc(2, seq, [1, 1], L(seq)));
    }
    const restarted = new Learner(2);
    const answer = catchUpAnswer(
      3,
      catchUpRequest('leader', 1),
      learner,
      new MemoryAcceptorStorage(),
    );
    for (const m of answer) restarted.receive(m);
    expect(restarted.takeChanges()).toEqual({ leader: { 1: { leader: 1 }, 2: { leader: 2 } } });
  });

  it('answers catch-up with every acceptance of its own acceptor, old ones included', () => {
    const storage = new MemoryAcceptorStorage();
    storage.save('c1', 4, { prom: [2, 9], bal: [2, 9], val: { bound: 30, pid: 9 } });
    storage.save('c1', 4, { prom: [3, 8], bal: [3, 8], val: { bound: 30, pid: 9 } });
    storage.save('c1', 5, { prom: [3, 9], bal: [0, 0], val: null });
    const answer = catchUpAnswer(2, catchUpRequest('c1', 4), new Learner(2), storage);
    expect(answer).toEqual([
      acc(2, 4, [2, 9], { bound: 30, pid: 9 }, 'c1'),
      acc(2, 4, [3, 8], { bound: 30, pid: 9 }, 'c1'),
    ]);
  });

  it('learns a value chosen at an old ballot after a later ballot overwrote one of its acceptances', () => {
    // Chosen by acceptors 1 and 2 at [1, 1]; acceptor 2 then accepted the same value at [2, 3].
    const storages = [1, 2].map(() => new MemoryAcceptorStorage());
    storages[0]!.save('c1', 1, { prom: [1, 1], bal: [1, 1], val: { bound: 5, pid: 1 } });
    storages[1]!.save('c1', 1, { prom: [1, 1], bal: [1, 1], val: { bound: 5, pid: 1 } });
    storages[1]!.save('c1', 1, { prom: [2, 3], bal: [2, 3], val: { bound: 5, pid: 1 } });
    const restarted = new Learner(2);
    storages.forEach((storage, i) => {
      for (const m of catchUpAnswer(i + 1, catchUpRequest('c1', 1), new Learner(2), storage))
        restarted.receive(m);
    });
    expect(restarted.valueAt('c1', 1)).toEqual({ bound: 5, pid: 1 });
  });
});

describe('Learner.takeChanges', () => {
  it('reports nothing for a learner that learned nothing', () => {
    expect(new Learner(2).takeChanges()).toBeNull();
  });

  it('reports the entries learned since the last call, each once', () => {
    const learner = new Learner(2);
    for (const from of [1, 2]) learner.receive(acc(from, 1, [1, 1], L(3)));
    expect(learner.takeChanges()).toEqual({ leader: { 1: { leader: 3 } } });
    expect(learner.takeChanges()).toBeNull();
    for (const from of [1, 2]) {
      learner.receive(acc(from, 2, [1, 1], L(1)));
      learner.receive(acc(from, 4, [2, 9], { bound: 50, pid: 9 }, 'c1'));
    }
    expect(learner.takeChanges()).toEqual({
      leader: { 2: { leader: 1 } },
      c1: { 4: { bound: 50, pid: 9 } },
    });
    expect(learner.takeChanges()).toBeNull();
  });

  it('reports nothing after messages that learn nothing: a lone vote, or a sequence already learned', () => {
    const learner = new Learner(2);
    for (const from of [1, 2]) learner.receive(acc(from, 1, [1, 1], L(3)));
    learner.takeChanges();
    learner.receive(acc(3, 1, [1, 1], L(3)));
    learner.receive(acc(1, 1, [2, 2], L(3)));
    learner.receive(acc(2, 1, [2, 2], L(3)));
    learner.receive(acc(1, 2, [1, 1], L(2)));
    expect(learner.takeChanges()).toBeNull();
    expect(learner.valueAt('leader', 2)).toBeNull();
  });

  it('a new learner (a restarted server) reports none of what the old one learned', () => {
    const learner = new Learner(2);
    for (const from of [1, 2]) learner.receive(acc(from, 1, [1, 1], L(3)));
    expect(learner.isEmpty()).toBe(false);
    const restarted = new Learner(2);
    expect(restarted.isEmpty()).toBe(true);
    expect(restarted.takeChanges()).toBeNull();
  });
});
