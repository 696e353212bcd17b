import { describe, expect, it } from 'vitest';
import { MemoryIdSource } from '../../../src/memory-ids.ts';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import { leaderValue, type AcceptorRecord } from '../../../src/paxos/types.ts';
import { ServerHost } from '../../../src/server/host.ts';
import type { Envelope, ServerMsg, TimestampReply } from '../../../src/server/messages.ts';
import { SPEC_RULES } from '../../../src/server/server.ts';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { instanceId } from '../../../src/timestamp/tsvc.ts';
import { happenedBefore, type VectorTime } from '../../../src/trace/vector-clock.ts';
import { runHostUntil } from '../support/virtual-time.ts';

/** A host whose ports record, in one list, every save, send and reply in the order made. */
function recordingHost(self = 1, serverCount = 3, ids = new MemoryIdSource()) {
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
      trace: { header: () => {}, write: (e) => events.push(e) },
    },
  );
  /** Lets virtual time pass, waking the host whenever it asks. */
  const runUntil = (end: number) => runHostUntil(host, time, end);
  return { host, log, events, sent, replies, storage, time, ids, runUntil };
}

/** An envelope from `src` to `dst` carrying the sender's clock `clock`. */
const envelope = (src: number, dst: number, clock: VectorTime, body: ServerMsg): Envelope => ({
  src,
  dst,
  clock,
  body,
});

const accepted = (from: number, to: number, leader: number): Envelope =>
  envelope(from, to, [0, 0, 0], {
    type: 'accepted',
    log: 'leader',
    seq: 1,
    bal: [1, 1],
    from,
    val: leaderValue(leader),
  });

/** Server 1 of 3, leader at sequence 1, holding a request of c1 (it promised [1, 9] on c1/1). */
function leaderHoldingRequest(ids = new MemoryIdSource()) {
  const h = recordingHost(1, 3, ids);
  for (const src of [1, 2]) h.host.receive(accepted(src, 1, 1));
  h.host.receive(envelope(2, 1, [0, 1, 0], { type: 'prepare', log: 'c1', seq: 1, bal: [1, 9] }));
  h.host.request({ client: 'c1', id: 1, count: 1 }, [0, 0, 0]);
  return h;
}

