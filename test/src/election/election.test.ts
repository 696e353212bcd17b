import { describe, expect, it } from 'vitest';
import { Election, leaderOf } from '../../../src/election/election.ts';
import { Learner } from '../../../src/paxos/learner.ts';
import { valueFor } from '../../../src/paxos/proposer.ts';
import type { PromiseMsg } from '../../../src/paxos/messages.ts';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import { leaderValue, type LogValue } from '../../../src/paxos/types.ts';
import type { StepEnv } from '../../../src/server/step.ts';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';

function env(now: number, storage = new MemoryAcceptorStorage(), random = 0.5): StepEnv {
  let id = 0;
  return {
    now,
    random: { next: () => random },
    ids: { next: () => ++id, last: () => id },
    storage,
  };
}

const { suspicionMs, backoffMs, roundMs, heartbeatMs } = DEFAULT_TIMINGS;
const promise = (
  from: number,
  seq: number,
  n: number,
  accVal: LogValue | null = null,
): PromiseMsg => ({
  type: 'promise',
  log: 'leader',
  seq,
  bal: [n, 2],
  from,
  accBal: accVal === null ? [0, 0] : [1, 1],
  accVal,
});

/** Runs `decide` until it proposes, returning the proposal step. */
function proposeAt(
  election: Election,
  learner: Learner,
  now: number,
  storage = new MemoryAcceptorStorage(),
) {
  for (let t = now; t < now + 10 * suspicionMs; t++) {
    const step = election.decide(env(t, storage), learner, false);
    if (step?.action?.name === 'ProposeLeadership') return { step, time: t };
  }
  throw new Error('no proposal');
}

describe('Election', () => {
  it('proposes itself at greatest learned + 1 after the suspicion timeout and the injected backoff', () => {
    const learner = new Learner(2);
    for (const from of [1, 3]) {
      learner.receive({
        type: 'accepted',
        log: 'leader',
        seq: 1,
        bal: [1, 1],
        from,
        val: leaderValue(1),
      });
    }
    const election = new Election(2, 3, DEFAULT_TIMINGS, 0);
    election.decide(env(0), learner, false);
    const { step, time } = proposeAt(election, learner, 0);
    expect(time).toBe(suspicionMs + Math.floor(0.5 * backoffMs));
    expect(step.action).toEqual({ name: 'ProposeLeadership', params: { s: 2, q: 2, n: 1 } });
    expect(step.send).toEqual([
      { to: 'all', body: { type: 'prepare', log: 'leader', seq: 2, bal: [1, 2] } },
    ]);
  });

  it('does not propose while the leader it knows sends heartbeats', () => {
    const learner = new Learner(1);
    learner.receive({
      type: 'accepted',
      log: 'leader',
      seq: 1,
      bal: [1, 1],
      from: 1,
      val: leaderValue(1),
    });
    const election = new Election(2, 1, DEFAULT_TIMINGS, 0);
    for (let t = 0; t < 5 * suspicionMs; t += heartbeatMs) {
      election.onHeartbeat({ type: 'heartbeat', from: 1, greatest: 1 }, env(t), learner);
      expect(election.decide(env(t), learner, false)?.action ?? null).toBeNull();
    }
  });

  it('sends its accept after a quorum of promises, adopting a value already accepted', () => {
    const learner = new Learner(2);
    const election = new Election(2, 3, DEFAULT_TIMINGS, 0);
    proposeAt(election, learner, 0);
    expect(election.onPromise(promise(2, 1, 1), valueFor)).toBeNull();
    expect(election.onPromise(promise(2, 1, 1), valueFor)).toBeNull();
    const step = election.onPromise(promise(3, 1, 1, leaderValue(3)), valueFor);
    expect(step?.action).toEqual({ name: 'SendLeaderAccept', params: { s: 2, q: 1, b: [1, 2] } });
    expect(step?.send[0]?.body).toMatchObject({
      type: 'accept',
      seq: 1,
      bal: [1, 2],
      val: { leader: 3 },
    });
  });

  it('proposes its own leader value when no promise reports an accepted one', () => {
    const learner = new Learner(2);
    const election = new Election(2, 3, DEFAULT_TIMINGS, 0);
    proposeAt(election, learner, 0);
    election.onPromise(promise(1, 1, 1), valueFor);
    const step = election.onPromise(promise(3, 1, 1), valueFor);
    expect(step?.send[0]?.body).toMatchObject({ type: 'accept', val: { leader: 2 } });
  });

  it('retries with a higher ballot when the round is not decided in time', () => {
    const learner = new Learner(2);
    const election = new Election(2, 3, DEFAULT_TIMINGS, 0);
    const first = proposeAt(election, learner, 0);
    const retry = proposeAt(election, learner, first.time + roundMs);
    expect(retry.step.action).toEqual({ name: 'ProposeLeadership', params: { s: 2, q: 1, n: 2 } });
  });

  it('after a restart mid-round, proposes above the ballot its own acceptor promised', () => {
    const storage = new MemoryAcceptorStorage();
    storage.save('leader', 1, { prom: [6, 2], bal: [0, 0], val: null });
    const restarted = new Election(2, 3, DEFAULT_TIMINGS, 0);
    const { step } = proposeAt(restarted, new Learner(2), 0, storage);
    expect(step.action).toEqual({ name: 'ProposeLeadership', params: { s: 2, q: 1, n: 7 } });
  });

  it('sends heartbeats when it leads, and none when it must not act as leader', () => {
    const learner = new Learner(1);
    learner.receive({
      type: 'accepted',
      log: 'leader',
      seq: 1,
      bal: [1, 2],
      from: 2,
      val: leaderValue(2),
    });
    expect(leaderOf(learner)).toBe(2);
    const leading = new Election(2, 3, DEFAULT_TIMINGS, 0);
    expect(leading.decide(env(0), learner, true)?.send[0]?.body).toEqual({
      type: 'heartbeat',
      from: 2,
      greatest: 1,
    });
    const abdicated = new Election(2, 3, DEFAULT_TIMINGS, 0);
    expect(abdicated.decide(env(0), learner, false)?.send[0]?.body.type).toBe('catchUp');
  });

  it('asks the leader for missing leader-log values when a heartbeat shows it is behind', () => {
    const election = new Election(2, 3, DEFAULT_TIMINGS, 0);
    const step = election.onHeartbeat(
      { type: 'heartbeat', from: 1, greatest: 4 },
      env(0),
      new Learner(2),
    );
    expect(step?.send).toEqual([{ to: 1, body: { type: 'catchUp', log: 'leader', from: 1 } }]);
  });
});
