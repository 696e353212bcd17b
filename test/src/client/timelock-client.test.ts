/**
 * The client against fake servers over real HTTP on 127.0.0.1: it finds the leader (hints,
 * dead and silent servers, servers without a leader), gives up at the deadline naming what
 * went wrong per server, never retries a refused request, coalesces concurrent calls into
 * few requests without serving a call from a request sent before it, asks again for callers
 * a short range did not cover, and refuses ranges that go backwards or break the protocol.
 */
import fc from 'fast-check';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fullJitterDelay } from '../../../src/client/backoff.ts';
import { batchSize, divideRange } from '../../../src/timestamp/coalescing.ts';
import {
  MAX_RANGE,
  TimelockClient,
  TimelockClosedError,
  TimelockProtocolError,
  TimelockRequestError,
  TimelockUnavailableError,
  TimestampRegressionError,
  type TimelockClientOptions,
  type TimestampRange,
} from '../../../src/index.ts';

const NS = 'orders';

/** A request as a fake server saw it. */
interface Received {
  readonly path: string;
  /** The body's n; undefined for a body without one. */
  readonly n: number | undefined;
}

/** How a fake server answers; it may answer later, or never. */
type Respond = (request: Received, res: ServerResponse) => void;

interface FakeServer {
  readonly url: string;
  readonly received: Received[];
}

const openServers: Server[] = [];
const openClients: TimelockClient[] = [];

afterEach(async () => {
  for (const client of openClients.splice(0)) client.close();
  await Promise.all(openServers.splice(0).map(closeServer));
});

function closeServer(server: Server): Promise<void> {
  // Silent servers hold requests open; without this, close would wait for them.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function fakeServer(respond: Respond): Promise<FakeServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const n = body === '' ? undefined : (JSON.parse(body) as { n?: number }).n;
      const request = { path: req.url ?? '', n };
      received.push(request);
      respond(request, res);
    });
  });
  openServers.push(server);
  return { url: await listen(server), received };
}

/** The URL of a port nothing listens on any more. */
async function deadServerUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await closeServer(server);
  return url;
}