describe('ServerHost', () => {
  it('persists a promise before it sends it', () => {
    const { host, log, events } = recordingHost(2);
    host.receive(
      envelope(1, 2, [5, 0, 0], { type: 'prepare', log: 'leader', seq: 1, bal: [1, 1] }),
    );
    expect(log.slice(0, 2)).toEqual(['save leader/1', 'send promise to 1']);
    expect(events).toEqual([
      {
        action: 'Promise',
        params: { a: 2, L: 'leader', q: 1, b: [1, 1] },
        server: 2,
        vc: [5, 1, 0],
        time: 0,
        changes: { acc: { leader: { 1: { prom: [1, 1], bal: [0, 0], val: null } } } },
      },
    ]);
  });

  it('persists an acceptance before telling every learner, itself included', () => {
    const { host, log, events } = recordingHost(2);
    host.receive(
      envelope(1, 2, [1, 0, 0], {
        type: 'accept',
        log: 'leader',
        seq: 1,
        bal: [1, 1],
        val: leaderValue(1),
      }),
    );
    expect(log.slice(0, 3)).toEqual(['save leader/1', 'send accepted to 1', 'send accepted to 3']);
    expect(events.map((e) => [e.action, e.changes])).toEqual([
      ['Accept', { acc: { leader: { 1: { prom: [1, 1], bal: [1, 1], val: { leader: 1 } } } } }],
    ]);
  });

  it('takes a request, then gives it up with a leader hint when it is not the leader', () => {
    const { host, events, replies } = recordingHost(2);
    host.request({ client: 'c1', id: 1, count: 7 }, [0, 0, 0]);
    expect(events.map((e) => [e.action, e.params])).toEqual([
      ['Request', { c: 'c1', s: 2, n: 7 }],
      ['GiveUp', { c: 'c1', s: 2 }],
    ]);
    expect(replies[0]?.outcome).toEqual({ kind: 'refused', leader: 0, reason: 'not the leader' });
  });

  it('refuses a request for an invalid batch without taking any spec step', () => {
    const { host, events, replies } = recordingHost(2);
    host.request({ client: 'c1', id: 1, count: 0 }, [0, 0, 0]);
    expect(events).toEqual([]);
    expect(replies[0]?.outcome).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('from 1 to 10000'),
    });
  });

  it('a one-server cluster elects itself and serves contiguous batches, each after a fresh check', () => {
    const { host, events, replies, runUntil } = recordingHost(1, 1);
    runUntil(1000);
    host.request({ client: 'c1', id: 1, count: 4 }, [0]);
    runUntil(1100);
    host.request({ client: 'c1', id: 2, count: 4 }, [0]);
    runUntil(1200);
    expect(replies.map((r) => r.outcome)).toEqual([
      { kind: 'served', first: 1, last: 4, term: 1 },
      { kind: 'served', first: 5, last: 8, term: 1 },
    ]);
    const served = events.filter((e) => e.action === 'Serve');
    const checks = events.filter((e) => e.action === 'CheckLeadership').length;
    expect(served).toHaveLength(2);
    expect(served.map((e) => e.served)).toEqual([
      [1, 4],
      [5, 8],
    ]);
    expect(checks).toBeGreaterThanOrEqual(2);
    const k = served.map((e) => (e.action === 'Serve' ? e.params.k : 0));
    expect(k[1]).toBeGreaterThan(k[0]!);
  });

  it('on a crash gives up the requests it held, loses volatile state, keeps its acceptor', () => {
    const { host, events, storage, time } = leaderHoldingRequest();
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
    expect(dropped.map((r) => r.client)).toEqual(['c1']);
    expect(host.up).toBe(false);
    time.now = 2000;
    host.restart();
    host.receive(envelope(3, 1, [0, 0, 1], { type: 'prepare', log: 'c1', seq: 1, bal: [1, 8] }));
    expect(events.at(-1)?.action).toBe('Restart');
    expect(storage.load('c1', 1).prom).toEqual([1, 9]);
  });

  it('records no Restart when there was no volatile spec state to lose', () => {
    const { host, events } = recordingHost(2);
    host.crash();
    expect(events).toEqual([]);
  });
});

