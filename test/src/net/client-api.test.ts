/**
 * The client API over real HTTP on 127.0.0.1, with a backend that records what reached it:
 * fresh timestamps and ranges answered as {lower, upper}; a server that is not the leader
 * answers 503 naming the leader; every bad request (namespace, N, body, size, method, path)
 * gets a 4xx with a JSON error that says what was expected, and reaches no backend.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_RANGE,
  handleClientRequest,
  parseClientRequest,
  type ClientBackend,
  type FreshOutcome,
} from '../../../src/net/client-api.ts';
import type { LockApiRequest } from '../../../src/net/lock-api.ts';

describe('client API', () => {
  let server: Server;
  let base: string;
  const calls: Array<[string, number]> = [];
  const lockCalls: LockApiRequest[] = [];
  let outcome: FreshOutcome;
  let next = 1;
  const backend: ClientBackend = {
    fresh: async (namespace, count) => {
      calls.push([namespace, count]);
      if (outcome.kind !== 'served') return outcome;
      const lower = next;
      next += count;
      return { kind: 'served', lower, upper: next - 1, server: 1, term: 3 };
    },
    locks: async (request) => {
      lockCalls.push(request);
      return { kind: 'answer', body: { granted: true } };
    },
    leader: () => ({ leader: 2, leaderUrl: 'http://127.0.0.1:7002' }),
    status: () => ({ server: 1, role: 'follower' }),
    health: () => ({ ok: true }),
  };

  beforeAll(async () => {
    server = createServer((req, res) => handleClientRequest(req, res, backend));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    calls.length = 0;
    lockCalls.length = 0;
    outcome = { kind: 'served', lower: 0, upper: 0, server: 1, term: 3 };
  });

  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(base + path, {
      method,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('hands out a fresh timestamp and fresh ranges of 1 to 10,000', async () => {
    const one = await call('POST', '/ts/orders/fresh-timestamp');
    expect(one.status).toBe(200);
    expect(one.json.upper).toBe(one.json.lower);
    // Who served it, and under which election term: what a history checker tells leaders by.
    expect(one.json).toMatchObject({ server: 1, term: 3 });
    const range = await call(
      'POST',
      '/ts/orders/fresh-timestamps',
      JSON.stringify({ n: MAX_RANGE }),
    );
    expect(range.status).toBe(200);
    expect((range.json.upper as number) - (range.json.lower as number) + 1).toBe(MAX_RANGE);
    expect(range.json.lower).toBeGreaterThan(one.json.upper as number);
    expect(calls).toEqual([
      ['orders', 1],
      ['orders', MAX_RANGE],
    ]);
  });

  it('answers 503 with the leader when this server is not the leader', async () => {
    outcome = { kind: 'not-leader', leader: 3, leaderUrl: 'http://127.0.0.1:7003' };
    const r = await call('POST', '/ts/orders/fresh-timestamp');
    expect(r).toEqual({
      status: 503,
      json: { error: 'not the leader', leader: 3, leaderUrl: 'http://127.0.0.1:7003' },
    });
  });

  it('serves leader, status and health', async () => {
    expect((await call('GET', '/leader')).json).toEqual({
      leader: 2,
      leaderUrl: 'http://127.0.0.1:7002',
    });
    expect((await call('GET', '/status')).json.role).toBe('follower');
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it.each([
    [
      'a namespace with a space',
      'POST',
      '/ts/or%20ders/fresh-timestamp',
      undefined,
      400,
      /namespace must match/,
    ],
    [
      'a namespace too long',
      'POST',
      `/ts/${'a'.repeat(129)}/fresh-timestamp`,
      undefined,
      400,
      /namespace/,
    ],
    ['N of 0', 'POST', '/ts/orders/fresh-timestamps', '{"n": 0}', 400, /integer from 1 to 10000/],
    [
      'N above 10,000',
      'POST',
      '/ts/orders/fresh-timestamps',
      '{"n": 10001}',
      400,
      /from 1 to 10000/,
    ],
    ['N not an integer', 'POST', '/ts/orders/fresh-timestamps', '{"n": 1.5}', 400, /integer/],
    ['a body that is not JSON', 'POST', '/ts/orders/fresh-timestamps', '{n: 3', 400, /not JSON/],
    ['no body', 'POST', '/ts/orders/fresh-timestamps', undefined, 400, /not JSON/],
    [
      'an oversized body',
      'POST',
      '/ts/orders/fresh-timestamps',
      JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }),
      413,
      /at most 1024 bytes/,
    ],
    ['the wrong method', 'GET', '/ts/orders/fresh-timestamp', undefined, 405, /use POST/],
    ['the wrong method on /leader', 'POST', '/leader', '{}', 405, /use GET/],
    ['an unknown path', 'GET', '/timestamps', undefined, 404, /no such endpoint/],
  ])(
    'refuses %s with a JSON error, reaching no backend',
    async (_what, method, path, body, status, error) => {
      const r = await call(method, path, body);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(error);
      expect(calls).toEqual([]);
    },
  );

  it('parses without HTTP as the handler does', () => {
    expect(parseClientRequest('POST', '/ts/a_b-9/fresh-timestamps', '{"n": 7}')).toEqual({
      kind: 'fresh',
      namespace: 'a_b-9',
      count: 7,
    });
    expect(parseClientRequest('POST', '/ts/%E0%A4%A/fresh-timestamp', undefined)).toMatchObject({
      status: 400,
    });
  });

  describe('lock endpoints', () => {
    const id = 'a'.repeat(32);
    it('passes well-formed requests on, descriptors sorted, defaults filled in', async () => {
      const lock = await call(
        'POST',
        '/lock/orders/lock',
        JSON.stringify({ descriptors: ['row 2', 'row 1'], acquireTimeoutMs: 50 }),
      );
      expect(lock.status).toBe(200);
      await call('POST', '/lock/orders/refresh', JSON.stringify({ lockIds: [id, id] }));
      await call('POST', '/lock/orders/unlock', JSON.stringify({ lockIds: [id] }));
      await call('POST', '/lock/orders/lock-immutable-timestamp', '{}');
      await call('POST', '/lock/orders/immutable-timestamp');
      await call('POST', '/lock/orders/wait-for-locks', '{"descriptors": ["x"]}');
      expect(lockCalls).toEqual([
        {
          kind: 'lock',
          namespace: 'orders',
          descriptors: ['row 1', 'row 2'],
          acquireMs: 50,
          leaseMs: 5000,
        },
        { kind: 'refresh', namespace: 'orders', lockIds: [id] },
        { kind: 'unlock', namespace: 'orders', lockIds: [id] },
        { kind: 'lock-immutable', namespace: 'orders', leaseMs: 5000 },
        { kind: 'immutable', namespace: 'orders' },
        {
          kind: 'wait-for-locks',
          namespace: 'orders',
          descriptors: ['x'],
          acquireMs: 10_000,
          leaseMs: 5000,
        },
      ]);
    });

    const lockBody = (fields: Record<string, unknown>) => JSON.stringify(fields);
    it.each([
      ['no descriptors', 'lock', lockBody({ descriptors: [] }), 400, /1 to 100 distinct/],
      ['descriptors not a list', 'lock', lockBody({ descriptors: 'row' }), 400, /descriptors/],
      [
        'more than 100 descriptors',
        'lock',
        lockBody({ descriptors: Array.from({ length: 101 }, (_, i) => `d${i}`) }),
        400,
        /got 101/,
      ],
      [
        'a descriptor over 1 KiB',
        'lock',
        lockBody({ descriptors: ['x'.repeat(1025)] }),
        400,
        /descriptor 0/,
      ],
      ['an empty descriptor', 'lock', lockBody({ descriptors: [''] }), 400, /descriptor 0/],
      ['a non-ASCII descriptor', 'lock', lockBody({ descriptors: ['r\u00e9'] }), 400, /printable/],
      ['a repeated descriptor', 'lock', lockBody({ descriptors: ['a', 'a'] }), 400, /repeat/],
      [
        'a negative acquire timeout',
        'lock',
        lockBody({ descriptors: ['a'], acquireTimeoutMs: -1 }),
        400,
        /acquireTimeoutMs.*0 to 60000/,
      ],
      [
        'an acquire timeout over a minute',
        'lock',
        lockBody({ descriptors: ['a'], acquireTimeoutMs: 60_001 }),
        400,
        /acquireTimeoutMs/,
      ],
      [
        'a lease too short',
        'lock',
        lockBody({ descriptors: ['a'], leaseMs: 99 }),
        400,
        /leaseMs.*100 to 60000/,
      ],
      ['a lease not whole', 'lock-immutable-timestamp', lockBody({ leaseMs: 1.5 }), 400, /leaseMs/],
      ['a body that is not JSON', 'lock', '{descriptors: []', 400, /not JSON/],
      ['a body that is a list', 'refresh', '[]', 400, /JSON object/],
      ['no lock ids', 'refresh', lockBody({ lockIds: [] }), 400, /lock ids/],
      ['a forged lock id', 'unlock', lockBody({ lockIds: ['not-a-lock-id'] }), 400, /lock id 0/],
      [
        'an upper-case lock id',
        'refresh',
        lockBody({ lockIds: ['A'.repeat(32)] }),
        400,
        /lock id 0/,
      ],
      [
        'more than 100 lock ids',
        'unlock',
        lockBody({
          lockIds: Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, '0')),
        }),
        400,
        /lock ids/,
      ],
      ['an unknown endpoint', 'steal', '{}', 404, /no such lock endpoint/],
      [
        'an oversized body',
        'lock',
        lockBody({ descriptors: ['a'], pad: 'x'.repeat(300 * 1024) }),
        413,
        /at most 262144 bytes/,
      ],
    ])(
      'refuses %s with a JSON error, reaching no backend',
      async (_what, endpoint, body, status, error) => {
        const r = await call('POST', `/lock/orders/${endpoint}`, body);
        expect(r.status).toBe(status);
        expect(r.json.error).toMatch(error);
        expect(lockCalls).toEqual([]);
      },
    );

    it('refuses a bad namespace and the wrong method', async () => {
      expect((await call('POST', '/lock/a%20b/lock', '{"descriptors":["a"]}')).status).toBe(400);
      const get = await call('GET', '/lock/orders/lock');
      expect(get.status).toBe(405);
      expect(lockCalls).toEqual([]);
    });
  });
});
