import { describe, expect, it } from 'vitest';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import type { AcceptorRecord } from '../../../src/paxos/types.ts';
import { ServerHost } from '../../../src/server/host.ts';
import type { Envelope, TimestampReply } from '../../../src/server/messages.ts';
import { SPEC_RULES } from '../../../src/server/server.ts';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { SharedIdCounter } from '../../../src/sim/id-counter.ts';

/** A host whose ports record, in one list, every save, send and reply in the order made. */
function recordingHost(self = 1, serverCount = 3) {
  const log: string[] = [];
  const events: TraceEvent[] = [];
  const sent: Envelope[] = [];
  const replies: TimestampReply[] = [];
  const time = { now: 0 };
  const storage = new MemoryAcceptorStorage();
  const save = storage.save.bind(storage);
  storage.save = (l: string, q: number, r: AcceptorRecord) => {
    log.push(`save ${l}/${q}`);
    save(l, q, r);
  };
  const ids = new SharedIdCounter();
  const host = new ServerHost(
    { self, serverCount, boundStep: 10, timings: DEFAULT_TIMINGS },
    SPEC_RULES,
    {
      storage,
      transport: {
        send: (e) => {
          log.push(`send ${e.body.type} to ${e.dst}`);
          sent.push(e);
        },
        reply: (r) => {
          log.push(`reply ${r.outcome.kind}`);
          replies.push(r);
        },
      },
      clock: { now: () => time.now },
      random: { next: () => 0 },
      ids,
      trace: { write: (e) => events.push(e) },
    },
  );
  /** Lets virtual time pass, waking the host whenever it asks. */
  const runUntil = (end: number) => {
    for (let next = host.nextWakeup(); next !== null && next <= end; next = host.nextWakeup()) {
      time.now = Math.max(time.now, next);
      host.wake();
      if (host.nextWakeup()! <= time.now) time.now++;
    }
    time.now = end;
  };
  return { host, log, events, sent, replies, storage, time, ids, runUntil };
}

describe('ServerHost', () => {
  it('persists a promise before it sends it', () => {
    const { host, log, events } = recordingHost(2);
    host.receive({
      src: 1,
      dst: 2,
      clock: 5,
      body: { type: 'prepare', log: 'leader', seq: 1, bal: [1, 1] },
    });
    expect(log.slice(0, 2)).toEqual(['save leader/1', 'send promise to 1']);
    expect(events[0]).toMatchObject({
      action: 'Promise',
      params: { a: 2, L: 'leader', q: 1, b: [1, 1] },
      server: 2,
      clock: 6,
      state: {
        acc: { leader: { 1: { prom: [1, 1], bal: [0, 0], val: null } } },
        learned: {},
        tsvc: {},
      },
    });
  });

  it('persists an acceptance before telling every learner, itself included', () => {
    const { host, log, events } = recordingHost(2);
    host.receive({
      src: 1,
      dst: 2,
      clock: 1,
      body: { type: 'accept', log: 'leader', seq: 1, bal: [1, 1], val: 1 },
    });
    expect(log.slice(0, 3)).toEqual(['save leader/1', 'send accepted to 1', 'send accepted to 3']);
    expect(events.map((e) => e.action)).toEqual(['Accept']);
  });

  it('orders its events after the clock of every message it received', () => {
    const { host, events } = recordingHost(2);
    host.receive({
      src: 1,
      dst: 2,
      clock: 41,
      body: { type: 'ping', from: 1, log: 'leader', id: 1 },
    });
    host.receive({
      src: 3,
      dst: 2,
      clock: 7,
      body: { type: 'ping', from: 3, log: 'leader', id: 2 },
    });
    expect(events.map((e) => e.clock)).toEqual([42, 43]);
  });

  it('takes a request, then gives it up with a leader hint when it is not the leader', () => {
    const { host, events, replies } = recordingHost(2);
    host.request({ client: 'c1', id: 1, count: 1 }, 3);
    expect(events.map((e) => [e.action, e.params])).toEqual([
      ['Request', { c: 'c1', s: 2 }],
      ['GiveUp', { c: 'c1' }],
    ]);
    expect(replies[0]?.outcome).toEqual({ kind: 'refused', leader: 0, reason: 'not the leader' });
  });

  it('refuses a request for an invalid batch without taking any spec step', () => {
    const { host, events, replies } = recordingHost(2);
    host.request({ client: 'c1', id: 1, count: 0 }, 0);
    expect(events).toEqual([]);
    expect(replies[0]?.outcome).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('from 1 to 10000'),
    });
  });

  it('a one-server cluster elects itself and serves contiguous batches, each after a fresh check', () => {
    const { host, events, replies, runUntil } = recordingHost(1, 1);
    runUntil(1000);
    host.request({ client: 'c1', id: 1, count: 4 }, 0);
    runUntil(1100);
    host.request({ client: 'c1', id: 2, count: 4 }, 0);
    runUntil(1200);
    expect(replies.map((r) => r.outcome)).toEqual([
      { kind: 'served', first: 1, last: 4 },
      { kind: 'served', first: 5, last: 8 },
    ]);
    const served = events.filter((e) => e.action === 'Serve');
    const checks = events.filter((e) => e.action === 'CheckLeadership').length;
    expect(served).toHaveLength(2);
    expect(checks).toBeGreaterThanOrEqual(2);
    const k = served.map((e) => (e.action === 'Serve' ? e.params.k : 0));
    expect(k[1]).toBeGreaterThan(k[0]!);
  });

  it('on a crash gives up the requests it held, loses volatile state, keeps its acceptor', () => {
    const { host, events, storage, time } = recordingHost(1, 3);
    for (const src of [1, 2]) {
      host.receive({
        src,
        dst: 1,
        clock: 1,
        body: { type: 'accepted', log: 'leader', seq: 1, bal: [1, 1], from: src, val: 1 },
      });
    }
    host.receive({
      src: 2,
      dst: 1,
      clock: 1,
      body: { type: 'prepare', log: 'c1', seq: 1, bal: [1, 9] },
    });
    host.request({ client: 'c1', id: 1, count: 1 }, 0);
    expect(events.map((e) => e.action)).toEqual([
      'Learn',
      'Promise',
      'Request',
      'StartService',
      'Pong',
      'CheckLeadership',
      'Pong',
    ]);
    const dropped = host.crash();
    expect(events.slice(-2).map((e) => e.action)).toEqual(['GiveUp', 'Restart']);
    expect(events.at(-1)?.state).toEqual({ acc: storage.snapshot(), learned: {}, tsvc: {} });
    expect(dropped.map((r) => r.client)).toEqual(['c1']);
    expect(host.up).toBe(false);
    time.now = 2000;
    host.restart();
    host.receive({
      src: 3,
      dst: 1,
      clock: 1,
      body: { type: 'prepare', log: 'c1', seq: 1, bal: [1, 8] },
    });
    expect(events.at(-1)?.action).toBe('Restart');
    expect(storage.load('c1', 1).prom).toEqual([1, 9]);
  });

  it('records no Restart when there was no volatile spec state to lose', () => {
    const { host, events } = recordingHost(2);
    host.crash();
    expect(events).toEqual([]);
  });

  it('takes its fresh ids from the shared counter and moves the counter clock past its event', () => {
    const { host, ids, events, runUntil } = recordingHost(1, 1);
    runUntil(1000);
    ids.lamport = 500;
    host.request({ client: 'c1', id: 1, count: 1 }, 0);
    const request = events.find((e) => e.action === 'Request')!;
    expect(request.clock).toBeGreaterThan(500);
    expect(ids.lamport).toBeGreaterThanOrEqual(request.clock);
  });
});