describe('ServerHost trace events: vector clocks', () => {
  it("counts the server's own events 1, 2, 3, ... in its own entry, across a crash", () => {
    const { host, events, runUntil, time } = recordingHost(1, 1);
    runUntil(1000);
    host.request({ client: 'c1', id: 1, count: 1 }, [0]);
    runUntil(1100);
    host.crash();
    time.now = 1200;
    host.restart();
    runUntil(2500);
    host.request({ client: 'c1', id: 2, count: 1 }, [0]);
    runUntil(2600);
    expect(events.map((e) => e.action)).toContain('Restart');
    expect(events.filter((e) => e.action === 'Serve')).toHaveLength(2);
    expect(events.map((e) => e.vc)).toEqual(events.map((_, i) => [i + 1]));
  });

  it('orders its events after the clock of every message it received, entry by entry', () => {
    const { host, events } = recordingHost(2);
    host.receive(envelope(1, 2, [41, 0, 0], { type: 'ping', from: 1, log: 'leader', id: 1 }));
    host.receive(envelope(3, 2, [0, 0, 7], { type: 'ping', from: 3, log: 'leader', id: 2 }));
    host.receive(envelope(1, 2, [3, 0, 2], { type: 'ping', from: 1, log: 'leader', id: 3 }));
    expect(events.map((e) => e.vc)).toEqual([
      [41, 1, 0],
      [41, 2, 7],
      [41, 3, 7],
    ]);
  });

  it("moves past a client's clock with its request", () => {
    const { host, events } = recordingHost(2);
    host.request({ client: 'c1', id: 1, count: 1 }, [4, 0, 9]);
    expect(events.map((e) => [e.action, e.vc])).toEqual([
      ['Request', [4, 1, 9]],
      ['GiveUp', [4, 2, 9]],
    ]);
  });

  it("gives a message's receiver a next event whose clock is at least the sender's", () => {
    const servers = [1, 2, 3].map((s) => recordingHost(s, 3));
    const [one, two] = servers;
    // Server 1 proposes itself once the suspicion timeout passed (backoff 0), before a retry.
    one!.runUntil(DEFAULT_TIMINGS.suspicionMs + DEFAULT_TIMINGS.roundMs / 2);
    const proposals = one!.events.filter((e) => e.action === 'ProposeLeadership');
    expect(proposals).toHaveLength(1);
    const proposal = proposals[0]!;
    // Deliver server 1's prepare to server 2, and server 2's promise back to server 1.
    const prepare = one!.sent.find((e) => e.body.type === 'prepare' && e.dst === 2)!;
    expect(happenedBefore(proposal.vc, prepare.clock)).toBe(true);
    two!.host.receive(prepare);
    const promised = two!.events.at(-1)!;
    expect(promised.action).toBe('Promise');
    expect(happenedBefore(prepare.clock, promised.vc)).toBe(true);
    expect(promised.vc).not.toEqual(prepare.clock);
    const promise = two!.sent.find((e) => e.body.type === 'promise')!;
    const before = one!.events.length;
    one!.host.receive(promise);
    const next = one!.events.slice(before);
    expect(next.map((e) => e.action)).toEqual(['SendLeaderAccept', 'Accept']);
    for (const e of next) expect(happenedBefore(promised.vc, e.vc)).toBe(true);
    expect(happenedBefore(next[0]!.vc, promised.vc)).toBe(false);
  });
});

describe('ServerHost trace events: what each step wrote', () => {
  it('lists exactly the entries each step wrote, and fresh exactly when it took a number', () => {
    const { events } = leaderHoldingRequest();
    const recovering = { phase: 'recovering', id: 1, term: 1, seq: 0, limit: 0, counter: 0 };
    expect(events.map((e) => [e.action, e.changes])).toEqual([
      ['Learn', { learned: { leader: { 1: { leader: 1 } } } }],
      ['Promise', { acc: { c1: { 1: { prom: [1, 9], bal: [0, 0], val: null } } } }],
      ['Request', {}],
      ['StartService', { tsvc: { c1: { ...recovering, check: 1 } }, fresh: 1 }],
      ['Pong', {}],
      ['CheckLeadership', { fresh: 2 }],
      ['Pong', {}],
    ]);
  });

  it('logs a tsvc entry each time the instance changes, and Serve with what it handed out', () => {
    const { host, events, runUntil } = recordingHost(1, 1);
    runUntil(1000);
    host.request({ client: 'c1', id: 1, count: 3 }, [0]);
    runUntil(1100);
    const tsvcWrites = events.filter((e) => e.changes.tsvc !== undefined).map((e) => e.action);
    expect(tsvcWrites).toEqual(['StartService', 'Recover', 'Extend', 'BoundAgreed', 'Serve']);
    const serve = events.find((e) => e.action === 'Serve')!;
    expect(serve.changes).toEqual({
      tsvc: { c1: expect.objectContaining({ phase: 'serving', limit: 10, counter: 3 }) },
    });
    expect(serve.served).toEqual([1, 3]);
    const fresh = events.filter((e) => e.changes.fresh !== undefined).map((e) => e.action);
    expect(fresh.every((a) => a === 'StartService' || a === 'CheckLeadership')).toBe(true);
    expect(
      events.filter((e) => e.action === 'StartService' || e.action === 'CheckLeadership'),
    ).toHaveLength(fresh.length);
  });

  it('a Restart resets learned and tsvc and writes nothing; the acceptor is kept', () => {
    const { host, events, storage } = leaderHoldingRequest();
    host.crash();
    expect(events.slice(-2)).toEqual([
      {
        action: 'GiveUp',
        params: { c: 'c1', s: 1 },
        server: 1,
        vc: [8, 1, 0],
        time: 0,
        changes: {},
      },
      {
        action: 'Restart',
        params: { s: 1 },
        server: 1,
        vc: [9, 1, 0],
        time: 0,
        changes: {},
        reset: ['learned', 'tsvc', 'locks'],
      },
    ]);
    expect(storage.load('c1', 1).prom).toEqual([1, 9]);
    expect(events.filter((e) => e.reset !== undefined)).toHaveLength(1);
  });

  it('after a restart, logs a learned entry again when it is learned again', () => {
    const { host, events, time } = leaderHoldingRequest();
    host.crash();
    time.now = 1000;
    host.restart();
    const before = events.length;
    for (const src of [2, 3]) host.receive(accepted(src, 1, 1));
    expect(events.slice(before).map((e) => [e.action, e.changes])).toEqual([
      ['Learn', { learned: { leader: { 1: { leader: 1 } } } }],
    ]);
  });
});

