import { describe, expect, it } from 'vitest';
import { Learner } from '../../../src/paxos/learner.ts';
import { valueFor } from '../../../src/paxos/proposer.ts';
import type { BoundValue } from '../../../src/paxos/types.ts';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import type { StepEnv } from '../../../src/server/step.ts';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';
import { TimestampService } from '../../../src/timestamp/service.ts';
import { timestampRules } from '../../../src/timestamp/tsvc.ts';

function setup() {
  let id = 6;
  const env: StepEnv = {
    now: 0,
    random: { next: () => 0 },
    ids: { next: () => ++id, last: () => id },
    storage: new MemoryAcceptorStorage(),
  };
  const learner = new Learner(2);
  const service = new TimestampService({
    self: 1,
    serverCount: 3,
    boundStep: 10,
    timings: DEFAULT_TIMINGS,
    rules: timestampRules,
    valueRule: valueFor,
  });
  const learn = (seq: number, v: BoundValue) => {
    for (const from of [2, 3])
      learner.receive({ type: 'accepted', log: 'c1', seq, bal: [1, 5], from, val: v });
  };
  const pong = (from: number, latest: number) =>
    service.onPong({ type: 'pong', to: 1, log: 'c1', id: 7, from, latest }, learner);
  return { env, learner, service, learn, pong };
}

describe('TimestampService', () => {
  it('starts an instance with a fresh id and pings every acceptor on the client log', () => {
    const { env, service } = setup();
    const step = service.start('c1', 2, env);
    expect(step.action).toEqual({ name: 'StartService', params: { s: 1, c: 'c1' } });
    expect(step.send).toEqual([{ to: 'all', body: { type: 'ping', from: 1, log: 'c1', id: 7 } }]);
  });

  it('recovers from the greatest sequence a quorum touched, when a quorum answered', () => {
    const { env, service, learn, pong } = setup();
    learn(4, { bound: 40, pid: 5 });
    service.start('c1', 2, env);
    expect(pong(2, 4)).toBeNull();
    expect(pong(2, 4)).toBeNull();
    expect(pong(3, 1)?.action?.name).toBe('Recover');
    expect(service.tsvc('c1')).toMatchObject({ phase: 'serving', seq: 4, limit: 40, counter: 40 });
  });

  it('forces the latest sequence when it has not learned it, proposing only once it knows the one before', () => {
    const { env, service, learn, pong, learner } = setup();
    service.start('c1', 2, env);
    pong(2, 3);
    pong(3, 3);
    expect(service.tsvc('c1')).toMatchObject({ phase: 'forcing', seq: 3 });
    expect(service.decide('c1', env, learner)?.send[0]?.body).toEqual({
      type: 'catchUp',
      log: 'c1',
      from: 2,
    });
    expect(service.decide('c1', env, learner)).toBeNull();
    learn(2, { bound: 20, pid: 5 });
    const propose = service.decide('c1', env, learner);
    expect(propose?.action).toEqual({
      name: 'ProposeBound',
      params: { s: 1, c: 'c1', q: 3, n: 1 },
    });
    for (const from of [1, 2]) {
      const accept = service.onPromise(
        { type: 'promise', log: 'c1', seq: 3, bal: [1, 7], from, accBal: [0, 0], accVal: null },
        learner,
      );
      if (from === 2) {
        expect(accept?.action).toEqual({
          name: 'SendBoundAccept',
          params: { s: 1, c: 'c1', q: 3, b: [1, 7] },
        });
        expect(accept?.send[0]?.body).toMatchObject({ type: 'accept', val: { bound: 20, pid: 7 } });
      }
    }
  });

  it('extends as soon as the bound is used up, and stops for good when another identity wins', () => {
    const { env, service, learn, pong, learner } = setup();
    service.start('c1', 2, env);
    pong(2, 0);
    pong(3, 0);
    expect(service.decide('c1', env, learner)?.action?.name).toBe('Extend');
    expect(service.decide('c1', env, learner)?.action?.name).toBe('ProposeBound');
    learn(1, { bound: 10, pid: 99 });
    expect(service.decide('c1', env, learner)?.action?.name).toBe('BoundAgreed');
    expect(service.tsvc('c1').phase).toBe('stopped');
    expect(service.stoppedIn(2)).toBe(true);
    expect(service.decide('c1', env, learner)).toBeNull();
  });
});
