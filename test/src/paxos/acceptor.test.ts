import { describe, expect, it } from 'vitest';
import { accept, promise } from '../../../src/paxos/acceptor.ts';
import type { AcceptMsg, PrepareMsg } from '../../../src/paxos/messages.ts';
import {
  EMPTY_ACCEPTOR,
  leaderValue,
  type AcceptorRecord,
  type Ballot,
  type LogValue,
} from '../../../src/paxos/types.ts';

const prepare = (bal: Ballot): PrepareMsg => ({ type: 'prepare', log: 'leader', seq: 1, bal });
const acceptMsg = (bal: Ballot, val: LogValue = leaderValue(2)): AcceptMsg => ({
  type: 'accept',
  log: 'leader',
  seq: 1,
  bal,
  val,
});

describe('acceptor: Promise', () => {
  it('promises a higher ballot, persisting it and reporting what it accepted before', () => {
    const before: AcceptorRecord = { prom: [1, 1], bal: [1, 1], val: leaderValue(1) };
    const step = promise(3, before, prepare([2, 2]));
    expect(step?.record).toEqual({ prom: [2, 2], bal: [1, 1], val: { leader: 1 } });
    expect(step?.reply).toEqual({
      type: 'promise',
      log: 'leader',
      seq: 1,
      bal: [2, 2],
      from: 3,
      accBal: [1, 1],
      accVal: { leader: 1 },
    });
  });

  it('ignores a duplicate prepare for the ballot it already promised', () => {
    const once = promise(1, EMPTY_ACCEPTOR, prepare([1, 2]))!;
    expect(promise(1, once.record, prepare([1, 2]))).toBeNull();
  });

  it('ignores a stale prepare below its promise', () => {
    const record: AcceptorRecord = { prom: [3, 1], bal: [0, 0], val: null };
    expect(promise(1, record, prepare([2, 3]))).toBeNull();
  });

  it('breaks a tie on the ballot number by proposer id', () => {
    const record: AcceptorRecord = { prom: [4, 2], bal: [0, 0], val: null };
    expect(promise(1, record, prepare([4, 1]))).toBeNull();
    expect(promise(1, record, prepare([4, 3]))?.record.prom).toEqual([4, 3]);
  });
});

describe('acceptor: Accept', () => {
  it('accepts at the promised ballot and tells every learner', () => {
    const record: AcceptorRecord = { prom: [2, 1], bal: [0, 0], val: null };
    const step = accept(3, record, acceptMsg([2, 1], leaderValue(7)));
    expect(step?.record).toEqual({ prom: [2, 1], bal: [2, 1], val: { leader: 7 } });
    expect(step?.reply).toEqual({
      type: 'accepted',
      log: 'leader',
      seq: 1,
      bal: [2, 1],
      from: 3,
      val: { leader: 7 },
    });
  });

  it('accepts a higher ballot without a promise, raising its promise with it', () => {
    const step = accept(1, EMPTY_ACCEPTOR, acceptMsg([5, 2]));
    expect(step?.record).toEqual({ prom: [5, 2], bal: [5, 2], val: { leader: 2 } });
  });

  it('refuses an accept below its promise (a stale proposer)', () => {
    const record: AcceptorRecord = { prom: [3, 3], bal: [1, 1], val: leaderValue(1) };
    expect(accept(1, record, acceptMsg([3, 2]))).toBeNull();
  });

  it('accepts a duplicate accept again without changing anything', () => {
    const first = accept(1, EMPTY_ACCEPTOR, acceptMsg([1, 1]))!;
    const again = accept(1, first.record, acceptMsg([1, 1]))!;
    expect(again.record).toEqual(first.record);
    expect(again.reply).toEqual(first.reply);
  });
});
