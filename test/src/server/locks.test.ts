/**
 * The lock steps of the server core, on a one-server cluster driven in virtual time: grants in
 * arrival order, all or nothing, fenced by the namespace's timestamps; refreshes; acquire
 * timeouts and leases; and lock ids the server does not know, which change nothing. The run's
 * trace is then replayed on the spec.
 */
import { describe, expect, it } from 'vitest';
import { parseTrace, validateRun } from '../../../conformance/replay/index.ts';
import type { LockCommand, LockOutcome, LockReply } from '../../../src/lock/messages.ts';
import { MemoryIdSource } from '../../../src/memory-ids.ts';
import { MemoryAcceptorStorage } from '../../../src/memory-storage.ts';
import { ServerHost } from '../../../src/server/host.ts';
import type { TimestampReply } from '../../../src/server/messages.ts';
import { SPEC_RULES } from '../../../src/server/server.ts';
import { DEFAULT_TIMINGS } from '../../../src/server/timings.ts';
import { TRACE_VERSION, type TraceEvent } from '../../../src/trace/events.ts';
import { runHostUntil } from '../support/virtual-time.ts';

const STEP = 10;
const id = (n: number) => n.toString(16).padStart(32, '0');

/** A one-server cluster that has elected itself, with everything it answers recorded. */
function leader() {
  const events: TraceEvent[] = [];
  const lockReplies: LockReply[] = [];
  const replies: TimestampReply[] = [];
  const time = { now: 0 };
  const host = new ServerHost(
    { self: 1, serverCount: 1, boundStep: STEP, timings: DEFAULT_TIMINGS },
    SPEC_RULES,
    {
      storage: new MemoryAcceptorStorage(),
      transport: {
        send: () => {},
        reply: (r) => replies.push(r),
        lockReply: (r) => lockReplies.push(r),
      },
      clock: { now: () => time.now },
      random: { next: () => 0 },
      ids: new MemoryIdSource(),
      trace: { header: () => {}, write: (e) => events.push(e) },
    },
  );
  const runUntil = (end: number) => runHostUntil(host, time, end);
  runUntil(1000);
  expect(host.leadership()).toEqual({ leader: 1, acting: true });
  const send = (command: LockCommand) => host.lock(command, [0]);
  const lock = (n: number, descriptors: string[], acquireMs = 100, leaseMs = 200) =>
    send({
      kind: 'lock',
      request: { namespace: 'n1', id: id(n), descriptors, acquireMs, leaseMs },
    });
  const outcomes = (n: number): LockOutcome[] =>
    lockReplies.filter((r) => r.id === id(n)).map((r) => r.outcome);
  return { host, events, replies, lockReplies, time, runUntil, send, lock, outcomes };
}

/** The events as one trace, replayed on the spec. */
function replay(events: readonly TraceEvent[]) {
  const header = { trace: 'timelock', version: TRACE_VERSION, server: 1, servers: 1, step: STEP };
  const text = [header, ...events].map((e) => JSON.stringify(e)).join('\n');
  return validateRun([parseTrace(text, 'server-1.ndjson')], { step: STEP });
}

describe('the lock steps of the server core', () => {
  it('grants in arrival order, all or nothing, fenced by the namespace timestamps', () => {
    const l = leader();
    l.lock(1, ['a', 'b']);
    l.lock(2, ['b']);
    l.lock(3, ['c']);
    l.host.request({ client: 'n1', id: 1, count: 1 }, [0]);
    l.runUntil(l.time.now + 5);
    const first = l.outcomes(1)[0];
    expect(first).toMatchObject({ kind: 'granted', term: 1 });
    expect(l.outcomes(2)).toEqual([]); // b is held by lock 1
    expect(l.outcomes(3)[0]).toMatchObject({ kind: 'granted' });
    l.send({ kind: 'unlock', namespace: 'n1', id: id(1) });
    l.runUntil(l.time.now + 5);
    expect(l.outcomes(1)[1]).toEqual({ kind: 'released' });
    expect(l.outcomes(2)[0]).toMatchObject({ kind: 'granted' });
    // Fencing tokens and the timestamp served are distinct timestamps of the namespace.
    const tokens = [1, 2, 3].map(
      (n) => (l.outcomes(n)[0] as Extract<LockOutcome, { kind: 'granted' }>).fencing,
    );
    const served = l.replies[0].outcome as Extract<TimestampReply['outcome'], { kind: 'served' }>;
    expect(new Set([...tokens, served.first]).size).toBe(4);
    expect(tokens[1]).toBeGreaterThan(tokens[0]);
    expect(replay(l.events).ok).toBe(true);
  });

  it('refreshes a held lock after a fresh check, and lets an unrefreshed one expire', () => {
    const l = leader();
    l.lock(1, ['a'], 100, 50);
    l.lock(2, ['b'], 100, 50);
    l.runUntil(l.time.now + 5);
    l.runUntil(l.time.now + 30);
    l.send({ kind: 'refresh', namespace: 'n1', id: id(1) });
    l.runUntil(l.time.now + 5);
    expect(l.outcomes(1)[1]).toEqual({ kind: 'refreshed' });
    l.runUntil(l.time.now + 30);
    // Lock 2's lease ended; lock 1's was extended by the refresh.
    const releases = l.events.filter((e) => e.action === 'LockRelease').map((e) => e.params);
    expect(releases).toEqual([{ s: 1, c: 'n1', h: id(2) }]);
    l.send({ kind: 'refresh', namespace: 'n1', id: id(2) });
    expect(l.outcomes(2).at(-1)).toEqual({ kind: 'not-held' });
    expect(replay(l.events).ok).toBe(true);
  });

  it('gives up a request at its acquire timeout', () => {
    const l = leader();
    l.lock(1, ['a'], 100, 5000);
    l.lock(2, ['a'], 40);
    l.runUntil(l.time.now + 60);
    expect(l.outcomes(2)).toEqual([
      { kind: 'refused', leader: 0, reason: 'timed out waiting for the lock' },
    ]);
    expect(l.events.at(-1)).toMatchObject({ action: 'LockRelease', params: { h: id(2) } });
    expect(replay(l.events).ok).toBe(true);
  });

  it('changes nothing for a lock id it does not hold, or one already in use', () => {
    const l = leader();
    l.lock(1, ['a'], 100, 5000);
    l.runUntil(l.time.now + 5);
    const before = l.events.length;
    // Another client guessing at ids: well-formed, but not one this server handed out.
    l.send({ kind: 'unlock', namespace: 'n1', id: id(99) });
    l.send({ kind: 'refresh', namespace: 'n1', id: id(99) });
    l.send({ kind: 'unlock', namespace: 'other', id: id(1) });
    expect(l.outcomes(99)).toEqual([{ kind: 'not-held' }, { kind: 'not-held' }]);
    expect(l.outcomes(1).at(-1)).toEqual({ kind: 'not-held' });
    l.lock(1, ['b']);
    expect(l.outcomes(1).at(-1)).toEqual({
      kind: 'refused',
      leader: 0,
      reason: 'the lock id is in use',
    });
    expect(l.events.length).toBe(before);
    expect(l.host.lockCounts()).toEqual({ held: 1, waiting: 0 });
  });
});
