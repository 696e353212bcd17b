/**
 * Locks through the client against fake servers over real HTTP on 127.0.0.1 (small leases,
 * real time): grants, background refreshes, the signal firing when a refresh comes back
 * without the lock, when refreshes go unanswered (before the server's lease ends), and when
 * the lead moves; idempotent release, withLock releasing on throw, the leader found through a
 * follower, timeouts, cancelling, no second lock request to a server that may have granted
 * the first, and the immutable timestamp.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  LockLostError,
  LockOutcomeUnknownError,
  LockReleasedError,
  LockTimeoutError,
  TimelockClient,
  TimelockClosedError,
  TimelockProtocolError,
  TimelockUnavailableError,
  type TimelockClientOptions,
} from '../../../src/client/timelock-client.ts';
import {
  closeAllServers,
  deadServerUrl,
  FakeLeader,
  fakeServer,
  follower,
  silent,
  answer,
} from './fake-lock-server.ts';

const NS = 'orders';
const openClients: TimelockClient[] = [];

afterEach(async () => {
  for (const client of openClients.splice(0)) client.close();
  await closeAllServers();
});

function client(servers: string[], options: Partial<TimelockClientOptions> = {}): TimelockClient {
  const c = new TimelockClient({
    servers,
    requestTimeoutMs: 300,
    deadlineMs: 2000,
    backoff: { baseMs: 5, maxMs: 20 },
    ...options,
  });
  openClients.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the time `signal` fired, or rejects after `ms`. */
