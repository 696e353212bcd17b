import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinkProxies } from '../../../src/cluster/link-proxy.ts';
import { PEER_HEADERS } from '../../../src/net/peer-auth.ts';

/** Two stand-in servers that record what reaches them, behind proxies. */
let targets: Server[];
const received: Array<{ to: number; from: string; body: string }> = [];
let proxies: LinkProxies;

beforeAll(async () => {
  targets = [1, 2, 3].map((to) =>
    createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ to, from: String(req.headers[PEER_HEADERS.sender]), body });
        res.writeHead(204);
        res.end();
      });
    }),
  );
  await Promise.all(targets.map((t) => new Promise<void>((r) => t.listen(0, '127.0.0.1', r))));
  const urls = new Map(
    targets.map(
      (t, i) => [i + 1, `http://127.0.0.1:${(t.address() as AddressInfo).port}`] as const,
    ),
  );
  // Server 3's address is taken away below, to see what a sender gets from a server that is down.
  proxies = await LinkProxies.start(urls, 5);
});

afterAll(async () => {
  await proxies.close();
  await Promise.all(targets.map((t) => new Promise((r) => t.close(r))));
});

afterEach(() => {
  proxies.heal();
  received.length = 0;
});

/** Posts a peer message from `from` to `to` through the proxy: the status, or the error code. */
function send(from: number, to: number, body = 'm'): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      proxies.url(to) + '/peer',
      {
        method: 'POST',
        headers: { [PEER_HEADERS.sender]: String(from), 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end(body);
  });
}

describe('link proxies', () => {
  it('forward messages on a healthy link, with their sender', async () => {
    expect(await send(1, 2, 'hello')).toBe(204);
    expect(received).toEqual([{ to: 2, from: '1', body: 'hello' }]);
  });

  it('cut one directed link, and only that one', async () => {
    proxies.setRule(1, 2, { blocked: true });
    expect(await send(1, 2)).toBe('ECONNRESET');
    expect(await send(2, 1)).toBe(204);
    expect(await send(3, 2)).toBe(204);
    expect(received.map((r) => `${r.from}->${r.to}`)).toEqual(['2->1', '3->2']);
  });

  it('partition into groups that talk among themselves, a bridge server in both, until healed', async () => {
    proxies.partition([
      [1, 2],
      [2, 3],
    ]);
    const results = await Promise.all([send(1, 2), send(2, 3), send(1, 3), send(3, 1)]);
    expect(results).toEqual([204, 204, 'ECONNRESET', 'ECONNRESET']);
    proxies.heal();
    expect(await send(1, 3)).toBe(204);
  });

  it('lose messages silently: the sender is told they were delivered', async () => {
    proxies.setAll({ loss: 1 });
    expect(await send(1, 2)).toBe(204);
    expect(received).toEqual([]);
    expect(proxies.stats.lost).toBeGreaterThan(0);
  });

  it('lose about the share asked for', async () => {
    proxies.setAll({ loss: 0.5 });
    const statuses = [];
    for (let i = 0; i < 200; i++) statuses.push(await send(1, 2, String(i)));
    expect(statuses.every((s) => s === 204)).toBe(true);
    expect(received.length).toBeGreaterThan(60);
    expect(received.length).toBeLessThan(140);
  });

  it('hold delayed messages at least the delay before they arrive', async () => {
    proxies.setAll({ delayMs: 150 });
    const began = performance.now();
    expect(await send(2, 1)).toBe(204);
    expect(performance.now() - began).toBeGreaterThanOrEqual(145);
    expect(received).toHaveLength(1);
  });

  it('lose a held message whose link is cut meanwhile', async () => {
    proxies.setAll({ delayMs: 200 });
    const pending = send(2, 1);
    await new Promise((r) => setTimeout(r, 50));
    proxies.partition([[1], [2, 3]]);
    expect(await pending).toBe('ECONNRESET');
    expect(received).toEqual([]);
  });

  it('answer 502 when the server behind is down, which a sender retries', async () => {
    await new Promise((r) => targets[2]!.close(r));
    targets[2]!.closeAllConnections();
    expect(await send(1, 3)).toBe(502);
  });
});
