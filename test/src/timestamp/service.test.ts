import { describe, expect, it } from 'vitest';
import { Learner } from '../../../src/paxos/learner.ts';
import { valueFor } from '../../../src/paxos/proposer.ts';
import type { BoundValue } from '../../../src/paxos/types.ts';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import type { StepEnv } from '../../../src/server/step.ts';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';
import { TimestampService } from '../../../src/timestamp/service.ts';
import { timestampRules } from '../../../src/timestamp/tsvc.ts';

/** Server `self` of 3, whose fresh numbers so far went up to `last`; its next one is last + 1. */
function setup(self = 1, last = 6) {
  let id = last;
  const env: StepEnv = {
    now: 0,
    random: { next: () => 0 },
    ids: { next: () => ++id, last: () => id },
    storage: new MemoryAcceptorStorage(),
  };
  const learner = new Learner(2);
  const service = new TimestampService({
    self,
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
  it('starts an instance from a fresh number: the check is the number, the identity InstanceId(s, k)', () => {
    const { env, service } = setup();
    const step = service.start('c1', 2, env);
    expect(step.action).toEqual({ name: 'StartService', params: { s: 1, c: 'c1' } });
    expect(step.send).toEqual([{ to: 'all', body: { type: 'ping', from: 1, log: 'c1', id: 7 } }]);
    // InstanceId(1, 7) in a cluster of 3: (7 - 1) * 3 + 1.
    expect(service.tsvc('c1')).toMatchObject({ phase: 'recovering', check: 7, id: 19, term: 2 });
    expect(env.ids.last()).toBe(7);
  });

  it('gives instances of different servers started from the same fresh number different identities', () => {
    const ids = [1, 2, 3].map((self) => {
      const { env, service } = setup(self, 0);
      service.start('c1', 1, env);
      return service.tsvc('c1');
    });
    expect(ids.map((t) => t.check)).toEqual([1, 1, 1]);
    expect(ids.map((t) => t.id)).toEqual([1, 2, 3]);
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
    // It asks every server, itself included: its own acceptor may hold acceptances it needs.
    expect(service.decide('c1', env, learner)?.send).toEqual([
      { to: 'all', body: { type: 'catchUp', log: 'c1', from: 2 } },
    ]);
    expect(service.decide('c1', env, learner)).toBeNull();
    learn(2, { bound: 20, pid: 5 });
    const propose = service.decide('c1', env, learner);
    expect(propose?.action).toEqual({
      name: 'ProposeBound',
      params: { s: 1, c: 'c1', q: 3, n: 1 },
    });
    expect(propose?.send[0]?.body).toEqual({ type: 'prepare', log: 'c1', seq: 3, bal: [1, 19] });
    for (const from of [1, 2]) {
      const accept = service.onPromise(
        { type: 'promise', log: 'c1', seq: 3, bal: [1, 19], from, accBal: [0, 0], accVal: null },
        learner,
      );
      if (from === 2) {
        expect(accept?.action).toEqual({
          name: 'SendBoundAccept',
          params: { s: 1, c: 'c1', q: 3, b: [1, 19] },
        });
        expect(accept?.send[0]?.body).toMatchObject({
          type: 'accept',
          val: { bound: 20, pid: 19 },
        });
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

describe('TimestampService.takeChanges', () => {
  it('reports nothing before any instance started', () => {
    expect(setup().service.takeChanges()).toBeNull();
  });

  it("reports each client's tsvc written since the last call, and nothing when nothing changed", () => {
    const { env, service, pong, learner } = setup();
    service.start('c1', 2, env);
    const recovering = {
      phase: 'recovering',
      id: 19,
      term: 2,
      seq: 0,
      limit: 0,
      counter: 0,
      check: 7,
    };
    expect(service.takeChanges()).toEqual({ c1: recovering });
    expect(service.takeChanges()).toBeNull();
    // A pong short of a quorum and a repeated recovery ping change no tsvc.
    pong(2, 0);
    expect(service.decide('c1', { ...env, now: 1000 }, learner)?.action).toBeNull();
    expect(service.takeChanges()).toBeNull();
    pong(3, 0);
    expect(service.takeChanges()).toEqual({ c1: { ...recovering, phase: 'serving' } });
    service.start('c2', 2, env);
    service.decide('c1', env, learner);
    expect(service.takeChanges()).toEqual({
      c1: { ...recovering, phase: 'extending', seq: 1 },
      c2: { ...recovering, id: 22, check: 8 },
    });
    expect(service.takeChanges()).toBeNull();
  });

  it('reports a serve that hands out timestamps', () => {
    const { env, service, pong, learner, learn } = setup();
    service.start('c1', 2, env);
    pong(2, 0);
    pong(3, 0);
    service.decide('c1', env, learner);
    service.decide('c1', env, learner);
    learn(1, { bound: 10, pid: 19 });
    expect(service.decide('c1', env, learner)?.action?.name).toBe('BoundAgreed');
    service.takeChanges();
    expect(service.serve('c1', 4)).toEqual([1, 4]);
    expect(service.takeChanges()).toEqual({
      c1: expect.objectContaining({ counter: 4, limit: 10 }),
    });
  });
});