describe('ServerHost fresh numbers', () => {
  it("are the server's own: two servers each start at 1", () => {
    const a = recordingHost(1, 1);
    const b = recordingHost(1, 1);
    for (const { host, runUntil } of [a, b]) {
      runUntil(1000);
      host.request({ client: 'c1', id: 1, count: 1 }, [0]);
      runUntil(1100);
    }
    expect(a.events.find((e) => e.action === 'StartService')?.changes.fresh).toBe(1);
    expect(b.events.find((e) => e.action === 'StartService')?.changes.fresh).toBe(1);
  });

  it('survive a crash: a restarted server never reuses a check or instance number', () => {
    const ids = new MemoryIdSource();
    const { host, events, replies, runUntil, time } = recordingHost(1, 1, ids);
    let id = 0;
    const serveOne = (from: number) => {
      runUntil(from + 500);
      host.request({ client: 'c1', id: ++id, count: 1 }, [0]);
      runUntil(from + 600);
    };
    serveOne(0);
    for (let round = 1; round <= 3; round++) {
      host.crash();
      time.now = round * 1000;
      host.restart();
      serveOne(round * 1000);
    }
    expect(replies.map((r) => r.outcome.kind)).toEqual(['served', 'served', 'served', 'served']);
    const fresh = events.flatMap((e) => (e.changes.fresh === undefined ? [] : [e.changes.fresh]));
    expect(fresh).toEqual(fresh.map((_, i) => i + 1));
    expect(ids.last()).toBe(fresh.at(-1));
    const starts = events.flatMap((e) =>
      e.action === 'StartService' ? [e.changes.tsvc![e.params.c]!] : [],
    );
    expect(starts).toHaveLength(4);
    for (const t of starts) expect(t.id).toBe(instanceId(1, t.check, 1));
    expect(new Set(starts.map((t) => t.check)).size).toBe(4);
    expect(new Set(starts.map((t) => t.id)).size).toBe(4);
    const checks = events.flatMap((e) => (e.action === 'Serve' ? [e.params.k] : []));
    expect(new Set(checks).size).toBe(4);
  });

  it('a request remembers the last number taken when it arrives, and takes none itself', () => {
    const ids = new MemoryIdSource();
    for (let i = 0; i < 5; i++) ids.next();
    const { host, events, runUntil } = recordingHost(1, 1, ids);
    runUntil(1000);
    host.request({ client: 'c1', id: 1, count: 1 }, [0]);
    runUntil(1100);
    const request = events.find((e) => e.action === 'Request')!;
    expect(request.changes).toEqual({});
    const serve = events.find((e) => e.action === 'Serve')!;
    expect(serve.action === 'Serve' && serve.params.k).toBeGreaterThan(5);
  });
});