function answer(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * A leader handing out increasing ranges from 1; `grant` says how many of the n asked for
 * the i-th request (from 0) gets, and `delayMs` how long its answer takes.
 */
function leader(
  grant: (n: number, i: number) => number = (n) => n,
  delayMs: (i: number) => number = () => 0,
): Respond {
  let next = 1;
  let requests = 0;
  return (request, res) => {
    const i = requests++;
    const reply = () => {
      const count = grant(request.n ?? 1, i);
      answer(res, 200, { lower: next, upper: next + count - 1 });
      next += count;
    };
    const delay = delayMs(i);
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  };
}

const follower =
  (leaderUrl?: string): Respond =>
  (_request, res) =>
    answer(res, 503, { error: 'not the leader', leader: 2, ...(leaderUrl ? { leaderUrl } : {}) });

const silent: Respond = () => {};

function client(servers: string[], options: Partial<TimelockClientOptions> = {}): TimelockClient {
  const c = new TimelockClient({
    servers,
    requestTimeoutMs: 500,
    deadlineMs: 3000,
    backoff: { baseMs: 1, maxMs: 10 },
    random: () => 0.5,
    ...options,
  });
  openClients.push(c);
  return c;
}

const countOf = (range: TimestampRange) => range.upper - range.lower + 1;
const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('finding the leader', () => {
  it('is served by the leader, asking for the count given', async () => {
    const server = await fakeServer(leader());
    const c = client([server.url]);
    expect(await c.freshTimestamp(NS)).toBe(1);
    expect(await c.freshTimestamps(NS, 5)).toEqual({ lower: 2, upper: 6 });
    expect(server.received).toEqual([
      { path: '/ts/orders/fresh-timestamps', n: 1 },
      { path: '/ts/orders/fresh-timestamps', n: 5 },
    ]);
  });

  it("follows a follower's hint to the leader, and starts there next time", async () => {
    const theLeader = await fakeServer(leader());
    const hinting = await fakeServer(follower(theLeader.url));
    const unhelpful = await fakeServer(follower());
    const c = client([hinting.url, unhelpful.url, theLeader.url]);
    expect(await c.freshTimestamp(NS)).toBe(1);
    expect(await c.freshTimestamp(NS)).toBe(2);
    expect(hinting.received).toHaveLength(1);
    expect(unhelpful.received).toHaveLength(0);
    expect(theLeader.received).toHaveLength(2);
  });

  it('moves on from a server without a leader, and from one that is down', async () => {
    const noLeader = await fakeServer((_r, res) => answer(res, 503, { error: 'no leader yet' }));
    const theLeader = await fakeServer(leader());
    const c = client([noLeader.url, await deadServerUrl(), theLeader.url]);
    expect(await c.freshTimestamps(NS, 3)).toEqual({ lower: 1, upper: 3 });
    expect(noLeader.received).toHaveLength(1);
  });

  it('gives up on a server that does not answer within the attempt timeout', async () => {
    const mute = await fakeServer(silent);
    const theLeader = await fakeServer(leader());
    const c = client([mute.url, theLeader.url], { requestTimeoutMs: 100 });
    const started = performance.now();
    expect(await c.freshTimestamp(NS)).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(mute.received).toHaveLength(1);
  });

  it('fails at the deadline naming the namespace, the attempts and each server’s last error', async () => {
    const mute = await fakeServer(silent);
    const dead = await deadServerUrl();
    const c = client([dead, mute.url], { requestTimeoutMs: 100, deadlineMs: 400 });
    const timersBefore = activeTimers();
    const started = performance.now();
    const error = await c.freshTimestamp(NS).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimelockUnavailableError);
    const unavailable = error as TimelockUnavailableError;
    expect(unavailable.namespace).toBe(NS);
    expect(unavailable.attempts).toBeGreaterThanOrEqual(4);
    expect([...unavailable.lastErrorByServer.keys()]).toEqual([dead, mute.url]);
    expect(unavailable.lastErrorByServer.get(dead)).toMatch(/connection failed \(ECONNREFUSED\)/);
    expect(unavailable.lastErrorByServer.get(mute.url)).toMatch(/no answer within \d+ ms/);
    expect(unavailable.message).toContain('"orders"');
    expect(unavailable.message).toContain(`${unavailable.attempts} attempts`);
    expect(elapsed).toBeGreaterThanOrEqual(395);
    expect(elapsed).toBeLessThan(1500);
    // The attempt timers and backoff waits are all cleared.
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it('throws a refused request at once, trying no other server', async () => {
    const refusing = await fakeServer((_r, res) => answer(res, 400, { error: 'bad namespace' }));
    const theLeader = await fakeServer(leader());
    const c = client([refusing.url, theLeader.url]);
    const error = await c.freshTimestamp(NS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimelockRequestError);
    expect(error).toMatchObject({
      status: 400,
      serverError: 'bad namespace',
      server: refusing.url,
    });
    expect(refusing.received).toHaveLength(1);
    expect(theLeader.received).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'oops'],
    ['not integers', { lower: 'a', upper: 2 }],
    ['upper below lower', { lower: 5, upper: 4 }],
    ['more than asked', { lower: 1, upper: 2 }],
  ])('treats a 200 that is %s as a protocol violation, trying no other server', async (_, body) => {
    const broken = await fakeServer((_r, res) => answer(res, 200, body));
    const theLeader = await fakeServer(leader());
    const c = client([broken.url, theLeader.url]);
    await expect(c.freshTimestamp(NS)).rejects.toThrow(TimelockProtocolError);
    expect(theLeader.received).toHaveLength(0);
  });
});

describe('coalescing', () => {
  it('serves many concurrent calls with few requests, each a distinct timestamp', async () => {
    const server = await fakeServer(leader());
    const c = client([server.url]);
    const timestamps = await Promise.all(Array.from({ length: 200 }, () => c.freshTimestamp(NS)));
    expect(server.received.length).toBeLessThanOrEqual(2);
    expect(server.received.reduce((sum, r) => sum + (r.n ?? 0), 0)).toBe(200);
    // Arrival order, contiguous: nothing was skipped or handed out twice.
    expect(timestamps).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('serves calls made while a request is in flight from a later request', async () => {
    const events: string[] = [];
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    const respond = leader(undefined, (i) => (i === 0 ? 150 : 0));
    const server = await fakeServer((request, res) => {
      events.push(`request n=${request.n}`);
      res.on('finish', () => events.push('answered'));
      firstArrived();
      respond(request, res);
    });
    const c = client([server.url]);
    const first = c.freshTimestamps(NS, 10);
    await arrived;
    const later = [c.freshTimestamp(NS), c.freshTimestamps(NS, 2)];
    expect(await first).toEqual({ lower: 1, upper: 10 });
    expect(await Promise.all(later)).toEqual([11, { lower: 12, upper: 13 }]);
    expect(events).toEqual(['request n=10', 'answered', 'request n=3', 'answered']);
  });

  it('asks again for the callers a short range did not cover, in arrival order', async () => {
    const server = await fakeServer(leader((n, i) => (i === 0 ? Math.min(n, 3) : n)));
    const c = client([server.url]);
    const ranges = await Promise.all([
      c.freshTimestamps(NS, 2),
      c.freshTimestamps(NS, 2),
      c.freshTimestamps(NS, 1),
    ]);
    // [1, 3] covers the first caller; 3 is dropped rather than given to the third.
    expect(ranges).toEqual([
      { lower: 1, upper: 2 },
      { lower: 4, upper: 5 },
      { lower: 6, upper: 6 },
    ]);
    expect(server.received.map((r) => r.n)).toEqual([5, 3]);
  });

  it('fails at the deadline a caller that short ranges never cover, never handing out part', async () => {
    const server = await fakeServer(leader(() => 1));
    const c = client([server.url], { deadlineMs: 150 });
    const error = await c.freshTimestamps(NS, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimelockUnavailableError);
    const unavailable = error as TimelockUnavailableError;
    expect(server.received.length).toBeGreaterThan(1);
    // The last attempt may have been cut short by the deadline, before or after it arrived.
    expect(unavailable.attempts - server.received.length).toBeOneOf([0, 1]);
    expect(unavailable.lastErrorByServer.get(server.url)).toMatch(
      /^(handed out 1 of the 2 timestamps asked for|no answer within \d+ ms)$/,
    );
  });

  it('asks for at most MAX_RANGE at a time', async () => {
    const server = await fakeServer(leader());
    const c = client([server.url]);
    const ranges = await Promise.all([
      c.freshTimestamps(NS, MAX_RANGE - 1),
      c.freshTimestamps(NS, 2),
      c.freshTimestamps(NS, 1),
    ]);
    expect(ranges.map(countOf)).toEqual([MAX_RANGE - 1, 2, 1]);
    expect(server.received.map((r) => r.n)).toEqual([MAX_RANGE - 1, 3]);
  });

  it('keeps namespaces apart', async () => {
    const server = await fakeServer(leader());
    const c = client([server.url]);
    await Promise.all([c.freshTimestamp('a'), c.freshTimestamp('b')]);
    expect(server.received.map((r) => r.path).sort()).toEqual([
      '/ts/a/fresh-timestamps',
      '/ts/b/fresh-timestamps',
    ]);
  });
});

describe('checking answers', () => {
  it('fails every caller of a range that goes backwards, and hands none of it out', async () => {
    let call = 0;
    const server = await fakeServer((request, res) =>
      call++ === 0
        ? answer(res, 200, { lower: 100, upper: 100 })
        : answer(res, 200, { lower: 100, upper: 100 + (request.n ?? 1) - 1 }),
    );
    const c = client([server.url]);
    expect(await c.freshTimestamp(NS)).toBe(100);
    const results = await Promise.allSettled([c.freshTimestamp(NS), c.freshTimestamp(NS)]);
    expect(server.received).toHaveLength(2);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as TimestampRegressionError;
      expect(error).toBeInstanceOf(TimestampRegressionError);
      expect(error.message).toContain('"orders"');
      expect(error.message).toContain(server.url);
      expect(error.message).toContain('[100, 101]');
      expect(error.previousGreatest).toBe(100);
    }
  });

  it.each([
    ['an empty namespace', '', 1, TypeError],
    ['a namespace with a space', 'a b', 1, TypeError],
    ['a namespace with a slash', 'a/b', 1, TypeError],
    ['a namespace of 129 characters', 'x'.repeat(129), 1, TypeError],
    ['a namespace that is no string', 7, 1, TypeError],
    ['n = 0', NS, 0, RangeError],
    ['n above MAX_RANGE', NS, MAX_RANGE + 1, RangeError],
    ['a fractional n', NS, 1.5, RangeError],
    ['n = NaN', NS, Number.NaN, RangeError],
    ['an n that is no number', NS, '3', TypeError],
  ])('rejects %s without any request', async (_, namespace, n, errorClass) => {
    let requests = 0;
    const c = client(['http://127.0.0.1:1'], {
      fetch: () => {
        requests++;
        return Promise.reject(new Error('no request was expected'));
      },
    });
    await expect(c.freshTimestamps(namespace as string, n as number)).rejects.toThrow(errorClass);
    expect(requests).toBe(0);
  });

  it('rejects bad options at construction', () => {
    expect(() => new TimelockClient({ servers: [] })).toThrow(TypeError);
    expect(() => new TimelockClient({ servers: ['ftp://x'] })).toThrow(TypeError);
    expect(() => new TimelockClient({ servers: ['not a url'] })).toThrow(TypeError);
    expect(() => new TimelockClient({ servers: ['http://x'], deadlineMs: 0 })).toThrow(RangeError);
    expect(
      () => new TimelockClient({ servers: ['http://x'], backoff: { baseMs: 10, maxMs: 5 } }),
    ).toThrow(RangeError);
  });

  it('fails pending and later calls once closed, leaving no timer behind', async () => {
    const mute = await fakeServer(silent);
    const c = client([mute.url]);
    const timersBefore = activeTimers();
    const pending = c.freshTimestamp(NS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const queued = c.freshTimestamp(NS);
    c.close();
    await expect(pending).rejects.toThrow(TimelockClosedError);
    await expect(queued).rejects.toThrow(TimelockClosedError);
    await expect(c.freshTimestamp(NS)).rejects.toThrow(TimelockClosedError);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });
});

describe('helpers', () => {
  it('backs off with full jitter under a doubling, capped bound', () => {
    const backoff = { baseMs: 10, maxMs: 100 };
    expect([1, 2, 3, 4, 5, 50].map((round) => fullJitterDelay(round, backoff, () => 0.5))).toEqual([
      5, 10, 20, 40, 50, 50,
    ]);
    expect(fullJitterDelay(3, backoff, () => 0)).toBe(0);
  });

  it('batches a prefix of at most the cap and divides ranges in order', () => {
    const demands = [4, 3, 5].map((count) => ({ count }));
    expect(batchSize(demands, 7)).toBe(2);
    expect(batchSize(demands, 3)).toBe(1);
    expect(divideRange(10, 16, demands)).toEqual([
      { lower: 10, upper: 13 },
      { lower: 14, upper: 16 },
    ]);
    expect(divideRange(10, 12, demands)).toEqual([]);
  });
});

describe('property: concurrent callers against a monotonic server', () => {
  /** A caller: how long after the previous one it calls (0: same tick), and for how many. */
  const caller = fc.record({
    gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
    count: fc.integer({ min: 1, max: 40 }),
  });
  /** The server's behaviour, cycled per request: timestamps withheld and answer delay. */
  const serverBehaviour = fc.array(
    fc.record({
      withheld: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
      delayMs: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 5 },
  );

  it('every caller gets exactly its count, disjoint and above all handed out before it', async () => {
    let behaviour: Array<{ withheld: number; delayMs: number }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const respond = leader(
      // A full answer at least once per cycle, so that every caller is eventually covered.
      (n, i) =>
        i % (behaviour.length + 1) === 0
          ? n
          : Math.max(1, n - behaviour[i % behaviour.length].withheld),
      (i) => behaviour[i % behaviour.length].delayMs,
    );
    const server = await fakeServer((request, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('finish', () => (inFlight -= 1));
      respond(request, res);
    });

    await fc.assert(
      fc.asyncProperty(
        fc.array(caller, { minLength: 1, maxLength: 12 }),
        serverBehaviour,
        async (callers, cycle) => {
          behaviour = cycle;
          const c = client([server.url]);
          let greatestHandedOut = 0;
          const calls: Array<Promise<{ range: TimestampRange; before: number; count: number }>> =
            [];
          for (const { gapMs, count } of callers) {
            if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
            const before = greatestHandedOut;
            calls.push(
              c.freshTimestamps(NS, count).then((range) => {
                greatestHandedOut = Math.max(greatestHandedOut, range.upper);
                return { range, before, count };
              }),
            );
          }
          const results = await Promise.all(calls);
          for (const { range, before, count } of results) {
            expect(countOf(range)).toBe(count);
            expect(range.lower).toBeGreaterThan(before);
          }
          const sorted = results.map((r) => r.range).sort((a, b) => a.lower - b.lower);
          for (let i = 1; i < sorted.length; i++)
            expect(sorted[i].lower).toBeGreaterThan(sorted[i - 1].upper);
          c.close();
        },
      ),
      { seed: 42, numRuns: 60 },
    );
    expect(maxInFlight).toBe(1);
  });
});