function fired(signal: AbortSignal, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(performance.now());
    const timer = setTimeout(() => reject(new Error(`the signal did not fire in ${ms} ms`)), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
}

describe('TimelockClient.lock', () => {
  it('grants a lock with its id, fencing token and term, and sends what was asked', async () => {
    const leader = await FakeLeader.start(2, 7);
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a', 'b'], { acquireTimeoutMs: 500, leaseMs: 1000 });
    expect(handle.lockId).toMatch(/^[0-9a-f]{32}$/);
    expect(handle).toMatchObject({
      namespace: NS,
      descriptors: ['a', 'b'],
      term: 7,
      serverId: 2,
      leaseMs: 1000,
      server: leader.url,
    });
    expect(handle.fencingToken).toBe(1);
    expect(handle.signal.aborted).toBe(false);
    const [request] = leader.requests('lock');
    expect(request.namespace).toBe(NS);
    expect(request.body).toMatchObject({ descriptors: ['a', 'b'], leaseMs: 1000 });
    expect(request.body.acquireTimeoutMs).toBeLessThanOrEqual(500);
    expect(request.body.acquireTimeoutMs).toBeGreaterThan(400);
    const second = await c.lock(NS, ['c']);
    expect(second.fencingToken).toBeGreaterThan(handle.fencingToken);
    await Promise.all([handle.release(), second.release()]);
  });

  it('refreshes in the background every third of the lease, at the granting server', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 240 });
    await sleep(720);
    // Without refreshes the fake would have let the lock expire twice over.
    expect(leader.holds(handle.lockId)).toBe(true);
    expect(handle.signal.aborted).toBe(false);
    const refreshes = leader.requests('refresh');
    expect(refreshes.length).toBeGreaterThanOrEqual(4);
    expect(refreshes.length).toBeLessThanOrEqual(10);
    expect(refreshes[0].body).toEqual({ lockIds: [handle.lockId] });
    await handle.release();
  });

  it('release is idempotent: one unlock, the signal fires with LockReleasedError, no more refreshes', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 150 });
    const first = handle.release();
    expect(handle.release()).toBe(first);
    expect(handle.signal.aborted).toBe(true);
    expect(handle.signal.reason).toBeInstanceOf(LockReleasedError);
    await first;
    await handle.release();
    expect(leader.requests('unlock')).toHaveLength(1);
    expect(leader.requests('unlock')[0].body).toEqual({ lockIds: [handle.lockId] });
    expect(leader.holds(handle.lockId)).toBe(false);
    const refreshes = leader.requests('refresh').length;
    await sleep(200);
    expect(leader.requests('refresh')).toHaveLength(refreshes);
  });

  it('fires the signal when a refresh comes back without the lock', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 300 });
    leader.locks.delete(handle.lockId);
    await fired(handle.signal, 1000);
    const reason = handle.signal.reason as LockLostError;
    expect(reason).toBeInstanceOf(LockLostError);
    expect(reason.lossCause).toBe('refused');
    expect(reason.message).toContain('no longer holds it');
    await handle.release(); // still allowed after a loss
  });

  it('fires the signal when refreshes stop being answered, before the server lease can end', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const leaseMs = 300;
    const handle = await c.lock(NS, ['a'], { leaseMs });
    await sleep(250); // a refresh or two succeed first
    leader.refreshSilent = true;
    const answeredRefreshes = leader.requests('refresh').length;
    expect(answeredRefreshes).toBeGreaterThanOrEqual(1);
    const firedAt = await fired(handle.signal, 2000);
    const reason = handle.signal.reason as LockLostError;
    expect(reason.lossCause).toBe('expired');
    expect(reason.message).toContain(`no refresh sent within the last ${leaseMs} ms succeeded`);
    // The fake extended the lease when each answered refresh arrived; the client's proof,
    // counted from sending, must run out no later than that lease.
    // (The signal itself fires when the event loop gets to it, a little later under load.)
    const lastAnswered = leader.requests('refresh')[answeredRefreshes - 1];
    expect(handle.provenUntil).toBeLessThanOrEqual(lastAnswered.at + leaseMs);
    expect(handle.provenUntil).toBeGreaterThan(lastAnswered.at + leaseMs - 50);
    expect(firedAt).toBeGreaterThanOrEqual(handle.provenUntil);
    expect(firedAt - handle.provenUntil).toBeLessThan(100);
  });

  it('fires the signal when the granting server stops answering at all', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 200 });
    const grantedAt = performance.now();
    await closeAllServers();
    await fired(handle.signal, 2000);
    expect((handle.signal.reason as LockLostError).lossCause).toBe('expired');
    expect((handle.signal.reason as LockLostError).message).toMatch(/connection failed/);
    // Proven from the lock request's sending, before grantedAt.
    expect(handle.provenUntil).toBeLessThanOrEqual(grantedAt + 200);
  });

  it('fires the signal when the granting server names another leader', async () => {
    const leader = await FakeLeader.start(1);
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 150 });
    leader.refreshAnswer = { status: 503, body: { error: 'not the leader', leader: 2 } };
    await fired(handle.signal, 1000);
    expect((handle.signal.reason as LockLostError).lossCause).toBe('leader-changed');
  });

  it('keeps the lock through a refresh that fails once, retrying before the proof runs out', async () => {
    const leader = await FakeLeader.start(1);
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 300 });
    leader.refreshAnswer = { status: 503, body: { error: 'no leader yet', leader: null } };
    await sleep(150);
    leader.refreshAnswer = undefined;
    await sleep(300);
    expect(handle.signal.aborted).toBe(false);
    expect(leader.holds(handle.lockId)).toBe(true);
    await handle.release();
  });

  it('withLock returns what fn returns and releases, also when fn throws', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const value = await c.withLock(NS, ['a'], async (handle) => {
      expect(leader.holds(handle.lockId)).toBe(true);
      return handle.fencingToken * 10;
    });
    expect(value).toBe(10);
    let held = '';
    const boom = new Error('boom');
    await expect(
      c.withLock(NS, ['a'], async (handle) => {
        held = handle.lockId;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(leader.holds(held)).toBe(false);
    expect(leader.requests('unlock')).toHaveLength(2);
    // Free again at once.
    const again = await c.lock(NS, ['a'], { acquireTimeoutMs: 0 });
    await again.release();
  });

  it('finds the leader through a follower and refreshes there', async () => {
    const leader = await FakeLeader.start();
    const dead = await deadServerUrl();
    const notLeader = await fakeServer(follower(leader.url));
    const c = client([dead, notLeader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 150 });
    expect(handle.server).toBe(leader.url);
    expect(notLeader.received.map((r) => r.endpoint)).toEqual(['lock']);
    await sleep(120);
    expect(leader.requests('refresh').length).toBeGreaterThanOrEqual(1);
    expect(notLeader.received).toHaveLength(1);
    await handle.release();
  });

  it('rejects with LockTimeoutError when the descriptors stay held', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const holder = await c.lock(NS, ['a', 'b']);
    const start = performance.now();
    const error = await c.lock(NS, ['b', 'c'], { acquireTimeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toMatch(
      /the lock on "b", "c" in namespace "orders" was not granted within 150 ms \(.*: timed out waiting for the lock\)/,
    );
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    expect(leader.requests('lock')).toHaveLength(2);
    await holder.release();
  });

  it('waits for a holder to release, and confirms a grant whose proof the wait used up', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const holder = await c.lock(NS, ['a'], { leaseMs: 240 });
    setTimeout(() => void holder.release(), 300);
    const waiter = await c.lock(NS, ['a'], { leaseMs: 240, acquireTimeoutMs: 2000 });
    // Granted 300 ms after it was asked for: more than a lease, so a refresh came first.
    const confirming = leader
      .requests('refresh')
      .filter((r) => (r.body.lockIds as string[]).includes(waiter.lockId));
    expect(confirming.length).toBeGreaterThanOrEqual(1);
    expect(waiter.signal.aborted).toBe(false);
    await waiter.release();
  });

  it('cancels a waiting lock when its signal aborts', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const holder = await c.lock(NS, ['a']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const start = performance.now();
    await expect(
      c.lock(NS, ['a'], { acquireTimeoutMs: 5000, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - start).toBeLessThan(1000);
    await holder.release();
  });

  it('unlocks a grant whose answer arrives after the call was cancelled', async () => {
    const leader = await FakeLeader.start();
    const controller = new AbortController();
    // A fetch that lets the lock answer through despite the abort, as when it was already in.
    const lateFetch: typeof fetch = async (input, init) => {
      if (!String(input).endsWith('/lock')) return fetch(input, init);
      const response = await fetch(input, { ...init, signal: null });
      controller.abort();
      return response;
    };
    const c = client([leader.url], { fetch: lateFetch });
    await expect(c.lock(NS, ['a'], { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(leader.requests('unlock')).toHaveLength(1);
    expect(leader.locks.size).toBe(0);
  });

  it('does not send a lock request again to a server that got it and did not answer', async () => {
    const quiet = await fakeServer(silent);
    const c = client([quiet.url], { requestTimeoutMs: 100 });
    const error = await c.lock(NS, ['a'], { acquireTimeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockOutcomeUnknownError);
    expect((error as Error).message).toMatch(
      /got no answer \(.*: no answer within 100 ms\); it may have been granted to nobody, in which case it expires within 5000 ms/,
    );
    expect(quiet.received).toHaveLength(1);
  });

  it('after a silent server, takes a grant from another server, but does not follow hints back', async () => {
    const quiet = await fakeServer(silent);
    const leader = await FakeLeader.start(2, 9);
    const c1 = client([quiet.url, leader.url], { requestTimeoutMs: 100 });
    const handle = await c1.lock(NS, ['a'], { acquireTimeoutMs: 0 });
    expect(handle.server).toBe(leader.url);
    expect(quiet.received).toHaveLength(1);
    await handle.release();

    const quiet2 = await fakeServer(silent);
    const pointsAtQuiet = await fakeServer(follower(quiet2.url));
    const c2 = client([quiet2.url, pointsAtQuiet.url], { requestTimeoutMs: 100, deadlineMs: 400 });
    const error = await c2.lock(NS, ['a'], { acquireTimeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockOutcomeUnknownError);
    expect(quiet2.received).toHaveLength(1);
    expect(pointsAtQuiet.received.length).toBeGreaterThanOrEqual(2);
  });

  it('retries refused connections and says when no server answered', async () => {
    const dead = await deadServerUrl();
    const c = client([dead], { deadlineMs: 200 });
    const error = await c.lock(NS, ['a'], { acquireTimeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimelockUnavailableError);
    expect((error as Error).message).toMatch(
      /no Timelock server answered the lock request for namespace "orders" within 200 ms \(\d+ attempts\); last errors: .*connection failed \(ECONNREFUSED\)/,
    );
  });

  it('refuses a grant that breaks the protocol', async () => {
    const bad = await fakeServer((_r, res) => answer(res, 200, { granted: true, lockId: 'xyz' }));
    const c = client([bad.url]);
    await expect(c.lock(NS, ['a'])).rejects.toThrow(TimelockProtocolError);
    await expect(c.lock(NS, ['a'])).rejects.toThrow(
      /violated the lock protocol: expected a "lockId"/,
    );
  });

  it('checks its arguments before sending anything', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    await expect(c.lock('no spaces', ['a'])).rejects.toThrow(TypeError);
    await expect(c.lock(NS, [])).rejects.toThrow(/1 to 100 descriptors/);
    await expect(c.lock(NS, ['a', 'a'])).rejects.toThrow(/named twice/);
    await expect(c.lock(NS, ['tab\there'])).rejects.toThrow(/printable ASCII/);
    await expect(c.lock(NS, ['x'.repeat(1025)])).rejects.toThrow(RangeError);
    await expect(c.lock(NS, ['a'], { leaseMs: 50 })).rejects.toThrow(/leaseMs must be/);
    await expect(c.lock(NS, ['a'], { acquireTimeoutMs: 60_001 })).rejects.toThrow(
      /acquireTimeoutMs must be/,
    );
    expect(leader.received).toHaveLength(0);
  });

  it('close abandons held locks: their signals fire with TimelockClosedError', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const handle = await c.lock(NS, ['a'], { leaseMs: 150 });
    c.close();
    expect(handle.signal.reason).toBeInstanceOf(TimelockClosedError);
    await handle.release();
    await expect(c.lock(NS, ['a'])).rejects.toThrow(TimelockClosedError);
  });
});

describe('wait-for-locks and the immutable timestamp', () => {
  it('waitForLocks says whether the descriptors became free, without locking them', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    expect(await c.waitForLocks(NS, ['a'])).toBe(true);
    const holder = await c.lock(NS, ['a']);
    expect(await c.waitForLocks(NS, ['a'], { acquireTimeoutMs: 50 })).toBe(false);
    setTimeout(() => void holder.release(), 50);
    expect(await c.waitForLocks(NS, ['a'], { acquireTimeoutMs: 2000 })).toBe(true);
    expect(leader.locks.size).toBe(0);
  });

  it('an immutable-timestamp lock holds the immutable timestamp until released', async () => {
    const leader = await FakeLeader.start();
    const c = client([leader.url]);
    const handle = await c.lockImmutableTimestamp(NS, { leaseMs: 240 });
    expect(handle.immutableTimestamp).toBe(1);
    expect(handle.descriptors).toEqual([]);
    expect(leader.requests('lock-immutable-timestamp')[0].body).toEqual({ leaseMs: 240 });
    await sleep(400); // refreshed past its first lease
    expect(await c.getImmutableTimestamp(NS)).toBe(1);
    await handle.release();
    expect(await c.getImmutableTimestamp(NS)).toBeGreaterThan(1);
  });

  it('getImmutableTimestamp finds the leader and checks the answer', async () => {
    const leader = await FakeLeader.start();
    const notLeader = await fakeServer(follower(leader.url));
    const c = client([notLeader.url]);
    expect(await c.getImmutableTimestamp(NS)).toBe(1);
    const bad = await fakeServer((_r, res) => answer(res, 200, { immutableTimestamp: 'soon' }));
    await expect(client([bad.url]).getImmutableTimestamp(NS)).rejects.toThrow(
      TimelockProtocolError,
    );
  });
});
