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

describe('client API', () => {
  let server: Server;
  let base: string;
  const calls: Array<[string, number]> = [];
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
});
